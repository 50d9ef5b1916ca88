"""Timed exam simulations built from a blueprint. The server owns the clock.

deadline = start + blueprint minutes x the extra-time multiplier of the cohort that assigned it. Answers are saved as
they are given and may be changed until the deadline (plus a few seconds of tolerance for the
network: `TOLERANCE`, an argument of every function that reads the clock against the deadline);
after it they are refused and change nothing, and the attempt is submitted
automatically, whether or not the browser is open: on the next request that touches it, or by
`flask exams close-expired` run from cron.

A learner has at most one exam of their own (not an assignment's) open per blueprint: it holds the
open key ``exam:<BLUEPRINT>`` until it closes, so a second start resumes it instead of starting a
second clock. They may abandon it instead: closed without grading, it counts nowhere.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from study.bank.model import CaseItem, McqItem
from study.extensions import db
from study.grading.answers import clean_case_answer
from study.kinds import AttemptKind, AttemptStatus
from study.models import Attempt, AttemptItem, ExamBlueprint, Item, Response, User
from study.services import Conflict, NotFound, ServiceError, rollups
from study.services.attempts import (
    TOLERANCE,
    add_items,
    attempt_item_at,
    close_attempt,
    get_attempt,
    hold_open,
    insert_attempt,
    published_items,
    schedule_review,
    store_response,
    to_original,
    version_item,
    version_items,
)
from study.services.grading import attempt_score, grade_response
from study.services.transactions import transaction

TIME_IS_UP = "Time is up: this exam was submitted, and answers sent after the deadline are not saved."
ABANDONED = "This exam was abandoned: it takes no more answers and counts nowhere."
ASSIGNMENT_NOT_ABANDONED = (
    "An exam your instructor assigned cannot be abandoned: submit it when you are done, or it is submitted when its time runs out."
)
RECENT_EXAMS = 3  # items seen in the learner's last exams are drawn last


def get_blueprint(exam: str) -> ExamBlueprint:
    blueprint = db.session.get(ExamBlueprint, exam)
    if blueprint is None:
        raise NotFound(f"No blueprint for {exam}.")
    return blueprint


@dataclass
class SectionPlan:
    key: str
    title: str
    kind: str  # mcq | case
    needed: int
    available: int
    confirmed: bool
    drawn: list[Item] = field(default_factory=list)
    topics: tuple[str, ...] = ()

    @property
    def short(self) -> int:
        return max(0, self.needed - self.available)


def _recent_item_ids(user: User) -> set[int]:
    recent = db.session.scalars(
        sa.select(Attempt.id)
        .where(Attempt.user_id == user.id, Attempt.kind == AttemptKind.EXAM)
        .order_by(Attempt.started_at.desc())
        .limit(RECENT_EXAMS)
    ).all()
    if not recent:
        return set()
    return set(db.session.scalars(sa.select(AttemptItem.item_id).where(AttemptItem.attempt_id.in_(recent))))


def section_of(blueprint: ExamBlueprint, key: str) -> dict:
    """The blueprint's section `key` (NotFound when it has none)."""
    for section in blueprint.sections:
        if section["key"] == key:
            return section
    raise NotFound(f"{blueprint.exam} has no section {key}.")


def section_minutes(blueprint: ExamBlueprint, key: str) -> int:
    """A section's share of the exam's time, by its count of questions and cases (at least a minute)."""
    def count(section: dict) -> int:
        return (section.get("questions") or 0) + (section.get("cases") or 0)

    total = sum(count(s) for s in blueprint.sections) or 1
    return max(1, round(blueprint.minutes * count(section_of(blueprint, key)) / total))


