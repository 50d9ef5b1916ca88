"""The bank list's per-item figures, stored: attempts, facility, discrimination and the item
analysis flag of every item served in a submitted exam, computed here and read by the bank list
(study.services.bank_search) so that no page reads every response.

What is counted: every submitted timed-exam attempt of every learner (the site as a whole, as an
admin's exam analysis counts them; only aggregates are stored, no learner is named), pooled into one
attempts x items matrix, with the definitions of Moodle's quiz statistics (study.analysis: the same
functions as the item analysis pages). An item is *flagged* when it has at least the minimum number
of responses (ITEM_ANALYSIS_MIN_RESPONSES) and the analysis raises a flag or a possible wrong key in
any exam blueprint (item_analysis.suspects_in_exams). Practice answers and instructors'
try-an-answer runs are not counted (the latter are never stored).

When: `refresh` recomputes everything in one transaction (a row in `bank_stats_run` records when);
`refresh_if_stale` does so on a bank-list page view when the last run is older than
BANK_STATS_MAX_AGE_MINUTES and an exam was submitted since (or there was never a run); `flask bank
stats` recomputes on demand. Two refreshes at once: the second's rows would collide with the
first's on PostgreSQL; it gives way (the figures are the first's, just as fresh).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from study import analysis
from study.extensions import db
from study.models import Attempt, AttemptItem, BankStatsRun, Item, ItemStat, Response
from study.models.base import table_of
from study.services import item_analysis
from study.services.bank_search import summary_of
from study.services.grading import parsed_version
from study.services.transactions import transaction

DEFAULT_MAX_AGE_MINUTES = 60


def latest_run() -> BankStatsRun | None:
    return db.session.scalar(sa.select(BankStatsRun).order_by(BankStatsRun.computed_at.desc(), BankStatsRun.id.desc()).limit(1))


def is_stale(run: BankStatsRun | None, now: datetime, max_age_minutes: int = DEFAULT_MAX_AGE_MINUTES) -> bool:
    """Never computed; or older than the maximum age with an exam submitted since."""
    if run is None:
        return True
    if now - run.computed_at < timedelta(minutes=max_age_minutes):
        return False
    newer = sa.select(Attempt.id).where(*item_analysis._exam_conditions(None), Attempt.submitted_at >= run.computed_at).limit(1)
    return db.session.scalar(newer) is not None


def refresh_if_stale(
    now: datetime, max_age_minutes: int = DEFAULT_MAX_AGE_MINUTES, min_responses: int = analysis.MIN_RESPONSES
) -> BankStatsRun | None:
    """The run the figures come from: the last one, or a new one when it was stale."""
    run = latest_run()
    if is_stale(run, now, max_age_minutes):
        return refresh(now, min_responses) or latest_run()
    return run


def refresh(now: datetime, min_responses: int = analysis.MIN_RESPONSES) -> BankStatsRun | None:
    """Recompute every item's figures (see the module docstring); None when a concurrent refresh won."""
    rows = item_analysis.plain_rows(
        sa.select(AttemptItem.attempt_id, AttemptItem.item_id, AttemptItem.position, sa.func.coalesce(Response.score, 0.0))
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(*item_analysis._exam_conditions(None))
    )
    matrix = item_analysis.matrix_from_rows(rows)
    stats = analysis.item_statistics(matrix.by_item, min_responses=min_responses) if len(matrix.item_ids) else []
    item_ids = [int(i) for i in matrix.item_ids.tolist()]
    enough = [i for i, s in zip(item_ids, stats, strict=True) if s.enough]
    items = list(db.session.scalars(sa.select(Item).where(Item.id.in_(enough)))) if enough else []
    suspects = item_analysis.suspects_in_exams(None, items, min_responses)
    values = []
    for item_id, s in zip(item_ids, stats, strict=True):
        labels = [analysis.FLAG_LABELS[f] for f in s.flags]
        if item_id in suspects:
            labels.insert(0, "Possible wrong key")
        values.append(
            {
                "item_id": item_id,
                "attempts": s.attempts,
                "facility": s.facility,
                "discrimination": s.discrimination,
                "enough": s.enough,
                "flagged": bool(s.enough and labels),
                "wrong_key": item_id in suspects,
                "flags": "; ".join(labels)[:200],
                "computed_at": now,
            }
        )
    try:
        with transaction():
            db.session.execute(sa.delete(ItemStat))
            if values:
                db.session.execute(sa.insert(table_of(ItemStat)), values)
            run = BankStatsRun(computed_at=now, attempts=len(matrix.attempt_ids), items=len(values))
            db.session.add(run)
            _fill_summaries()
    except IntegrityError:  # another refresh stored its rows first; transaction() rolled this one back
        return None
    return run


def _fill_summaries() -> None:
    """Items stored before the bank list existed have no summary yet: give them one."""
    stmt = sa.select(Item).where(Item.summary == "", Item.current_version_id.is_not(None)).options(selectinload(Item.current_version))
    for item in db.session.scalars(stmt):
        if item.current_version is not None:
            item.summary = summary_of(parsed_version(item.current_version))
