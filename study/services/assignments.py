"""Assignments: the work an instructor sets a cohort, with open and due dates and a policy, and
the learner's side of it (their assignments, starting one, their result).

Learners start assignments through the existing practice, exam and case services; the attempt
they get carries `assignment_id`. Work submitted after the due date is marked late.

Each assignment has the instructor's policy: how many attempts are allowed (per case, in a case
set), when keys, rationales and per-answer correctness are shown (after each answer, when the
attempt ends, or after the due date: `keys_shown`), whether a retake draws fresh items (rule-based
practice sets and exams), and which submitted attempt counts (first, last or best). A learner has
at most one open attempt per assignment (per case): its `open_key` is unique per learner.

What is assigned: chosen items (in the instructor's order; the form's item picker,
study/services/item_picker.py, builds the list), a rule (exam, topics, several difficulties, a
size, and optionally the questions each learner answered in the last N days drawn only when too
few others are left), a set of cases, or an exam (whole, or one section of its blueprint). A time
limit in minutes makes a practice set a timed set; an exam has its blueprint's time (a section its
share) unless given one. Every timed assignment runs as an exam attempt on the server's clock
(study/services/exams.py), its limit multiplied by the learner's extra time in the cohort."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa

from study import zones
from study.extensions import db
from study.kinds import BILLING_ITEM_TYPES, AssignmentKind, AttemptKind, AttemptStatus, Counts, Feedback, ItemStatus
from study.models import Assignment, Attempt, Cohort, CohortMember, ExamBlueprint, Item, User
from study.services import Conflict, NotFound, audit
from study.services.attempts import answered_since, in_pool, published_items
from study.services.cohorts import FieldError, check_exam, extra_time, get_cohort
from study.services.transactions import transaction

KINDS = {"practice": "Practice set", "cases": "Case set", "exam": "Exam simulation"}
MAX_PRACTICE_SIZE = 100
FEEDBACK = {
    "attempt": "When the attempt ends",
    "due": "After the due date",
    "each": "After each answer (practice sets)",
}
COUNTS = {"first": "The first attempt", "last": "The last attempt", "best": "The best attempt"}
MAX_ATTEMPTS = 20
MAX_MINUTES = 600  # a timed assignment's limit before extra time
MAX_AVOID_DAYS = 365
DIFFICULTIES = ("easy", "medium", "hard")


@dataclass
class AssignmentSpec:
    kind: str
    title: str
    opens_at: datetime | None
    due_at: datetime | None
    items: list[str] = field(default_factory=list)  # item keys (practice: MCQs; cases: cases)
    exam: str | None = None
    topics: list[str] = field(default_factory=list)
    difficulty: str | None = None  # one difficulty; `difficulties` for several
    size: int | None = None
    difficulties: list[str] = field(default_factory=list)
    # a rule's questions the learner answered in the last N days are drawn only when too few others are left
    avoid_recent_days: int | None = None
    # timed: the time limit in minutes (x the learner's extra time in the cohort); an exam's default
    # is its blueprint's, a section's its share of it. A timed practice set may hold cases too.
    minutes: int | None = None
    section: str | None = None  # an exam assignment of one section of the blueprint
    # the policy; a new assignment's defaults: one attempt, keys when it ends, the first one counts
    max_attempts: int | None = 1  # None: no limit
    feedback: str = "attempt"
    retake_fresh: bool = False
    counts: str = "first"


def parse_keys(text: str) -> list[str]:
    keys = [k.strip() for k in (text or "").replace(",", " ").split()]
    return list(dict.fromkeys(k for k in keys if k))


def _published_keys(keys: list[str], kinds: tuple[str, ...], field_name: str) -> list[str]:
    if len(keys) > MAX_PRACTICE_SIZE:
        raise FieldError(field_name, f"Choose at most {MAX_PRACTICE_SIZE} items.")
    found = set(
        db.session.scalars(
            sa.select(Item.key).where(Item.key.in_(keys), Item.type.in_(kinds), Item.status == ItemStatus.PUBLISHED, in_pool("open"))
        )
    )
    missing = [k for k in keys if k not in found]
    if missing:
        what = {"mcq": "question", "case": "case"}.get(kinds[0], "") if len(kinds) == 1 else (
            "question or case" if "case" in kinds else "question or billing exercise"
        )
        raise FieldError(field_name, f"No published {what} with id: {', '.join(missing[:10])}.")
    return keys


def _levels(spec: AssignmentSpec) -> list[str]:
    levels = list(dict.fromkeys([*([spec.difficulty] if spec.difficulty else []), *spec.difficulties]))
    if set(levels) - set(DIFFICULTIES):
        raise FieldError("difficulties", "Choose easy, medium or hard.")
    return levels


def _rule(spec: AssignmentSpec, cohort: Cohort) -> dict:
    """A practice rule: exam, topics, difficulties, size, and how long answered questions are avoided."""
    exam = check_exam(spec.exam or cohort.exam)
    size = 10 if spec.size is None else spec.size
    if not 1 <= size <= MAX_PRACTICE_SIZE:
        raise FieldError("size", f"Size must be between 1 and {MAX_PRACTICE_SIZE}.")
    levels = _levels(spec)
    days = spec.avoid_recent_days or None
    if days is not None and not 1 <= days <= MAX_AVOID_DAYS:
        raise FieldError("avoid_recent_days", f"Give between 1 and {MAX_AVOID_DAYS} days, or leave it empty.")
    stmt = published_items("mcq", exam, spec.topics or None, levels or None)
    if db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) == 0:
        raise FieldError("topics", "No published questions match this rule.")
    return {"exam": exam, "topics": list(spec.topics), "difficulties": levels, "size": size} | (
        {"avoid_recent_days": days} if days else {}
    )


def _timing(spec: AssignmentSpec) -> dict:
    if spec.minutes is None:
        return {}
    if not 1 <= spec.minutes <= MAX_MINUTES:
        raise FieldError("minutes", f"Give a time limit between 1 and {MAX_MINUTES} minutes, or leave it empty.")
    if spec.kind == AssignmentKind.CASES:
        raise FieldError("minutes", "A case set is not timed: to time cases, choose a practice set of chosen items with a time limit.")
    return {"minutes": spec.minutes}


def _config(spec: AssignmentSpec, cohort: Cohort) -> dict:
    timing = _timing(spec)
    if spec.kind == AssignmentKind.PRACTICE:
        if spec.items:  # a timed set may hold cases too (it runs on the exam's clock and pages); an untimed
            # one billing exercises (claims, remittances, scrubbers: worked on the practice pages)
            kinds = ("mcq", "case") if timing else ("mcq", *BILLING_ITEM_TYPES)
            return {"items": _published_keys(spec.items, kinds, "items")} | timing
        return _rule(spec, cohort) | timing
    if spec.kind == AssignmentKind.CASES:
        if not spec.items:
            raise FieldError("items", "List at least one case id.")
        return {"items": _published_keys(spec.items, ("case",), "items")}
    if spec.kind == AssignmentKind.EXAM:
        exam = check_exam(spec.exam or cohort.exam)
        if not exam:
            raise FieldError("exam", "Choose the exam to simulate.")
        section = (spec.section or "").strip() or None
        if section is not None:
            blueprint = db.session.get(ExamBlueprint, exam)
            if blueprint is None or section not in {s["key"] for s in blueprint.sections}:
                raise FieldError("section", f"{exam} has no such section.")
        return {"exam": exam} | ({"section": section} if section else {}) | timing
    raise FieldError("kind", "Choose what to assign.")


def _check_policy(spec: AssignmentSpec) -> None:
    if spec.max_attempts is not None and not 1 <= spec.max_attempts <= MAX_ATTEMPTS:
        raise FieldError("max_attempts", f"Allow between 1 and {MAX_ATTEMPTS} attempts, or leave it empty for no limit.")
    if spec.feedback not in FEEDBACK:
        raise FieldError("feedback", "Choose when the answers and explanations are shown.")
    if spec.counts not in COUNTS:
        raise FieldError("counts", "Choose which attempt counts.")
    if spec.retake_fresh and (spec.kind == AssignmentKind.CASES or spec.items):
        raise FieldError("retake_fresh", "Fresh questions on a retake need a practice rule or an exam: a chosen set has no others.")
    if spec.feedback == Feedback.EACH and spec.kind == AssignmentKind.PRACTICE and spec.minutes is not None:
        raise FieldError("feedback", "A timed set shows the answers when it ends or after the due date: choose one of those.")


def create_assignment(actor: User, cohort_id: int, spec: AssignmentSpec) -> Assignment:
    cohort = get_cohort(actor, cohort_id)
    title = (spec.title or "").strip()
    if not title:
        raise FieldError("title", "Give the assignment a title.")
    if spec.opens_at is None:
        raise FieldError("opens_at", "Give the date it opens.")
    if spec.due_at is None:
        raise FieldError("due_at", "Give the due date.")
    if spec.due_at <= spec.opens_at:
        raise FieldError("due_at", "The due date must be after the opening date.")
    config = _config(spec, cohort)
    _check_policy(spec)
    assignment = Assignment(
        cohort_id=cohort.id,
        kind=spec.kind,
        title=title[:200],
        config_json=json.dumps(config),
        opens_at=spec.opens_at,
        due_at=spec.due_at,
        max_attempts=spec.max_attempts,
        feedback=spec.feedback,
        retake_fresh=bool(spec.retake_fresh),
        counts=spec.counts,
    )
    with transaction():
        db.session.add(assignment)
        audit.record(
            actor, "assignment.created", assignment, cohort=cohort,
            details={"kind": spec.kind, "opens_at": spec.opens_at.isoformat(), "due_at": spec.due_at.isoformat()},
        )
    return assignment


def difficulties(config: dict) -> list[str]:
    """A rule's difficulties (an assignment created before several could be chosen has one)."""
    return list(config.get("difficulties") or ([config["difficulty"]] if config.get("difficulty") else []))