def plan_exam(
    user: User, exam: str, seed: str = "", avoid: frozenset[int] = frozenset(), *, only: str | None = None
) -> list[SectionPlan]:
    """Draw every section (only the section `only`, when given; fewest candidates first, no item twice),
    unseen items before recent ones and `avoid` (a retake's earlier items) last. Sections the bank
    cannot fill say how many are missing."""
    blueprint = get_blueprint(exam)
    recent = _recent_item_ids(user)
    rng = random.Random(seed or f"{user.id}:{exam}")
    plans: list[tuple[SectionPlan, list[Item]]] = []
    for section in [section_of(blueprint, only)] if only else blueprint.sections:
        for kind, count in (("mcq", section.get("questions") or 0), ("case", section.get("cases") or 0)):
            if count:
                # the draw needs the items' own columns only: not their exam links (selectin by default)
                candidates = published_items(kind, exam, section["topics"], pool="exam").options(lazyload(Item.exam_links))
                pool = list(db.session.scalars(candidates))
                rng.shuffle(pool)
                confirmed = bool(section.get("confirmed"))
                plan = SectionPlan(section["key"], section["title"], kind, count, len(pool), confirmed, topics=tuple(section["topics"]))
                plans.append((plan, pool))
    used: set[int] = set()
    for plan, pool in sorted(plans, key=lambda pp: len(pp[1]) / pp[0].needed):
        free = [i for i in pool if i.id not in used]
        tier = {i.id: 2 if i.id in avoid else 1 if i.id in recent else 0 for i in free}
        ordered = sorted(free, key=lambda i: tier[i.id])  # stable: the shuffled order within a tier
        plan.drawn = ordered[: plan.needed]
        plan.available = len(free)
        used.update(i.id for i in plan.drawn)
    return [plan for plan, _ in plans]


@transaction()
def start_exam(
    user: User,
    exam: str,
    now: datetime,
    seed: str = "",
    multiplier: float = 1.0,
    *,
    avoid: frozenset[int] = frozenset(),
    assignment_id: int | None = None,
    open_key: str | None = None,
    minutes: int | None = None,
    section: str | None = None,
) -> Attempt:
    """Start a timed exam; `multiplier` is the accommodation of the cohort that assigned it, `avoid`
    the items to draw last (a retake's fresh draw), `assignment_id`/`open_key` the assignment it
    belongs to (set in the same transaction; a simultaneous start gets the one open attempt). A
    learner's own exam holds the open key of its blueprint (own_open_key): while one is open,
    starting that blueprint again returns it (callers check `open_own_exam` first to offer it).
    An assignment may set the time (`minutes`, else the blueprint's) and draw one `section` of
    the blueprint only (timed by its share of the exam unless `minutes` says otherwise); such a
    part of an exam is no simulation of the whole: it is stored without the exam's name (the
    progress dashboard's readiness and the exam's item analysis count whole simulations only)."""
    blueprint = get_blueprint(exam)
    if assignment_id is None:
        open_key = own_open_key(exam)
    plans = plan_exam(user, exam, seed or f"{user.id}:{exam}:{now.isoformat()}", avoid, only=section)
    items: list[tuple[Item, str | None]] = [(item, plan.key) for plan in plans for item in plan.drawn]
    if not items:
        raise ServiceError(f"The bank holds no published items for {exam} yet.")
    title = f"{exam}: {section_of(blueprint, section)['title']}" if section else blueprint.title
    minutes = minutes or (section_minutes(blueprint, section) if section else blueprint.minutes)
    sections = [
        {
            "key": p.key,
            "title": p.title,
            "kind": p.kind,
            "needed": p.needed,
            "drawn": len(p.drawn),
            "confirmed": p.confirmed,
            "topics": list(p.topics),
        }
        for p in plans
    ]
    timing = Timing(minutes, multiplier, blueprint.pass_percent, blueprint.warn_at_minutes_left, blueprint.pace_minutes_per_question)
    attempt = _timed_attempt(user, None if section else exam, title, timing, sections, now, assignment_id, open_key)
    return _insert_timed(attempt, items, user)


@dataclass(frozen=True)
class Timing:
    """What the clock and the score report of a timed attempt need."""

    minutes: int
    multiplier: float = 1.0
    pass_percent: float = 70.0
    warn_at_minutes_left: int | None = None  # None: a sixth of the time, 1 to 10 minutes
    pace_minutes_per_question: float | None = None

    @property
    def warn(self) -> int:
        return self.warn_at_minutes_left or max(1, min(10, round(self.minutes / 6)))


