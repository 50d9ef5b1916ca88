"""`flask backup create|restore`: a copy of the whole database, and putting one back
(study.services.backups; docs/deploy.md, "Backups")."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_migrate import upgrade

from study.extensions import db
from study.services import backups

backup_cli = AppGroup("backup", help="Back the database up, or restore a backup.")


@backup_cli.command("create")
@click.argument("dest", type=click.Path(path_type=Path))
def backup_create_command(dest: Path) -> None:
    """Write a backup to DEST (a new file, or a folder for a time-stamped one). SQLite: consistent
    while the site runs. PostgreSQL: pg_dump's custom format (pg_dump must be on PATH)."""
    try:
        done = backups.create(db.engine.url.render_as_string(hide_password=False), dest)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up to {done.path}: {done.summary}.")


@backup_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def backup_restore_command(source: Path, yes: bool) -> None:
    """Replace everything in the database with the backup in SOURCE, then bring its schema up to date."""
    url = db.engine.url
    where = url.database if backups.backend(url.render_as_string()) == "sqlite" else f"database {url.database} on {url.host}"
    if not yes:
        click.confirm(f"Replace everything in {where} with {source}?", abort=True)
    db.session.remove()
    db.engine.dispose()  # this process keeps no connection to the database being replaced
    try:
        done = backups.restore(url.render_as_string(hide_password=False), source)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {source}: {done.summary}.")
    upgrade()
    click.echo("Database schema is up to date.")
