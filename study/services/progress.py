"""A learner's progress: mastery per blueprint section, readiness, trend, pace, weakest sections,
coding-case accuracy by kind of error, and history. Aggregation happens in SQL (one grouped query
per figure); Python only combines the few grouped rows."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from study.extensions import db
from study.models import Attempt, AttemptItem, Blueprint, Item, ItemExam, Response, User
from study.readiness import Readiness, SectionEvidence, predict, recency_weight
from study.services import NotFound
from study.services.practice import due_count

WEEKS_SHOWN = 12


def _weeks_ago(now: datetime):
    """SQL expression: whole weeks between an answer and `now` (same result on SQLite and PostgreSQL)."""
    if db.engine.dialect.name == "postgresql":
        return sa.cast(sa.func.floor(sa.extract("epoch", sa.literal(now) - Response.answered_at) / 604800), sa.Integer)
    return sa.cast((sa.func.julianday(sa.literal(now.isoformat())) - sa.func.julianday(Response.answered_at)) / 7, sa.Integer)


@dataclass
class SectionRow:
    key: str
    title: str
    blueprint_count: int
    topics: tuple[str, ...]
    evidence: SectionEvidence

    @property
    def accuracy(self) -> float | None:
        return self.evidence.accuracy


@dataclass
class WeekPoint:
    weeks_ago: int
    answered: int
    correct: int

    @property
    def percent(self) -> float:
        return round(100 * self.correct / self.answered, 1) if self.answered else 0.0


@dataclass
class Dashboard:
    exam: str
    blueprint: Blueprint
    sections: list[SectionRow]
    readiness: Readiness
    weeks: list[WeekPoint]
    exams: list[Attempt]
    pace_seconds: float | None
    exam_pace_seconds: float | None
    weakest: list[SectionRow]
    due: int
    case_by_setting: dict[str, tuple[int, float]]
    case_errors: dict[str, int]
    history: list[Attempt]
    total_answers: int
    exam_names: list[str] = field(default_factory=list)


def _topic_weeks(user: User, exam: str, now: datetime) -> list[tuple[str, int, int, int, float | None, int]]:
    """(topic, weeks_ago, answers, correct, seconds sum, timed answers) for the learner's graded MCQ answers."""
    weeks = _weeks_ago(now).label("weeks_ago")
    stmt = (
        sa.select(
            Item.topic,
            weeks,
            sa.func.count(),
            sa.func.sum(sa.case((Response.correct.is_(True), 1), else_=0)),
            sa.func.sum(Response.seconds),
            sa.func.count(Response.seconds),
        )
        .select_from(Response)
        .join(Item, Item.id == Response.item_id)
        .join(ItemExam, sa.and_(ItemExam.item_id == Response.item_id, ItemExam.exam == exam))
        .where(Response.user_id == user.id, Response.correct.is_not(None), Item.type == "mcq")
        .group_by(Item.topic, weeks)
    )
    return [tuple(row) for row in db.session.execute(stmt).all()]


def dashboard(user: User, exam: str, now: datetime) -> Dashboard:
    blueprint = db.session.get(Blueprint, exam)
    if blueprint is None:
        raise NotFound(f"No blueprint for {exam}.")
    rows = _topic_weeks(user, exam, now)
    by_topic: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    week_totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    seconds_sum = timed = answers = 0
    for topic, weeks_ago, count, correct, secs, n_timed in rows:
        weeks_ago = max(0, int(weeks_ago or 0))
        by_topic[topic].append((weeks_ago, int(count), int(correct or 0)))
        week_totals[weeks_ago][0] += int(count)
        week_totals[weeks_ago][1] += int(correct or 0)
        seconds_sum += float(secs or 0)
        timed += int(n_timed or 0)
        answers += int(count)
    sections = []
    for section in blueprint.sections:
        count = (section.get("questions") or 0) + (section.get("cases") or 0)
        n = wn = wc = 0.0
        for topic in section["topics"]:
            for weeks_ago, c, r in by_topic.get(topic, []):
                w = recency_weight(weeks_ago)
                n += c
                wn += w * c
                wc += w * r
        evidence = SectionEvidence(section["key"], section["title"], count, int(n), wn, wc, tuple(section["topics"]))
        sections.append(SectionRow(section["key"], section["title"], count, tuple(section["topics"]), evidence))
    exams = list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.user_id == user.id, Attempt.kind == "exam", Attempt.exam == exam, Attempt.status == "submitted")
            .order_by(Attempt.submitted_at)
        )
    )
    readiness = predict([s.evidence for s in sections], blueprint.pass_percent, [a.score_pct or 0 for a in _real_attempts(exams)])
    weakest = sorted((s for s in sections if s.accuracy is not None), key=lambda s: s.accuracy)[:3]
    weeks = [WeekPoint(w, *week_totals[w]) for w in range(WEEKS_SHOWN - 1, -1, -1) if w in week_totals]
    case_by_setting, case_errors = case_summary(user)
    return Dashboard(
        exam=exam,
        blueprint=blueprint,
        sections=sections,
        readiness=readiness,
        weeks=weeks,
        exams=exams,
        pace_seconds=round(seconds_sum / timed, 1) if timed else None,
        exam_pace_seconds=(blueprint.pace_minutes_per_question or 0) * 60 or None,
        weakest=weakest,
        due=due_count(user, now),
        case_by_setting=case_by_setting,
        case_errors=case_errors,
        history=history(user, limit=50),
        total_answers=answers,
        exam_names=list(db.session.scalars(sa.select(Blueprint.exam).order_by(Blueprint.exam))),
    )


