"""A learner's progress: mastery per blueprint section, readiness, trend, pace, weakest sections,
coding-case accuracy by kind of error, and history. Aggregation happens in SQL (one grouped query
per figure); Python only combines the few grouped rows."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import sqlalchemy as sa

from study import zones
from study.extensions import db
from study.kinds import AttemptKind, AttemptStatus
from study.models import AnswerRollup, Attempt, AttemptItem, CaseRollup, ExamBlueprint, Item, Response, User
from study.planning import DIAGNOSTIC_SIZE, PlanSection, PlanWeek, weekly_plan
from study.readiness import Readiness, SectionEvidence, predict, recency_weight
from study.services import NotFound
from study.services.practice import due_count
from study.services.rollups import week_of
from study.services.transactions import transaction

WEEKS_SHOWN = 12


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
    blueprint: ExamBlueprint
    sections: list[SectionRow]
    readiness: Readiness
    weeks: list[WeekPoint]
    exams: list[Attempt]
    exam_counts: dict[int, tuple[int, int]]
    pace_seconds: float | None
    exam_pace_seconds: float | None
    weakest: list[SectionRow]
    due: int
    case_by_setting: dict[str, tuple[int, float]]
    case_errors: dict[str, int]
    history: list[Attempt]
    total_answers: int
    exam_names: list[str] = field(default_factory=list)


def _topic_weeks(user: User, exam: str, now: datetime) -> list[tuple[str, int, int, int, float, int]]:
    """(topic, weeks_ago, answers, correct, seconds sum, timed answers) from the learner's rollup rows."""
    this_week = week_of(now)
    rows = db.session.execute(
        sa.select(
            AnswerRollup.topic,
            AnswerRollup.week,
            AnswerRollup.answered,
            AnswerRollup.correct,
            AnswerRollup.seconds_sum,
            AnswerRollup.timed,
        ).where(AnswerRollup.user_id == user.id, AnswerRollup.exam == exam)
    ).all()
    return [(topic, (this_week - week).days // 7, answered, correct, secs, timed) for topic, week, answered, correct, secs, timed in rows]


def dashboard(user: User, exam: str, now: datetime) -> Dashboard:
    blueprint = db.session.get(ExamBlueprint, exam)
    if blueprint is None:
        raise NotFound(f"No blueprint for {exam}.")
    rows = _topic_weeks(user, exam, now)
    by_topic: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    week_totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    seconds_sum = 0.0
    timed = answers = 0
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
            .where(
                Attempt.user_id == user.id,
                Attempt.kind == AttemptKind.EXAM,
                Attempt.exam == exam,
                Attempt.status == AttemptStatus.SUBMITTED,
            )
            .order_by(Attempt.submitted_at)
        )
    )
    counts = exam_counts(exams)
    # a simulation left mostly empty measures nothing: only those at least half answered count
    measured = [a.score_pct or 0 for a in exams if a.id in counts and counts[a.id][1] * 2 >= counts[a.id][0]]
    readiness = predict([s.evidence for s in sections], blueprint.pass_percent, measured)
    scored = [(accuracy, s) for s in sections if (accuracy := s.accuracy) is not None]
    weakest = [s for _, s in sorted(scored, key=lambda pair: pair[0])[:3]]
    weeks = [WeekPoint(w, *week_totals[w]) for w in range(WEEKS_SHOWN - 1, -1, -1) if w in week_totals]
    case_by_setting, case_errors = case_summary(user)
    return Dashboard(
        exam=exam,
        blueprint=blueprint,
        sections=sections,
        readiness=readiness,
        weeks=weeks,
        exams=exams,
        exam_counts=counts,
        pace_seconds=round(seconds_sum / timed, 1) if timed else None,
        exam_pace_seconds=(blueprint.pace_minutes_per_question or 0) * 60 or None,
        weakest=weakest,
        due=due_count(user, now),
        case_by_setting=case_by_setting,
        case_errors=case_errors,
        history=history(user, limit=50),
        total_answers=answers,
        exam_names=list(db.session.scalars(sa.select(ExamBlueprint.exam).order_by(ExamBlueprint.exam))),
    )


def exam_counts(exams: list[Attempt]) -> dict[int, tuple[int, int]]:
    """attempt id -> (questions served, questions answered), as fixed at submission."""
    return {a.id: (a.served_count or 0, a.answered_count or 0) for a in exams}


ERROR_KINDS = {
    "sequencing": "Sequencing",
    "specificity": "Specificity (partial or incomplete codes)",
    "modifiers": "Modifiers",
    "units": "Units",
    "extra": "Extra or unsupported codes",
    "missing": "Missed codes",
}


