"""Keep the progress rollups in step with graded answers (called inside the grading transaction)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from study.extensions import db
from study.models import AnswerRollup, CaseRollup, Item, ItemExam

CASE_ERROR_COLUMNS = ("sequencing", "specificity", "modifiers", "units", "extra", "missing")


def week_of(when: datetime) -> date:
    day = when.date()
    return day - timedelta(days=day.weekday())


def _upsert(model, keys: dict, increments: dict) -> None:
    """INSERT ... ON CONFLICT DO UPDATE adding `increments` (SQLite and PostgreSQL alike)."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    table = model.__table__
    stmt = insert(table).values(**keys, **increments)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={name: table.c[name] + stmt.excluded[name] for name in increments}
    )
    db.session.execute(stmt)


def add_mcq_answer(user_id: int, item_id: int, correct: bool, seconds: float | None, when: datetime) -> None:
    topic = db.session.scalar(sa.select(Item.topic).where(Item.id == item_id))
    exams = db.session.scalars(sa.select(ItemExam.exam).where(ItemExam.item_id == item_id)).all()
    for exam in exams:
        _upsert(
            AnswerRollup,
            {"user_id": user_id, "exam": exam, "topic": topic, "week": week_of(when)},
            {"answered": 1, "correct": int(bool(correct)), "seconds_sum": float(seconds or 0), "timed": int(seconds is not None)},
        )


def case_errors(report: dict) -> dict[str, int]:
    """Count the kinds of error in one grade report (the dashboard's error table)."""
    errors = dict.fromkeys(CASE_ERROR_COLUMNS, 0)
    for line in report.get("lines", []):
        verdict, kind = line.get("verdict"), line.get("kind")
        if kind == "sequencing" and verdict == "wrong":
            errors["sequencing"] += 1
        elif kind in ("modifiers", "units") and verdict in ("wrong", "missing"):
            errors[kind] += 1
        elif verdict in ("partial", "incomplete"):
            errors["specificity"] += 1
        elif verdict in ("extra", "invalid", "wrong_system", "not_reportable"):
            errors["extra"] += 1
        elif verdict == "missing" and kind in ("diagnosis", "procedure", "pcs"):
            errors["missing"] += 1
    return errors


def add_case_report(user_id: int, setting: str, score: float, report: dict) -> None:
    _upsert(CaseRollup, {"user_id": user_id, "setting": setting}, {"attempts": 1, "score_sum": float(score), **case_errors(report)})
