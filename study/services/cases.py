"""Coding cases outside exams: code the record, get the grade report line by line, retry."""
from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from study.bank.model import CaseItem
from study.extensions import db
from study.grading.answers import as_case, clean_case_answer
from study.grading.results import GradeReport
from study.kinds import AttemptKind
from study.models import Attempt, AttemptItem, Item, User
from study.services import Conflict, NotFound, rollups
from study.services.attempts import (
    add_items,
    close_attempt,
    get_attempt,
    insert_attempt,
    published_items,
    refuse_locked,
    schedule_review,
    store_response,
    version_item,
)
from study.services.grading import attempt_score, grade_response
from study.services.transactions import transaction

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


@transaction()
def start_case(user: User, key: str, now: datetime, *, assignment_id: int | None = None, open_key: str | None = None) -> Attempt:
    """A new attempt at a case (every attempt is kept). The open one is reused: it holds
    `open_key` (default "case:<key>"; an assignment's own key for assignment cases) until it is
    graded, and the unique (user, open_key) makes concurrent starts (a double click) open one
    attempt. Refused (409) while another attempt holds the case's key (see locked_item_ids)."""
    item = get_case(key)
    refuse_locked(user, item.id, now, "case", assignment_id=assignment_id)
    open_key = open_key or f"case:{key}"
    existing = _open_attempt(user, open_key)
    if existing is not None:
        return existing
    attempt = Attempt(
        user_id=user.id, kind="case", started_at=now, config_json=json.dumps({"case": key}), assignment_id=assignment_id, open_key=open_key
    )
    started = insert_attempt(attempt)
    if started is not attempt:  # a simultaneous start won: that attempt
        return started
    add_items(attempt, [(item, None)], user)
    return attempt


def _open_attempt(user: User, open_key: str) -> Attempt | None:
    return db.session.scalar(sa.select(Attempt).where(Attempt.user_id == user.id, Attempt.open_key == open_key))


def case_of(attempt: Attempt) -> tuple[AttemptItem, CaseItem]:
    ai = attempt.items[0]
    return ai, as_case(version_item(ai))


ALREADY_GRADED = "This attempt is already graded. Start a new attempt to try again."


@transaction()
def submit_case(user: User, attempt_id: int, lists: dict, now: datetime, seconds: float | None = None) -> GradeReport:
    """Grade the attempt once: closing it is conditional, so a second submission is refused. The
    answer is stored as ``clean_case_answer`` normalizes it (blank rows dropped), as exams store it."""
    attempt = get_attempt(user, attempt_id, "case")
    ai, case = case_of(attempt)
    refuse_locked(user, ai.item_id, now, "case", attempt=attempt)
    if not attempt.is_open:
        raise Conflict(ALREADY_GRADED)
    seconds = None if seconds is None or not 0 <= seconds < float("inf") else min(seconds, 4 * 3600.0)
    clean = clean_case_answer(lists)
    graded = grade_response(case, clean)
    if not close_attempt(attempt, now, served_count=1, answered_count=1):
        raise Conflict(ALREADY_GRADED)
    response, _ = store_response(
        ai,
        user,
        clean,
        report_json=json.dumps(graded.report),
        score=graded.score,
        correct=graded.correct,
        answered_at=now,
        seconds=seconds,
    )
    attempt.score_pct = attempt_score(attempt)
    schedule_review(user.id, ai.item_id, graded.score, seconds, now, (case.minutes or 15) * 60)
    rollups.add_case_report(user.id, case.setting, graded.score, response.report)
    return graded.case_report


def history(user: User, key: str) -> list[Attempt]:
    item = get_case(key)
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .join(AttemptItem)
            .where(Attempt.user_id == user.id, Attempt.kind == AttemptKind.CASE, AttemptItem.item_id == item.id)
            .order_by(Attempt.started_at.desc())
        )
    )