def time_limit(assignment: Assignment) -> int | None:
    """The assignment's time limit in minutes before extra time (None: not timed): its own, else
    an exam's blueprint time, or a section's share of it."""
    from study.services import exams as exam_service

    config = assignment.config
    if config.get("minutes"):
        return int(config["minutes"])
    if assignment.kind != AssignmentKind.EXAM:
        return None
    blueprint = db.session.get(ExamBlueprint, config["exam"])
    if blueprint is None:
        return None
    return exam_service.section_minutes(blueprint, config["section"]) if config.get("section") else blueprint.minutes


def describe(assignment: Assignment) -> str:
    config = assignment.config
    limit = f", {config['minutes']} minutes" if config.get("minutes") else ""
    if assignment.kind == AssignmentKind.EXAM:
        if config.get("section"):
            blueprint = db.session.get(ExamBlueprint, config["exam"])
            title = next((s["title"] for s in blueprint.sections if s["key"] == config["section"]), config["section"]) if blueprint else ""
            return f"{config['exam']} section: {title}, timed, {time_limit(assignment)} minutes"
        return f"{config['exam']} exam simulation{limit}"
    timed = ", timed" + limit if limit else ""
    if config.get("items"):
        n = len(config["items"])
        noun = "question" if assignment.kind == AssignmentKind.PRACTICE else "case"
        noun = "item" if timed else noun
        return f"{n} chosen {noun}{'' if n == 1 else 's'}{timed}"
    parts = [f"{config.get('size')} questions"]
    if config.get("exam"):
        parts.append(config["exam"])
    if config.get("topics"):
        parts.append("topics: " + ", ".join(config["topics"]))
    if difficulties(config):
        parts.append(" or ".join(difficulties(config)))
    if config.get("avoid_recent_days"):
        parts.append(f"not answered in the last {config['avoid_recent_days']} days when enough others")
    return ", ".join(parts) + timed