def _timed_attempt(
    user: User,
    exam: str | None,
    title: str,
    timing: Timing,
    sections: list[dict],
    now: datetime,
    assignment_id: int | None,
    open_key: str | None,
) -> Attempt:
    """A new timed attempt (not added yet): deadline = start + minutes x multiplier."""
    return Attempt(
        user_id=user.id,
        kind="exam",
        exam=exam,
        started_at=now,
        deadline_at=now + timedelta(minutes=timing.minutes * timing.multiplier),
        extra_time_multiplier=timing.multiplier,
        config_json=json.dumps(
            {
                "title": title,
                "minutes": timing.minutes,
                "pass_percent": timing.pass_percent,
                "warn_at_minutes_left": timing.warn,
                "pace_minutes_per_question": timing.pace_minutes_per_question,
                "sections": sections,
            }
        ),
        assignment_id=assignment_id,
        open_key=open_key,
    )


def _insert_timed(attempt: Attempt, items: list[tuple[Item, str | None]], user: User) -> Attempt:
    started = insert_attempt(attempt)
    if started is not attempt:  # a simultaneous start of the same assignment or blueprint won: that attempt
        return started
    add_items(attempt, items, user)
    return attempt


SET_SECTIONS = {"mcq": ("questions", "Questions"), "case": ("cases", "Coding cases")}


@transaction()
def start_set(
    user: User, title: str, items: list[Item], timing: Timing, now: datetime, *, assignment_id: int, open_key: str
) -> Attempt:
    """Start a timed set of chosen or drawn items (an assignment's): served in this order and run
    by the exam's clock (saved answers, refused after the deadline, submitted and graded once),
    with one section per kind of item for the score report. No exam's name: it is no simulation."""
    if not items:
        raise ServiceError("No questions can be served for this assignment now.")
    sections = [
        {"key": key, "title": label, "kind": kind, "needed": n, "drawn": n, "confirmed": True}
        for kind, (key, label) in SET_SECTIONS.items()
        if (n := sum(1 for i in items if i.type == kind))
    ]
    attempt = _timed_attempt(user, None, title, timing, sections, now, assignment_id, open_key)
    return _insert_timed(attempt, [(item, SET_SECTIONS[item.type][0]) for item in items], user)


def _deadline(attempt: Attempt) -> datetime:
    if attempt.deadline_at is None:
        raise ServiceError("This exam has no deadline.")
    return attempt.deadline_at


def seconds_left(attempt: Attempt, now: datetime) -> int:
    return max(0, int((_deadline(attempt) - now).total_seconds()))


def refresh(attempt: Attempt, now: datetime, *, tolerance: timedelta = TOLERANCE) -> Attempt:
    """Submit an open attempt whose time is up (called on every access). The submission is its
    own transaction: call it before opening one that may be refused."""
    if attempt.is_open and attempt.deadline_at is not None and now > attempt.deadline_at + tolerance:
        _close_and_grade(attempt, attempt.deadline_at, auto=True)
    return attempt


def open_exam(user: User, attempt_id: int, now: datetime, *, tolerance: timedelta = TOLERANCE) -> Attempt:
    return refresh(get_attempt(user, attempt_id, "exam"), now, tolerance=tolerance)


def _writable(user: User, attempt_id: int, position: int, now: datetime, tolerance: timedelta) -> tuple[Attempt, AttemptItem]:
    """The attempt item to write, with the attempt held open for this transaction (hold_open): a
    save racing the submission is stored before the close and graded, or refused. An attempt
    whose time is up is submitted first (committed), then the write is refused."""
    attempt = open_exam(user, attempt_id, now, tolerance=tolerance)
    if not attempt.is_open:
        raise Conflict(ABANDONED if attempt.status == AttemptStatus.ABANDONED else TIME_IS_UP)
    hold_open(attempt, TIME_IS_UP, now, tolerance)
    ai = attempt_item_at(attempt, position)  # read under the hold: its answer is the one committed last
    if ai is None:
        raise NotFound("No such question in this exam.")
    return attempt, ai