def case_summary(user: User) -> tuple[dict[str, tuple[int, float]], dict[str, int]]:
    """Coding-case accuracy by setting, and counts of each kind of error, from the case rollups."""
    rows = db.session.scalars(sa.select(CaseRollup).where(CaseRollup.user_id == user.id)).all()
    by_setting = {r.setting: (r.attempts, round(100 * r.score_sum / r.attempts, 1) if r.attempts else 0.0) for r in rows}
    errors = {key: sum(getattr(r, key) for r in rows) for key in ERROR_KINDS}
    return by_setting, errors


def history(user: User, limit: int | None = None) -> list[Attempt]:
    stmt = sa.select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.started_at.desc())
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


# ------------------------------------------------------------------ data ownership
def export_data(user: User, now: datetime | None = None) -> dict:
    """Everything stored about the learner, as plain data (for JSON and CSV downloads). Whether an
    answer was right is left out while its assignment's policy still holds the keys back (`now`)."""
    from study.services.assignments import keys_shown

    now = now or datetime.now(timezone.utc)
    held = {
        a.id
        for a in db.session.scalars(sa.select(Attempt).where(Attempt.user_id == user.id, Attempt.assignment_id.is_not(None)))
        if not keys_shown(a, now)
    }
    answers = db.session.execute(
        sa.select(
            Attempt.id,
            Attempt.kind,
            Attempt.exam,
            AttemptItem.position,
            Item.key,
            Response.answer_json,
            Response.correct,
            Response.score,
            Response.seconds,
            Response.answered_at,
        )
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
            {
                "id": a.id,
                "kind": a.kind,
                "exam": a.exam,
                "status": a.status,
                "started_at": a.started_at.isoformat(),
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "score_pct": a.score_pct,
            }
            for a in history(user)
        ],
        "answers": [
            {
                "attempt_id": r[0],
                "kind": r[1],
                "exam": r[2],
                "position": r[3],
                "item": r[4],
                "answer": json.loads(r[5]),
                "correct": None if r[0] in held else r[6],
                "score": None if r[0] in held else r[7],
                "seconds": r[8],
                "answered_at": r[9].isoformat(),
            }
            for r in answers
        ],
    }


def delete_account(user: User) -> None:
    """Delete the account and everything that is theirs. Every table that points at a user does so
    with ON DELETE CASCADE (their rows go: attempts, answers, cards, logs, reports, sessions, career
    results, owned cohorts) or SET NULL (an author or actor kept on shared content), enforced by the
    database on both backends (SQLite with foreign keys on), so one statement removes them all."""
    user_id = user.id
    with transaction():
        if user in db.session:
            db.session.expunge(user)
        db.session.execute(sa.delete(User).where(User.id == user_id))


# ------------------------------------------------------------------ the learner's data as files
EXPORT_ANSWER_COLUMNS = ["attempt_id", "kind", "exam", "position", "item", "answer", "correct", "score", "seconds", "answered_at"]


def export_json(user: User, now: datetime | None = None) -> str:
    """Everything stored about the learner (export_data) as a JSON document."""
    return json.dumps(export_data(user, now), indent=2, ensure_ascii=False)


def export_answers_csv(user: User, now: datetime | None = None) -> str:
    """The learner's answers (export_data) as CSV, one row per answer; the answer itself as JSON."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_ANSWER_COLUMNS)
    for answer in export_data(user, now)["answers"]:
        writer.writerow([json.dumps(answer[c]) if c == "answer" else answer[c] for c in EXPORT_ANSWER_COLUMNS])
    return out.getvalue()


# ---------------------------------------------------------------- the weekly plan
@dataclass(frozen=True)
class StudyPlan:
    exam: str
    exam_date: date | None
    today: date
    weeks: list[PlanWeek]
    diagnostic_size: int = DIAGNOSTIC_SIZE


def study_plan(user: User, now: datetime) -> StudyPlan | None:
    """The learner's weekly plan to their exam date (study/planning.py) from their mastery of the
    exam's blueprint sections; None without a target exam."""
    if not user.target_exam:
        return None
    board = dashboard(user, user.target_exam, now)
    sections = [
        PlanSection(s.key, s.title, s.topics, s.blueprint_count, s.evidence.estimate, s.evidence.enough) for s in board.sections
    ]
    today = zones.to_local(now, user.time_zone).date()
    return StudyPlan(user.target_exam, user.exam_date, today, weekly_plan(sections, today, user.exam_date))