def describe_policy(assignment: Assignment) -> str:
    n = assignment.max_attempts
    attempts = "unlimited attempts" if n is None else f"{n} attempt{'' if n == 1 else 's'}"
    if assignment.kind == AssignmentKind.CASES and n != 1:
        attempts += " per case"
    fresh = ", fresh questions on a retake" if assignment.retake_fresh else ""
    shown = {"each": "after each answer", "attempt": "when the attempt ends", "due": "after the due date"}[assignment.feedback]
    return f"{attempts}{fresh}; answers shown {shown}; the {assignment.counts} attempt counts"


# ------------------------------------------------------------------ feedback policy
def _released(assignment: Assignment, attempt: Attempt, now: datetime) -> bool:
    if assignment.feedback == Feedback.EACH and attempt.kind == AttemptKind.PRACTICE:
        return True
    if attempt.status != AttemptStatus.SUBMITTED:
        return False
    return assignment.feedback != Feedback.DUE or now > assignment.due_at


def keys_shown(attempt: Attempt, now: datetime) -> bool:
    """May the learner see this attempt's keys, rationales, grade reports and which answers were
    right? Their own practice: yes (each answer once given). An exam: never before it is submitted
    (in every mode: open, or abandoned and never graded). An assignment's attempt: as its policy
    says (after each answer in a practice set; else once the attempt ends, or after the due date)."""
    if attempt.kind == AttemptKind.EXAM and attempt.status != AttemptStatus.SUBMITTED:
        return False
    assignment = db.session.get(Assignment, attempt.assignment_id) if attempt.assignment_id is not None else None
    return assignment is None or _released(assignment, attempt, now)