def _clear(ai: AttemptItem) -> None:
    """Remove the saved answer of `ai`, by its key: whatever the session read of it before."""
    db.session.execute(sa.delete(Response).where(Response.attempt_item_id == ai.id))
    set_committed_value(ai, "response", None)


def _store_answer(ai: AttemptItem, user: User, now: datetime, letters: list[str] | None, case: dict | None) -> Response | None:
    """Save (or change) the answer to one question, in the caller's transaction (see _save)."""
    item = version_item(ai)
    answer: dict[str, list[str]]
    if isinstance(item, McqItem):
        answer = {"selected": to_original(ai, item, letters or [])}
    else:
        answer = clean_case_answer(case)
        if not any(answer.values()):
            _clear(ai)
            return None
    response, created = store_response(ai, user, answer, answered_at=now)
    if not created:
        response.answer_json, response.answered_at = json.dumps(answer), now
    return response


@dataclass(frozen=True)
class Saved:
    """What the exam page shows after a save: the time left and how many questions hold an answer."""

    seconds_left: int
    answered: int


def _save(
    user: User,
    attempt_id: int,
    position: int,
    now: datetime,
    tolerance: timedelta,
    *,
    answer: bool,
    letters: list[str] | None = None,
    case: dict | None = None,
    flag: bool | None = None,
) -> tuple[AttemptItem, Response | None, Saved]:
    """The one save path of an exam question (save, save_answer, set_flag): the flag (when not
    None) and, when `answer`, the answer, in one transaction; the question, the answer saved
    (None when cleared, or not asked for) and what the page shows afterwards."""
    attempt, ai = _writable(user, attempt_id, position, now, tolerance)
    with transaction():
        if flag is not None:
            ai.flagged = flag
        response = _store_answer(ai, user, now, letters, case) if answer else None
        db.session.flush()
        saved = Saved(seconds_left(attempt, now), answered_count(attempt))  # read before the commit expires the attempt
    return ai, response, saved


def save(
    user: User,
    attempt_id: int,
    position: int,
    now: datetime,
    *,
    letters: list[str] | None = None,
    case: dict | None = None,
    flag: bool | None = None,
    tolerance: timedelta = TOLERANCE,
) -> Saved:
    """What the exam page sends for one question (its autosave, or its form): the flag (when not
    None) and the answer (letters, or a case's code lists, as save_answer takes them; neither:
    the answer is left as it is), in one transaction: both are stored, or neither."""
    answer = letters is not None or case is not None
    return _save(user, attempt_id, position, now, tolerance, answer=answer, letters=letters, case=case, flag=flag)[2]


def save_answer(
    user: User,
    attempt_id: int,
    position: int,
    now: datetime,
    *,
    letters: list[str] | None = None,
    case: dict | None = None,
    tolerance: timedelta = TOLERANCE,
) -> Response | None:
    """Save (or change) the answer to one question. Repeats and concurrent requests leave one row.
    A case answer is stored as ``clean_case_answer`` normalizes it (blank rows dropped); one with
    no code left clears the saved answer (the question is unanswered again): None."""
    return _save(user, attempt_id, position, now, tolerance, answer=True, letters=letters, case=case)[1]


def clear_answer(user: User, attempt_id: int, position: int, now: datetime, *, tolerance: timedelta = TOLERANCE) -> None:
    _, ai = _writable(user, attempt_id, position, now, tolerance)
    with transaction():
        _clear(ai)


def set_flag(user: User, attempt_id: int, position: int, flagged: bool, now: datetime, *, tolerance: timedelta = TOLERANCE) -> AttemptItem:
    return _save(user, attempt_id, position, now, tolerance, answer=False, flag=flagged)[0]


def submit(user: User, attempt_id: int, now: datetime, *, tolerance: timedelta = TOLERANCE) -> Attempt:
    """Submit now, stamped no later than the deadline (answers within the tolerance count)."""
    attempt = open_exam(user, attempt_id, now, tolerance=tolerance)
    if attempt.is_open:
        _close_and_grade(attempt, min(now, _deadline(attempt)), auto=False)
    return attempt


