"""What the bank offers, for forms and lists: its topics and its exam blueprints (read-only)."""
from __future__ import annotations

import json
from dataclasses import dataclass

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


@dataclass(frozen=True)
class QuestionPlace:
    """Where a question sits: its exam, the blueprint section its topic belongs to (None when the
    exam has no blueprint or no section lists the topic) and the topic's title."""

    exam: str | None
    section: str | None
    topic: str


def question_place(exam: str | None, topic: str) -> QuestionPlace:
    """The exam section and topic title a question page shows (one query)."""
    sections = sa.select(ExamBlueprint.sections_json).where(ExamBlueprint.exam == (exam or "")).scalar_subquery()
    row = db.session.execute(sa.select(sa.select(Topic.title).where(Topic.key == topic).scalar_subquery(), sections)).one()
    title, sections_json = row
    section = None
    if sections_json:
        section = next((s.get("title") for s in json.loads(sections_json) if topic in s.get("topics", [])), None)
    return QuestionPlace(exam, section, title or topic)