def in_zone(moment: datetime, zone: str | None) -> str:
    """A moment as a message says it: "2026-12-07 09:00 EST" in the learner's time zone."""
    return f"{zones.to_local(moment, zone):%Y-%m-%d %H:%M} {zones.abbreviation(moment, zone)}"


def _in_zone_of(attempt: Attempt, moment: datetime) -> str:
    learner = db.session.get(User, attempt.user_id)
    return in_zone(moment, learner.time_zone if learner is not None else None)


def feedback_note(attempt: Attempt) -> str:
    """What the learner is told when keys are held back."""
    assignment = db.session.get(Assignment, attempt.assignment_id) if attempt.assignment_id is not None else None
    if assignment is not None and assignment.feedback == Feedback.DUE:
        due = _in_zone_of(attempt, assignment.due_at)
        return f"Your answers are recorded. The answers and explanations are shown after the due date ({due})."
    return "Your answers are recorded. The answers and explanations are shown when you finish."


# ------------------------------------------------------------------ results
@dataclass
class Result:
    status: str  # not started | in progress | done
    score: float | None = None
    submitted_at: datetime | None = None
    late: bool = False
    attempts: list[Attempt] = field(default_factory=list)
    counted: list[int] = field(default_factory=list)  # ids of the attempts that count (one per case)

    @property
    def done(self) -> bool:
        return self.status == "done"


def _submitted_at(attempt: Attempt) -> datetime:
    if attempt.submitted_at is None:
        raise ValueError(f"attempt {attempt.id} has not been submitted")
    return attempt.submitted_at


def _counted(assignment: Assignment, attempts: list[Attempt]) -> Attempt | None:
    """The submitted attempt that counts (attempts in the order they were started): the first, the
    last, or the best (the best on-time one; the best late one when none was on time)."""
    submitted = [a for a in attempts if a.status == AttemptStatus.SUBMITTED and a.submitted_at is not None]
    if not submitted:
        return None
    if assignment.counts == Counts.FIRST:
        return submitted[0]
    if assignment.counts == Counts.LAST:
        return submitted[-1]
    pool = [a for a in submitted if not submitted_late(assignment, a)] or submitted
    return max(pool, key=lambda a: (a.score_pct or 0, -_submitted_at(a).timestamp()))


def submitted_late(assignment: Assignment, attempt: Attempt) -> bool:
    """A submitted attempt handed in after the due date (ValueError for one not submitted)."""
    return _submitted_at(attempt) > assignment.due_at


def attempt_groups(assignment: Assignment, attempts: list[Attempt]) -> dict[str | None, list[Attempt]]:
    """The learner's attempts per case of a case set (key None for other kinds), in the order started."""
    ordered = sorted(attempts, key=lambda a: (a.started_at, a.id))
    if assignment.kind != AssignmentKind.CASES:
        return {None: ordered}
    return {key: [a for a in ordered if a.config.get("case") == key] for key in assignment.config.get("items", [])}