def abandon(user: User, attempt_id: int, now: datetime, *, tolerance: timedelta = TOLERANCE) -> Attempt:
    """Close the learner's own open exam without grading it: no score, no review cards, no
    rollups, and it counts in no average. Exactly once: `close_attempt`'s conditional UPDATE, so a
    concurrent abandon or submit finds it closed and is refused (Conflict). An assignment's
    exam cannot be abandoned; one whose time is up was submitted and cannot be either."""
    attempt = open_exam(user, attempt_id, now, tolerance=tolerance)
    if attempt.assignment_id is not None:
        raise Conflict(ASSIGNMENT_NOT_ABANDONED)
    if attempt.status == AttemptStatus.ABANDONED:
        raise Conflict("This exam was abandoned already.")
    if not attempt.is_open:
        raise Conflict("This exam was submitted: it can no longer be abandoned.")
    with transaction():
        if not close_attempt(attempt, now, status=AttemptStatus.ABANDONED):
            raise Conflict("This exam was closed meanwhile (submitted or abandoned).")
    db.session.refresh(attempt)
    return attempt


def answered_count(attempt: Attempt) -> int:
    """How many of the attempt's questions hold a saved answer (one query)."""
    stmt = sa.select(sa.func.count(Response.id)).join(AttemptItem, AttemptItem.id == Response.attempt_item_id)
    return db.session.scalar(stmt.where(AttemptItem.attempt_id == attempt.id)) or 0


def own_open_key(exam: str) -> str:
    """The open key a learner's own exam of this blueprint holds while it is open."""
    return f"exam:{exam}"


def time_left_text(seconds: int) -> str:
    """Seconds left as h:mm (rounded down), as the exam pages announce it: 5400 -> "1:30"."""
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}"


@dataclass(frozen=True)
class OpenExam:
    attempt: Attempt
    seconds_left: int

    @property
    def time_left(self) -> str:
        return time_left_text(self.seconds_left)


def open_own_exams(user: User, now: datetime, exam: str | None = None, *, tolerance: timedelta = TOLERANCE) -> dict[str, OpenExam]:
    """The learner's own (not assigned) open exams by blueprint (of `exam` only, if given), newest
    first wins; one whose time is up is submitted now and left out. One query."""
    stmt = sa.select(Attempt).where(
        Attempt.user_id == user.id,
        Attempt.kind == AttemptKind.EXAM,
        Attempt.status == AttemptStatus.OPEN,
        Attempt.assignment_id.is_(None),
    )
    if exam is not None:
        stmt = stmt.where(Attempt.exam == exam)
    found: dict[str, OpenExam] = {}
    for attempt in db.session.scalars(stmt.order_by(Attempt.started_at.desc())).all():
        refresh(attempt, now, tolerance=tolerance)
        if attempt.is_open and attempt.exam is not None and attempt.exam not in found:
            found[attempt.exam] = OpenExam(attempt, seconds_left(attempt, now))
    return found


def open_own_exam(user: User, exam: str, now: datetime, *, tolerance: timedelta = TOLERANCE) -> OpenExam | None:
    """The learner's own open exam of this blueprint, if any (see open_own_exams)."""
    return open_own_exams(user, now, exam, tolerance=tolerance).get(exam)


def _close_and_grade(attempt: Attempt, when: datetime, *, auto: bool) -> bool:
    """Close the attempt and grade it in one transaction; only the caller that closed it grades
    (concurrent submits, the deadline and cron never grade twice). False when it was closed already."""
    with transaction():
        if not close_attempt(attempt, when, auto_submitted=auto):
            return False
        _grade(attempt, when)
    return True


