"""Command-line interface: one click group per domain; commands are thin wrappers over services."""
from __future__ import annotations

import os

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from study.models import Role
from study.services import ServiceError

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="E-mail address (the sign-in name).")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.LEARNER.value, show_default=True)
@click.option("--name", "display_name", default="", help="Display name.")
@click.option(
    "--password-env",
    default="CODEPREP_PASSWORD",
    show_default=True,
    help="Environment variable holding the password (for scripts); asked for when it is not set.",
)
def create_user_command(email: str, role: str, display_name: str, password_env: str) -> None:
    """Create an account."""
    from study.services import users

    password = os.environ.get(password_env)
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = users.create_user(email, password, role=role, display_name=display_name)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.role} account {user.email} (id {user.id}).")


@users_cli.command("set-role")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
def set_role_command(email: str, role: str) -> None:
    """Change an account's role."""
    from study.extensions import db
    from study.services import users

    user = users.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    user.role = Role(role).value
    db.session.commit()
    click.echo(f"{user.email} is now {user.role}.")


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="127.0.0.1")
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), type=int, show_default="5000")
@click.option("--threads", default=8, show_default=True)
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the site with the production WSGI server (waitress); DEBUG=1 uses Flask's debug server."""
    app = current_app._get_current_object()
    click.echo(f"CodePrep is running at http://{host}:{port}/  (Ctrl+C to stop)")
    if app.debug:
        app.run(host=host, port=port, debug=True, use_reloader=False)
        return
    from waitress import serve

    serve(app, host=host, port=port, threads=threads, ident="CodePrep")


@click.command("setup")
def setup_command() -> None:
    """Bring the database up to date: migrations, code sets (when empty) and the question bank (when changed)."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("Database schema is up to date.")
    for step in SETUP_STEPS:
        step()
    click.echo(
        "Sign up at /account/signup, or create an admin with:\n"
        "  .venv/bin/flask --app app users create --email you@example.org --role admin"
    )


# later subsystems (code sets, question bank) append their idempotent setup steps here
SETUP_STEPS: list = []


def init_app(app: Flask) -> None:
    app.cli.add_command(setup_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(serve_command)
