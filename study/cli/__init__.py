"""Command-line interface: one click group per domain, one module per group; commands are thin
wrappers over services. The application factory registers them all with `init_app`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from study.cli.backup import backup_cli
    from study.cli.bank import bank_cli
    from study.cli.codes import codes_cli
    from study.cli.exams import exams_cli
    from study.cli.serve import serve_command
    from study.cli.setup import setup_command
    from study.cli.users import users_cli

    app.cli.add_command(setup_command)
    app.cli.add_command(codes_cli)
    app.cli.add_command(bank_cli)
    app.cli.add_command(exams_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(serve_command)
    app.cli.add_command(backup_cli)
