"""Coding cases outside exams: code the record, get the grade report line by line, retry."""
from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from study.bank.model import CaseItem
from study.codes.normalize import submission_from_lists
from study.extensions import db
from study.grading.case import grade_case
from study.grading.results import GradeReport
from study.models import Attempt, AttemptItem, Item, User
from study.services import Conflict, NotFound, rollups
from study.services import codes as code_service
from study.services.attempts import (
    add_items,
    get_attempt,
    insert_attempt,
    published_items,
    schedule_review,
    store_response,
    version_item,
)

SETTINGS = ("professional", "outpatient-facility", "inpatient")


def list_cases(setting: str | None = None, exam: str | None = None) -> list[Item]:
    stmt = published_items("case", exam)
    if setting in SETTINGS:
        stmt = stmt.where(Item.setting == setting)
    return list(db.session.scalars(stmt))


def get_case(key: str) -> Item:
    item = db.session.scalar(published_items("case").where(Item.key == key))
    if item is None:
        raise NotFound("No such case.")
    return item


def start_case(user: User, key: str, now: datetime, *, assignment_id: int | None = None, open_key: str | None = None) -> Attempt:
    """A new attempt at a case (every attempt is kept; open ones are reused, so a double click makes
    one). `assignment_id`/`open_key`: the assignment it belongs to (its open attempts are its own)."""
    item = get_case(key)
    existing = db.session.scalar(
        sa.select(Attempt)
        .join(AttemptItem)
        .where(
            Attempt.user_id == user.id, Attempt.kind == "case", Attempt.status == "open", AttemptItem.item_id == item.id,
            Attempt.assignment_id.is_(None) if assignment_id is None else Attempt.assignment_id == assignment_id,
        )
        .limit(1)
    )
    if existing is not None:
        return existing
    attempt = Attempt(
        user_id=user.id, kind="case", started_at=now, config_json=json.dumps({"case": key}), assignment_id=assignment_id, open_key=open_key
    )
    started = insert_attempt(attempt)
    if started is not attempt:  # a simultaneous start of the same assignment case won: that attempt
        return started
    add_items(attempt, [(item, None)], user)
    db.session.commit()
    return attempt


def case_of(attempt: Attempt) -> tuple[AttemptItem, CaseItem]:
    ai = attempt.items[0]
    return ai, version_item(ai)


def submit_case(user: User, attempt_id: int, lists: dict, now: datetime, seconds: float | None = None) -> GradeReport:
    attempt = get_attempt(user, attempt_id, "case")
    ai, case = case_of(attempt)
    if not attempt.is_open:
        raise Conflict("This attempt is already graded. Start a new attempt to try again.")
    clean = {k: [str(v).strip()[:40] for v in lists.get(k, []) if str(v).strip()][:30] for k in ("diagnoses", "procedures", "pcs")}
    report = grade_case(case, submission_from_lists(clean["diagnoses"], clean["procedures"], clean["pcs"]), code_service.checker())
    response, created = store_response(
        ai,
        user,
        clean,
        report_json=json.dumps(report.to_json(after_attempt=True)),
        score=report.score_pct / 100,
        correct=report.score_pct >= 100,
        answered_at=now,
        seconds=seconds,
    )
    if created:
        schedule_review(user, ai.item_id, report.score_pct >= 80, seconds, now, (case.minutes or 15) * 60)
        rollups.add_case_report(user.id, case.setting, report.score_pct / 100, response.report)
        attempt.status, attempt.submitted_at, attempt.score_pct, attempt.open_key = "submitted", now, report.score_pct, None
        attempt.served_count = attempt.answered_count = 1
    db.session.commit()
    return report


def history(user: User, key: str) -> list[Attempt]:
    item = get_case(key)
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .join(AttemptItem)
            .where(Attempt.user_id == user.id, Attempt.kind == "case", AttemptItem.item_id == item.id)
            .order_by(Attempt.started_at.desc())
        )
    )
