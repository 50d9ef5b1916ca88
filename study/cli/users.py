"""`flask users ...`: create accounts and change roles."""

from __future__ import annotations

import os

import click
from flask.cli import AppGroup

from study.models import Role
from study.services import ServiceError, users

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
    user = users.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    try:
        users.set_role(None, user.id, role)  # audited, with the command line as the actor
    except ServiceError as exc:  # e.g. changed on the site meanwhile: said plainly, no traceback
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{user.email} is now {user.role}.")
