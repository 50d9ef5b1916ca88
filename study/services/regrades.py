"""Regrading past answers after an answer key was corrected. Who may regrade an item is the
reports rule (``reports.can_manage``).

Regrading (``plan_regrade`` previews, ``regrade`` applies): every graded response to an older version
of the item is graded again against the item's current version. Mode ``new-key`` applies the new
key; mode ``best-of`` keeps the better of the score under the version the learner answered and the
score under the new key. Both scores are recomputed from the stored answer, so the result depends
only on the stored answer and the two versions: regrading twice with the same mode changes
nothing the second time (and writes no second log), and switching modes is exact.
MCQ answers are stored in the bank's original letters, so they are graded as they are; case answers
are graded again from the stored code lists and their grade report is replaced.

Side effects of a changed response, all in one transaction:

* ``Response.correct``/``score`` (and a case's ``report_json``);
* the attempt's ``score_pct`` when it is submitted, by ``grading.attempt_score`` as every attempt
  computes it (100 x the mean of the scores over all its items; a case attempt: the case's score);
* the progress rollups the dashboards read: the MCQ ``AnswerRollup`` row of the answer's week gets
  ``correct`` adjusted by the difference (+1/-1), and the ``CaseRollup`` of the case's setting gets
  ``score_sum`` and the error counts adjusted by the difference between the old and new reports.
  Nothing is added to ``study/services/rollups.py``: adjustments are plain UPDATEs of existing rows;
* a ``RegradeLog`` row with every change (response id, attempt id, learner, old and new score)
  and the instructor's reason.

What learners see afterwards (``answer_review.regrade_notes``): every page that shows a graded
answer against its key (a practice question, a case attempt, an exam's review) shows the key of
the version the answer was regraded against, the learner's answer, the verdict now stored, and a
note: regraded on this date, the old key, the new key, the mode and the instructor's reason. An
answer counts as regraded by a log when it was graded before the log was written and was served
an older version than the log's.

Each response is updated by compare-and-set on the grade the plan read, and the rollups move only
for rows actually updated, so a stale preview or two concurrent regrades never count twice.

Not changed: the spaced-repetition cards (a past review is not replayed), and responses of exam
attempts still open (they have no score yet; they are graded at submission against the version
they were served): running the regrade again after they are submitted picks them up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from study.extensions import db
from study.kinds import AttemptStatus, ItemType
from study.models import AnswerRollup, Attempt, AttemptItem, CaseRollup, Item, ItemExam, ItemVersion, RegradeLog, Response, User
from study.services import Forbidden, ServiceError, audit
from study.services.grading import Graded, attempt_score, grade_response, parsed_version
from study.services.reports import _get_item, can_manage, get_report, resolve_report
from study.services.rollups import CASE_ERROR_COLUMNS, case_errors, week_of
from study.services.transactions import changed_rows, transaction

REASON_CHARS = 500  # the reason kept on the log (RegradeLog.reason)

MODES = {
    "new-key": "Apply the new key to every past answer",
    "best-of": "Keep the better of the old and the new score",
}


# ------------------------------------------------------------------ regrading
@dataclass
class RegradeChange:
    response: Response
    attempt: Attempt
    learner_name: str
    version_number: int
    old_score: float | None
    old_correct: bool | None
    new_score: float
    new_correct: bool
    new_report: dict | None = None  # cases: the report chosen
    old_report_json: str = ""  # cases: the stored report, for the compare-and-set

    def as_log(self) -> dict:
        return {
            "response_id": self.response.id,
            "attempt_id": self.attempt.id,
            "user_id": self.response.user_id,
            "old_score": self.old_score,
            "new_score": self.new_score,
            "old_correct": self.old_correct,
            "new_correct": self.new_correct,
        }


@dataclass
class RegradePlan:
    item: Item
    mode: str
    to_version: ItemVersion
    examined: int  # graded responses to older versions
    changes: list[RegradeChange]


def plan_regrade(user: User, item_key: str, mode: str) -> RegradePlan:
    """What `regrade` would change, without changing anything."""
    if mode not in MODES:
        raise ServiceError("Choose how to regrade.")
    item = _get_item(user, item_key)
    target = item.current_version
    if target is None:
        raise ServiceError("This item has no published version to grade against.")
    new_parsed = parsed_version(target)
    rows = db.session.execute(
        sa.select(Response, AttemptItem, Attempt)
        .join(AttemptItem, AttemptItem.id == Response.attempt_item_id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(AttemptItem.item_id == item.id, AttemptItem.item_version_id != target.id, Response.score.is_not(None))
        .options(contains_eager(AttemptItem.response))  # the row's response: no second join for the item's eager one
        .order_by(Response.id)
    ).all()
    versions: dict[int, ItemVersion] = {}
    changes: list[RegradeChange] = []
    names: dict[int, str] = {}
    for response, ai, attempt in rows:
        version = versions.get(ai.item_version_id) or db.session.get(ItemVersion, ai.item_version_id)
        if version is None:
            raise ServiceError(f"Stored item version {ai.item_version_id} is missing.")
        versions[version.id] = version
        answer = response.answer
        chosen: Graded = grade_response(new_parsed, answer)
        if mode == "best-of":
            old = grade_response(version, answer)
            chosen = old if old.score > chosen.score else chosen
        score, correct, report = chosen.score, chosen.correct, chosen.report
        same = response.score is not None and abs(response.score - score) < 1e-9 and bool(response.correct) == correct
        if report is not None:
            report = json.loads(json.dumps(report))  # as it would be stored, to compare like with like
            same = same and response.report == report
        if same:
            continue
        if response.user_id not in names:
            learner = db.session.get(User, response.user_id)
            names[response.user_id] = learner.name if learner else "(deleted)"
        changes.append(
            RegradeChange(
                response,
                attempt,
                names[response.user_id],
                version.number,
                response.score,
                response.correct,
                score,
                correct,
                report,
                old_report_json=response.report_json or "",
            )
        )
    return RegradePlan(item=item, mode=mode, to_version=target, examined=len(rows), changes=changes)


def _adjust_mcq_rollup(item: Item, change: RegradeChange) -> None:
    delta = int(change.new_correct) - int(bool(change.old_correct))
    if not delta:
        return
    exams = list(db.session.scalars(sa.select(ItemExam.exam).where(ItemExam.item_id == item.id)))
    if not exams:
        return
    db.session.execute(
        sa.update(AnswerRollup)
        .where(
            AnswerRollup.user_id == change.response.user_id,
            AnswerRollup.topic == item.topic,
            AnswerRollup.week == week_of(change.response.answered_at),
            AnswerRollup.exam.in_(exams),
        )
        .values(correct=AnswerRollup.correct + delta)
    )


def _adjust_case_rollup(item: Item, change: RegradeChange, old_report: dict) -> None:
    old_errors, new_errors = case_errors(old_report), case_errors(change.new_report or {})
    values = {"score_sum": CaseRollup.score_sum + (change.new_score - (change.old_score or 0.0))}
    for column in CASE_ERROR_COLUMNS:
        diff = new_errors[column] - old_errors[column]
        if diff:
            values[column] = getattr(CaseRollup, column) + diff
    db.session.execute(
        sa.update(CaseRollup).where(CaseRollup.user_id == change.response.user_id, CaseRollup.setting == item.setting).values(**values)
    )


@transaction()
def regrade(user: User, item_key: str, mode: str, now: datetime, reason: str = "") -> tuple[RegradePlan, RegradeLog | None]:
    """Plan and apply in one go; returns the plan and the log row (None when nothing changed).
    `reason` (the instructor's words, at most ``REASON_CHARS``) is shown to the learners."""
    plan = plan_regrade(user, item_key, mode)
    return plan, apply_regrade(user, plan, now, reason)


@transaction()
def regrade_and_resolve(
    user: User, report_id: int, mode: str, now: datetime, reason: str, reply: str
) -> tuple[RegradePlan, RegradeLog | None]:
    """The report page's last step once the item is fixed: regrade the reported item's past answers
    and resolve the report as fixed with `reply`, in one transaction (both or neither: a report
    resolved meanwhile by someone else is a Conflict and nothing is regraded)."""
    view = get_report(user, report_id)
    plan, log = regrade(user, view.item.key, mode, now, reason)
    resolve_report(user, report_id, "fixed", reply, now)
    return plan, log


@transaction()
def apply_regrade(user: User, plan: RegradePlan, now: datetime, reason: str = "") -> RegradeLog | None:
    """Apply a plan. Each response is updated only if it still holds the grade the plan read
    (compare-and-set), and the rollups are adjusted only for responses actually updated: a stale
    plan, or two instructors regrading at the same moment, can never count a change twice."""
    if not can_manage(user, plan.item):
        raise Forbidden("This item belongs to another instructor.")
    item = plan.item
    applied: list[RegradeChange] = []
    for change in plan.changes:
        response = change.response
        conditions = [Response.id == response.id, Response.score == change.old_score]
        conditions.append(Response.correct.is_(None) if change.old_correct is None else Response.correct == change.old_correct)
        values: dict[str, object] = {"score": change.new_score, "correct": change.new_correct}
        if item.type == ItemType.CASE:
            conditions.append(Response.report_json == change.old_report_json)
            values["report_json"] = json.dumps(change.new_report)
        if changed_rows(sa.update(Response).where(*conditions).values(**values).execution_options(synchronize_session=False)) != 1:
            continue  # regraded meanwhile by someone else
        if item.type == ItemType.CASE:
            _adjust_case_rollup(item, change, json.loads(change.old_report_json) if change.old_report_json else {})
        else:
            _adjust_mcq_rollup(item, change)
        applied.append(change)
    if not applied:
        return None
    db.session.expire_all()  # the responses were updated in SQL: read them again
    for attempt_id in sorted({c.attempt.id for c in applied}):
        attempt = db.session.get(Attempt, attempt_id)
        if attempt is not None and attempt.status == AttemptStatus.SUBMITTED:
            attempt.score_pct = attempt_score(attempt)
    log = RegradeLog(
        item_id=item.id,
        actor_id=user.id,
        mode=plan.mode,
        to_version_id=plan.to_version.id,
        responses_changed=len(applied),
        details_json=json.dumps([c.as_log() for c in applied]),
        created_at=now,
        reason=" ".join(reason.split())[:REASON_CHARS],
    )
    db.session.add(log)
    db.session.flush()
    audit.record(
        user, "item.regraded", item, at=now,
        details={"mode": plan.mode, "to_version": plan.to_version.number, "responses_changed": len(applied),
                 "reason": log.reason, "regrade_log_id": log.id},
    )
    return log


def regrade_logs(user: User, item_key: str) -> list[tuple[RegradeLog, str]]:
    """The item's regrades, newest first, with the name of who ran each."""
    item = _get_item(user, item_key)
    rows = db.session.execute(
        sa.select(RegradeLog, User)
        .outerjoin(User, User.id == RegradeLog.actor_id)
        .where(RegradeLog.item_id == item.id)
        .order_by(RegradeLog.created_at.desc(), RegradeLog.id.desc())
    ).all()
    return [(log, actor.name if actor else "(deleted)") for log, actor in rows]