def result_of(assignment: Assignment, attempts: list[Attempt]) -> Result:
    groups = attempt_groups(assignment, attempts).values()
    chosen = [a for a in (_counted(assignment, group) for group in groups) if a is not None]
    counted = [a.id for a in chosen]
    if len(chosen) < len(groups):
        return Result("in progress" if attempts else "not started", attempts=attempts, counted=counted)
    score = round(sum(a.score_pct or 0 for a in chosen) / len(chosen), 1) if chosen else 0.0
    late = any(submitted_late(assignment, a) for a in chosen)
    return Result("done", score, max(_submitted_at(a) for a in chosen), late, attempts, counted)


def attempts_by(assignment_ids: list[int], user_ids: list[int] | None = None) -> dict[tuple[int, int], list[Attempt]]:
    if not assignment_ids:
        return {}
    stmt = sa.select(Attempt).where(Attempt.assignment_id.in_(assignment_ids)).order_by(Attempt.started_at)
    if user_ids is not None:
        stmt = stmt.where(Attempt.user_id.in_(user_ids))
    grouped: dict[tuple[int, int], list[Attempt]] = {}
    for attempt in db.session.scalars(stmt):
        # every attempt selected belongs to one of the assignments
        grouped.setdefault((cast(int, attempt.assignment_id), attempt.user_id), []).append(attempt)
    return grouped


@dataclass
class LearnerAssignment:
    assignment: Assignment
    result: Result
    state: str  # upcoming | open | done
    overdue: bool
    minutes: float | None = None  # the learner's time limit: the assignment's x their extra time (None: untimed)

    @property
    def description(self) -> str:
        return describe(self.assignment)

    @property
    def cases(self) -> list[str]:
        return self.assignment.config.get("items", []) if self.assignment.kind == AssignmentKind.CASES else []

    @property
    def policy(self) -> str:
        return describe_policy(self.assignment)

    def _of(self, key: str | None) -> list[Attempt]:
        return attempt_groups(self.assignment, self.result.attempts).get(key, [])

    def case_status(self, key: str) -> str:
        of_case = self._of(key)
        if any(a.is_open for a in of_case):
            return "in progress"
        return "done" if of_case else "not started"

    def can_start(self, key: str | None = None) -> bool:
        """Another attempt may be started (or the open one resumed)."""
        of = self._of(key)
        limit = self.assignment.max_attempts
        return any(a.is_open for a in of) or limit is None or len(of) < limit


def assignments_for(user: User, now: datetime) -> list[LearnerAssignment]:
    """Every assignment of the learner's cohorts with its state (upcoming, open or done), soonest due first."""
    # with the learner's extra time in each assignment's cohort (its time limit for them)
    found = db.session.execute(
        sa.select(Assignment, CohortMember.extra_time_multiplier)
        .join(CohortMember, CohortMember.cohort_id == Assignment.cohort_id)
        .where(CohortMember.user_id == user.id)
        .order_by(Assignment.due_at, Assignment.id)
    ).all()
    assignments = [assignment for assignment, _ in found]
    extra: dict[int, float] = {assignment.id: multiplier for assignment, multiplier in found}
    _refresh_exams(user, now)
    attempts = attempts_by([a.id for a in assignments], [user.id])
    rows = []
    for assignment in assignments:
        limit = time_limit(assignment)
        result = result_of(assignment, attempts.get((assignment.id, user.id), []))
        if result.done:
            state = "done"
        elif assignment.opens_at > now:
            state = "upcoming"
        else:
            state = "open"
        minutes = round(limit * extra[assignment.id], 1) if limit else None
        rows.append(LearnerAssignment(assignment, result, state, overdue=not result.done and now > assignment.due_at, minutes=minutes))
    return rows


def _refresh_exams(user: User, now: datetime) -> None:
    from study.services import exams as exam_service

    open_exams = db.session.scalars(
        sa.select(Attempt).where(
            Attempt.user_id == user.id,
            Attempt.kind == AttemptKind.EXAM,
            Attempt.status == AttemptStatus.OPEN,
            Attempt.assignment_id.is_not(None),
        )
    ).all()
    for attempt in open_exams:
        exam_service.refresh(attempt, now)