def _grade(attempt: Attempt, when: datetime) -> None:
    """Grade every answer, feed the review cards and the rollups, fix the attempt's score."""
    pace = (attempt.config.get("pace_minutes_per_question") or 2.4) * 60
    answered = [ai for ai in attempt.items if ai.response is not None]
    served = version_items(answered)
    for ai in answered:
        response = ai.response
        assert response is not None
        item = served[ai.id]
        graded = grade_response(item, response.answer)
        response.correct, response.score = graded.correct, graded.score
        if isinstance(item, CaseItem):
            response.report_json = json.dumps(graded.report)
            rollups.add_case_report(attempt.user_id, item.setting, graded.score, response.report)
        else:
            rollups.add_mcq_answer(attempt.user_id, ai.item_id, graded.correct, None, response.answered_at)
        schedule_review(attempt.user_id, ai.item_id, graded.score, None, when, pace)
    attempt.served_count = len(attempt.items)
    attempt.answered_count = sum(1 for ai in attempt.items if ai.response is not None)
    attempt.score_pct = attempt_score(attempt)


def close_expired(now: datetime, *, tolerance: timedelta = TOLERANCE) -> int:
    """Submit every open exam whose deadline has passed (for cron: `flask exams close-expired`);
    returns how many this call closed (one already closed by someone else is not graded again).
    Each exam is closed and graded in a transaction of its own."""
    expired = db.session.scalars(
        sa.select(Attempt).where(
            Attempt.kind == AttemptKind.EXAM, Attempt.status == AttemptStatus.OPEN, Attempt.deadline_at < now - tolerance
        )
    ).all()
    return sum(1 for attempt in expired if _close_and_grade(attempt, _deadline(attempt), auto=True))


@dataclass(frozen=True)
class SectionScore:
    key: str
    title: str
    blueprint_count: int
    served: int
    score: float
    percent: float
    confirmed: bool
    topics: tuple[str, ...] = ()  # the blueprint section's topics: "practise this section"


@dataclass(frozen=True)
class ExamResult:
    attempt: Attempt
    percent: float
    passed: bool
    pass_percent: float
    sections: list[SectionScore]
    minutes_used: float
    minutes_allowed: float
    pace_minutes: float | None
    exam_pace: float | None
    answered: int
    total: int


def earlier_results(user: User, attempt: Attempt, limit: int = 5) -> list[Attempt]:
    """The learner's submitted attempts at the same exam before this one, newest first (one query):
    the score report's comparison."""
    if not attempt.exam:
        return []
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .where(
                Attempt.user_id == user.id,
                Attempt.kind == AttemptKind.EXAM,
                Attempt.exam == attempt.exam,
                Attempt.status == AttemptStatus.SUBMITTED,
                Attempt.id != attempt.id,
                Attempt.started_at < attempt.started_at,
            )
            .order_by(Attempt.started_at.desc())
            .limit(limit)
        )
    )


def result(attempt: Attempt) -> ExamResult:
    if attempt.is_open:
        raise Conflict("The score report is ready when the exam is submitted.")
    config = attempt.config
    types = dict(db.session.execute(sa.select(Item.id, Item.type).where(Item.id.in_([ai.item_id for ai in attempt.items]))).all())
    sections = []
    for section in config["sections"]:
        served_items = [ai for ai in attempt.items if ai.section_key == section["key"] and types.get(ai.item_id) == section["kind"]]
        score = sum(ai.response.score or 0 for ai in served_items if ai.response is not None)
        served = len(served_items)
        sections.append(
            SectionScore(
                section["key"],
                section["title"],
                section["needed"],
                served,
                round(score, 2),
                round(100 * score / served, 1) if served else 0.0,
                section["confirmed"],
                tuple(section.get("topics", ())),
            )
        )
    answered = sum(1 for ai in attempt.items if ai.response is not None)
    used = ((attempt.submitted_at or attempt.started_at) - attempt.started_at).total_seconds() / 60
    pace = used / answered if answered else None
    return ExamResult(
        attempt=attempt,
        percent=attempt.score_pct or 0.0,
        passed=(attempt.score_pct or 0) >= config["pass_percent"],
        pass_percent=config["pass_percent"],
        sections=sections,
        minutes_used=round(used, 1),
        minutes_allowed=round(config["minutes"] * attempt.extra_time_multiplier, 1),
        pace_minutes=round(pace, 2) if pace else None,
        exam_pace=config.get("pace_minutes_per_question"),
        answered=answered,
        total=len(attempt.items),
    )