def _real_attempts(exams: list[Attempt]) -> list[Attempt]:
    """Simulations where the learner answered at least half: an exam left empty measures nothing."""
    if not exams:
        return []
    ids = [a.id for a in exams]
    rows = db.session.execute(
        sa.select(AttemptItem.attempt_id, sa.func.count(AttemptItem.id), sa.func.count(Response.id))
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id.in_(ids))
        .group_by(AttemptItem.attempt_id)
    ).all()
    counts = {attempt_id: (served, answered) for attempt_id, served, answered in rows}
    return [a for a in exams if a.id in counts and counts[a.id][1] * 2 >= counts[a.id][0]]


ERROR_KINDS = {
    "sequencing": "Sequencing",
    "specificity": "Specificity (partial or incomplete codes)",
    "modifiers": "Modifiers",
    "units": "Units",
    "extra": "Extra or unsupported codes",
    "missing": "Missed codes",
}


def case_summary(user: User) -> tuple[dict[str, tuple[int, float]], dict[str, int]]:
    """Coding-case accuracy by setting, and counts of each kind of error, from the grade reports."""
    stmt = (
        sa.select(Item.setting, sa.func.count(), sa.func.avg(Response.score))
        .select_from(Response)
        .join(Item, Item.id == Response.item_id)
        .where(Response.user_id == user.id, Item.type == "case", Response.score.is_not(None))
        .group_by(Item.setting)
    )
    by_setting = {setting: (int(n), round(100 * float(avg or 0), 1)) for setting, n, avg in db.session.execute(stmt).all()}
    errors = {key: 0 for key in ERROR_KINDS}
    reports = db.session.scalars(
        sa.select(Response.report_json)
        .join(Item, Item.id == Response.item_id)
        .where(Response.user_id == user.id, Item.type == "case", Response.report_json != "")
        .order_by(Response.id.desc())
        .limit(200)
    )
    for raw in reports:
        for line in json.loads(raw).get("lines", []):
            verdict, kind = line.get("verdict"), line.get("kind")
            if kind == "sequencing" and verdict == "wrong":
                errors["sequencing"] += 1
            elif kind in ("modifiers", "units") and verdict in ("wrong", "missing"):
                errors[kind] += 1
            elif verdict in ("partial", "incomplete"):
                errors["specificity"] += 1
            elif verdict in ("extra", "invalid", "not_reportable"):
                errors["extra"] += 1
            elif verdict == "missing" and kind in ("diagnosis", "procedure", "pcs"):
                errors["missing"] += 1
    return by_setting, errors


def history(user: User, limit: int | None = None) -> list[Attempt]:
    stmt = sa.select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.started_at.desc())
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


# ------------------------------------------------------------------ data ownership
def export_data(user: User) -> dict:
    """Everything stored about the learner, as plain data (for JSON and CSV downloads)."""
    answers = db.session.execute(
        sa.select(Attempt.id, Attempt.kind, Attempt.exam, AttemptItem.position, Item.key, Response.answer_json, Response.correct, Response.score, Response.seconds, Response.answered_at)
        .select_from(Response)
        .join(AttemptItem, AttemptItem.id == Response.attempt_item_id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(Item, Item.id == Response.item_id)
        .where(Response.user_id == user.id)
        .order_by(Response.answered_at)
    ).all()
    return {
        "account": {"email": user.email, "display_name": user.display_name, "role": user.role, "created_at": user.created_at.isoformat()},
        "attempts": [
            {"id": a.id, "kind": a.kind, "exam": a.exam, "status": a.status, "started_at": a.started_at.isoformat(),
             "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None, "score_pct": a.score_pct}
            for a in history(user)
        ],
        "answers": [
            {"attempt_id": r[0], "kind": r[1], "exam": r[2], "position": r[3], "item": r[4], "answer": json.loads(r[5]),
             "correct": r[6], "score": r[7], "seconds": r[8], "answered_at": r[9].isoformat()}
            for r in answers
        ],
    }


def delete_account(user: User) -> None:
    """Delete the learner and everything that is theirs (attempts, answers, cards, logs, reports)."""
    from study.models import ItemReport, ReviewCard, ReviewLog

    attempt_ids = sa.select(Attempt.id).where(Attempt.user_id == user.id)
    item_ids = sa.select(AttemptItem.id).where(AttemptItem.attempt_id.in_(attempt_ids))
    db.session.execute(sa.update(ItemReport).where(ItemReport.attempt_item_id.in_(item_ids)).values(attempt_item_id=None))
    for model in (ItemReport, ReviewLog, ReviewCard):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
    db.session.execute(sa.delete(Response).where(Response.user_id == user.id))
    db.session.execute(sa.delete(AttemptItem).where(AttemptItem.attempt_id.in_(attempt_ids)))
    db.session.execute(sa.delete(Attempt).where(Attempt.user_id == user.id))
    try:
        from study.models.careers import CareerAssessment

        db.session.execute(sa.delete(CareerAssessment).where(CareerAssessment.user_id == user.id))
    except ImportError:  # pragma: no cover
        pass
    db.session.delete(user)
    db.session.commit()


