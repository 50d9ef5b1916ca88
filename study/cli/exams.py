"""`flask exams ...`: exam simulations (closing the expired ones from cron)."""

from __future__ import annotations

from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from study.services import exams as exam_service

exams_cli = AppGroup("exams", help="Exam simulations.")


@exams_cli.command("close-expired")
def exams_close_expired_command() -> None:
    """Submit every exam whose time is up (run from cron; pages also do it when they are opened)."""
    count = exam_service.close_expired(datetime.now(timezone.utc))
    click.echo(f"Submitted {count} expired exam(s).")
