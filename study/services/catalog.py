"""What the bank offers, for forms and lists: its topics and its exam blueprints (read-only)."""
from __future__ import annotations

import sqlalchemy as sa

from study.extensions import db
from study.models import ExamBlueprint, Topic


def topics() -> list[Topic]:
    """Every topic, by title."""
    return list(db.session.scalars(sa.select(Topic).order_by(Topic.title)))


def blueprints() -> list[ExamBlueprint]:
    """Every exam blueprint, by exam name."""
    return list(db.session.scalars(sa.select(ExamBlueprint).order_by(ExamBlueprint.exam)))


def exam_names() -> list[str]:
    """The exams that have a blueprint, by name."""
    return list(db.session.scalars(sa.select(ExamBlueprint.exam).order_by(ExamBlueprint.exam)))
