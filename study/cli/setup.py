"""`flask setup`: bring the database up to date (what `make run` does first). Every step is
idempotent: migrations, the code sets when empty, the question bank when its files changed."""

from __future__ import annotations

import click

from study.cli.bank import setup_bank
from study.cli.codes import ready_database


@click.command("setup")
def setup_command() -> None:
    """Bring the database up to date: migrations, code sets (when empty) and the question bank (when changed)."""
    ready_database()
    click.echo("Database schema is up to date.")
    setup_bank()
    click.echo(
        "Sign up at /account/signup, or create an admin with:\n"
        "  .venv/bin/flask --app app users create --email you@example.org --role admin"
    )