def _learner_assignment(user: User, assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or db.session.get(CohortMember, (assignment.cohort_id, user.id)) is None:
        raise NotFound("No such assignment.")
    return assignment


def start_assignment(user: User, assignment_id: int, now: datetime, case_key: str | None = None) -> Attempt:
    """Start (or resume) the learner's attempt at an assignment through the practice, exam or case
    service, within the assignment's policy: at most `max_attempts` (per case), one open at a time
    (the open_key, set in the transaction that creates the attempt), fresh items on a retake when
    asked, and a practice set whose feedback waits for the end when the policy says so.

    The learner's exams whose time is up are submitted first, each in its own transaction
    (exams.refresh: a refused start must not undo a submission); the start itself, from the
    policy checks to the attempt and its items, is one transaction."""
    from study.services import cases as case_service
    from study.services import exams as exam_service
    from study.services import practice as practice_service

    assignment = _learner_assignment(user, assignment_id)
    if assignment.opens_at > now:
        raise Conflict(f"This assignment opens on {in_zone(assignment.opens_at, user.time_zone)}.")
    config = assignment.config
    if assignment.kind == AssignmentKind.CASES:
        if case_key is None or case_key not in config.get("items", []):
            raise NotFound("This case is not part of the assignment.")
    else:
        case_key = None
    _refresh_exams(user, now)
    with transaction():
        earlier = attempt_groups(
            assignment,
            list(db.session.scalars(sa.select(Attempt).where(Attempt.user_id == user.id, Attempt.assignment_id == assignment.id))),
        )[case_key]
        resumable = [a for a in earlier if a.is_open]
        if resumable:
            return resumable[0]
        if assignment.max_attempts is not None and len(earlier) >= assignment.max_attempts:
            n = assignment.max_attempts
            what = f"case {case_key}" if case_key else "this assignment"
            raise Conflict(f"You have used your {n} attempt{'' if n == 1 else 's'} at {what}: no more are allowed.")
        open_key = f"assignment:{assignment.id}" + (f":case:{case_key}" if case_key else "")
        if case_key is not None:
            return case_service.start_case(user, case_key, now, assignment_id=assignment.id, open_key=open_key)
        avoid = frozenset(ai.item_id for a in earlier for ai in a.items) if assignment.retake_fresh else frozenset()
        if config.get("avoid_recent_days"):
            since = now - timedelta(days=int(config["avoid_recent_days"]))
            avoid |= frozenset(db.session.scalars(answered_since(user, since)))
        if assignment.kind == AssignmentKind.EXAM:
            multiplier = extra_time(assignment.cohort_id, user.id)
            return exam_service.start_exam(
                user,
                config["exam"],
                now,
                multiplier=multiplier,
                avoid=avoid,
                assignment_id=assignment.id,
                open_key=open_key,
                minutes=config.get("minutes"),
                section=config.get("section"),
            )
        choice = _choice(config)
        if config.get("minutes"):  # a timed set: the exam's clock, answers graded when it ends
            chosen = bool(config.get("items"))  # a chosen set may hold cases; a rule draws questions
            items = practice_service.draw(user, choice, now, avoid=avoid, assignment_id=assignment.id, with_cases=chosen)
            timing = exam_service.Timing(int(config["minutes"]), extra_time(assignment.cohort_id, user.id))
            return exam_service.start_set(user, assignment.title, items, timing, now, assignment_id=assignment.id, open_key=open_key)
        defer = assignment.feedback != Feedback.EACH
        return practice_service.start_practice(
            user, choice, now, avoid=avoid, defer_feedback=defer, assignment_id=assignment.id, open_key=open_key
        )


def _choice(config: dict):
    """The practice choice of an assignment's set: its chosen items (in their order), or its rule."""
    from study.services import practice as practice_service

    if config.get("items"):
        by_key: dict[str, int] = {k: i for k, i in db.session.execute(sa.select(Item.key, Item.id).where(Item.key.in_(config["items"])))}
        ids = tuple(by_key[k] for k in config["items"] if k in by_key)
        return practice_service.PracticeChoice(None, [], None, len(ids) or 1, "all", item_ids=ids)
    return practice_service.PracticeChoice(
        config.get("exam"), config.get("topics") or [], None, int(config.get("size") or 10), "all", difficulties=tuple(difficulties(config))
    )
