"""Cohorts and assignments: join codes, work set with open and due dates, extra time, results.

An instructor sees and changes only their own cohorts (admins see all); every function that takes
an id checks that here. Learners join with a code and start assignments through the existing
practice, exam and case services; the attempt they get carries `assignment_id`. Work submitted
after the due date is marked late.

Each assignment has the instructor's policy: how many attempts are allowed (per case, in a case
set), when keys, rationales and per-answer correctness are shown (after each answer, when the
attempt ends, or after the due date: `keys_shown`), whether a retake draws fresh items (rule-based
practice sets and exams), and which submitted attempt counts (first, last or best). A learner has
at most one open attempt per assignment (per case): its `open_key` is unique per learner."""
from __future__ import annotations

import csv
import io
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from study.extensions import db
from study.models import Assignment, Attempt, Blueprint, Cohort, CohortMember, Item, User
from study.services import Conflict, Forbidden, NotFound, ServiceError
from study.services.attempts import in_pool

# no look-alikes: 0/O, 1/I/L are left out
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
KINDS = {"practice": "Practice set", "cases": "Case set", "exam": "Exam simulation"}
MIN_EXTRA_TIME, MAX_EXTRA_TIME = 1.0, 3.0
MAX_PRACTICE_SIZE = 100
VERDICTS = ("likely to pass", "borderline", "not yet", "not enough evidence")
FEEDBACK = {
    "attempt": "When the attempt ends",
    "due": "After the due date",
    "each": "After each answer (practice sets)",
}
COUNTS = {"first": "The first attempt", "last": "The last attempt", "best": "The best attempt"}
MAX_ATTEMPTS = 20


class FieldError(ServiceError):
    """A bad value for one form field: the view shows `message` next to `field`."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


# ------------------------------------------------------------------ cohorts
def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(sa.select(Cohort.id).where(Cohort.join_code == code)) is None:
            return code


def list_cohorts(user: User) -> list[Cohort]:
    stmt = sa.select(Cohort).order_by(Cohort.created_at.desc(), Cohort.id.desc())
    if not user.is_admin:
        stmt = stmt.where(Cohort.owner_id == user.id)
    return list(db.session.scalars(stmt))


def _check_exam(exam: str | None) -> str | None:
    exam = (exam or "").strip() or None
    if exam and db.session.get(Blueprint, exam) is None:
        raise FieldError("exam", f"There is no blueprint for {exam}.")
    return exam


def create_cohort(owner: User, name: str, exam: str | None) -> Cohort:
    name = (name or "").strip()
    if not name:
        raise FieldError("name", "Give the cohort a name.")
    cohort = Cohort(name=name[:120], owner_id=owner.id, exam=_check_exam(exam), join_code=new_join_code())
    db.session.add(cohort)
    db.session.commit()
    return cohort


def get_cohort(user: User, cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound("No such cohort.")
    if cohort.owner_id != user.id and not user.is_admin:
        raise Forbidden("This cohort belongs to another instructor.")
    return cohort


def members(cohort: Cohort) -> list[User]:
    users = db.session.scalars(
        sa.select(User).join(CohortMember, CohortMember.user_id == User.id).where(CohortMember.cohort_id == cohort.id)
    ).all()
    return sorted(users, key=lambda u: (u.name.lower(), u.id))


def join_cohort(user: User, code: str) -> Cohort:
    code = normalise_code(code)
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.join_code == code)) if code else None
    if cohort is None:
        raise FieldError("code", "No cohort has this join code. Check it with your instructor.")
    if db.session.get(CohortMember, (cohort.id, user.id)) is None:
        try:
            with db.session.begin_nested():
                db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id))
        except IntegrityError:
            pass  # a simultaneous request of the same learner joined first: one membership either way
        db.session.commit()
    return cohort


def learner_cohorts(user: User) -> list[Cohort]:
    return list(
        db.session.scalars(
            sa.select(Cohort).join(CohortMember).where(CohortMember.user_id == user.id).order_by(Cohort.name)
        )
    )


def set_extra_time(actor: User, cohort_id: int, user_id: int, multiplier: float | None) -> CohortMember:
    """The accommodation in this cohort: its exams' time x multiplier (1.0 to 3.0). It applies to
    this cohort's assignments only, never to the learner's other cohorts or own practice."""
    cohort = get_cohort(actor, cohort_id)
    member = db.session.get(CohortMember, (cohort.id, user_id))
    if member is None:
        raise NotFound("This learner is not in the cohort.")
    if multiplier is None or not (MIN_EXTRA_TIME <= float(multiplier) <= MAX_EXTRA_TIME):
        raise FieldError("multiplier", f"Extra time must be between {MIN_EXTRA_TIME} and {MAX_EXTRA_TIME}.")
    member.extra_time_multiplier = round(float(multiplier), 2)
    db.session.commit()
    return member


def extra_time(cohort_id: int, user_id: int) -> float:
    member = db.session.get(CohortMember, (cohort_id, user_id))
    return member.extra_time_multiplier if member is not None else 1.0


# ------------------------------------------------------------------ assignments
@dataclass
class AssignmentSpec:
    kind: str
    title: str
    opens_at: datetime | None
    due_at: datetime | None
    items: list[str] = field(default_factory=list)  # item keys (practice: MCQs; cases: cases)
    exam: str | None = None
    topics: list[str] = field(default_factory=list)
    difficulty: str | None = None
    size: int | None = None
    # the policy; a new assignment's defaults: one attempt, keys when it ends, the first one counts
    max_attempts: int | None = 1  # None: no limit
    feedback: str = "attempt"
    retake_fresh: bool = False
    counts: str = "first"


def parse_keys(text: str) -> list[str]:
    keys = [k.strip() for k in (text or "").replace(",", " ").split()]
    return list(dict.fromkeys(k for k in keys if k))


def _published_keys(keys: list[str], kind: str, field_name: str) -> list[str]:
    found = set(
        db.session.scalars(
            sa.select(Item.key).where(Item.key.in_(keys), Item.type == kind, Item.status == "published", in_pool("open"))
        )
    )
    missing = [k for k in keys if k not in found]
    if missing:
        what = "question" if kind == "mcq" else "case"
        raise FieldError(field_name, f"No published {what} with id: {', '.join(missing[:10])}.")
    return keys


def _config(spec: AssignmentSpec, cohort: Cohort) -> dict:
    if spec.kind == "practice":
        if spec.items:
            return {"items": _published_keys(spec.items, "mcq", "items")}
        exam = _check_exam(spec.exam or cohort.exam)
        size = 10 if spec.size is None else spec.size
        if not 1 <= size <= MAX_PRACTICE_SIZE:
            raise FieldError("size", f"Size must be between 1 and {MAX_PRACTICE_SIZE}.")
        from study.services.attempts import published_items

        stmt = published_items("mcq", exam, spec.topics or None, spec.difficulty or None)
        if db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) == 0:
            raise FieldError("topics", "No published questions match this rule.")
        return {"exam": exam, "topics": list(spec.topics), "difficulty": spec.difficulty or None, "size": size}
    if spec.kind == "cases":
        if not spec.items:
            raise FieldError("items", "List at least one case id.")
        return {"items": _published_keys(spec.items, "case", "items")}
    if spec.kind == "exam":
        exam = _check_exam(spec.exam or cohort.exam)
        if not exam:
            raise FieldError("exam", "Choose the exam to simulate.")
        return {"exam": exam}
    raise FieldError("kind", "Choose what to assign.")


def _check_policy(spec: AssignmentSpec) -> None:
    if spec.max_attempts is not None and not 1 <= spec.max_attempts <= MAX_ATTEMPTS:
        raise FieldError("max_attempts", f"Allow between 1 and {MAX_ATTEMPTS} attempts, or leave it empty for no limit.")
    if spec.feedback not in FEEDBACK:
        raise FieldError("feedback", "Choose when the answers and explanations are shown.")
    if spec.counts not in COUNTS:
        raise FieldError("counts", "Choose which attempt counts.")
    if spec.retake_fresh and (spec.kind == "cases" or spec.items):
        raise FieldError("retake_fresh", "Fresh questions on a retake need a practice rule or an exam: a chosen set has no others.")


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
        cohort_id=cohort.id, kind=spec.kind, title=title[:200], config_json=json.dumps(config),
        opens_at=spec.opens_at, due_at=spec.due_at,
        max_attempts=spec.max_attempts, feedback=spec.feedback, retake_fresh=bool(spec.retake_fresh), counts=spec.counts,
    )
    db.session.add(assignment)
    db.session.commit()
    return assignment


def describe(assignment: Assignment) -> str:
    config = assignment.config
    if assignment.kind == "exam":
        return f"{config['exam']} exam simulation"
    if config.get("items"):
        n = len(config["items"])
        noun = "question" if assignment.kind == "practice" else "case"
        return f"{n} chosen {noun}{'' if n == 1 else 's'}"
    parts = [f"{config.get('size')} questions"]
    if config.get("exam"):
        parts.append(config["exam"])
    if config.get("topics"):
        parts.append("topics: " + ", ".join(config["topics"]))
    if config.get("difficulty"):
        parts.append(config["difficulty"])
    return ", ".join(parts)


def describe_policy(assignment: Assignment) -> str:
    n = assignment.max_attempts
    attempts = "unlimited attempts" if n is None else f"{n} attempt{'' if n == 1 else 's'}"
    if assignment.kind == "cases" and n != 1:
        attempts += " per case"
    fresh = ", fresh questions on a retake" if assignment.retake_fresh else ""
    shown = {"each": "after each answer", "attempt": "when the attempt ends", "due": "after the due date"}[assignment.feedback]
    return f"{attempts}{fresh}; answers shown {shown}; the {assignment.counts} attempt counts"


# ------------------------------------------------------------------ feedback policy
def _released(assignment: Assignment, attempt: Attempt, now: datetime) -> bool:
    if assignment.feedback == "each" and attempt.kind == "practice":
        return True
    if attempt.status != "submitted":
        return False
    return assignment.feedback != "due" or now > assignment.due_at


def keys_shown(attempt: Attempt, now: datetime) -> bool:
    """May the learner see this attempt's keys, rationales, grade reports and which answers were
    right? Their own practice: yes (each answer once given). An assignment's attempt: as its policy
    says (after each answer in a practice set; else once the attempt ends, or after the due date)."""
    assignment = db.session.get(Assignment, attempt.assignment_id) if attempt.assignment_id is not None else None
    return assignment is None or _released(assignment, attempt, now)


def feedback_note(attempt: Attempt) -> str:
    """What the learner is told when keys are held back."""
    assignment = db.session.get(Assignment, attempt.assignment_id) if attempt.assignment_id is not None else None
    if assignment is not None and assignment.feedback == "due":
        return f"Your answers are recorded. The answers and explanations are shown after the due date ({assignment.due_at:%Y-%m-%d %H:%M} UTC)."
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


def _counted(assignment: Assignment, attempts: list[Attempt]) -> Attempt | None:
    """The submitted attempt that counts (attempts in the order they were started): the first, the
    last, or the best (the best on-time one; the best late one when none was on time)."""
    submitted = [a for a in attempts if a.status == "submitted" and a.submitted_at is not None]
    if not submitted:
        return None
    if assignment.counts == "first":
        return submitted[0]
    if assignment.counts == "last":
        return submitted[-1]
    pool = [a for a in submitted if a.submitted_at <= assignment.due_at] or submitted
    return max(pool, key=lambda a: (a.score_pct or 0, -a.submitted_at.timestamp()))


def _late(assignment: Assignment, attempt: Attempt) -> bool:
    return attempt.submitted_at > assignment.due_at


def attempt_groups(assignment: Assignment, attempts: list[Attempt]) -> dict[str | None, list[Attempt]]:
    """The learner's attempts per case of a case set (key None for other kinds), in the order started."""
    ordered = sorted(attempts, key=lambda a: (a.started_at, a.id))
    if assignment.kind != "cases":
        return {None: ordered}
    return {key: [a for a in ordered if a.config.get("case") == key] for key in assignment.config.get("items", [])}


def result_of(assignment: Assignment, attempts: list[Attempt]) -> Result:
    chosen = [_counted(assignment, group) for group in attempt_groups(assignment, attempts).values()]
    counted = [a.id for a in chosen if a is not None]
    if None in chosen:
        return Result("in progress" if attempts else "not started", attempts=attempts, counted=counted)
    score = round(sum(a.score_pct or 0 for a in chosen) / len(chosen), 1) if chosen else 0.0
    late = any(_late(assignment, a) for a in chosen)
    return Result("done", score, max(a.submitted_at for a in chosen), late, attempts, counted)


def _attempts_by(assignment_ids: list[int], user_ids: list[int] | None = None) -> dict[tuple[int, int], list[Attempt]]:
    if not assignment_ids:
        return {}
    stmt = sa.select(Attempt).where(Attempt.assignment_id.in_(assignment_ids)).order_by(Attempt.started_at)
    if user_ids is not None:
        stmt = stmt.where(Attempt.user_id.in_(user_ids))
    grouped: dict[tuple[int, int], list[Attempt]] = {}
    for attempt in db.session.scalars(stmt):
        grouped.setdefault((attempt.assignment_id, attempt.user_id), []).append(attempt)
    return grouped


@dataclass
class LearnerAssignment:
    assignment: Assignment
    result: Result
    state: str  # upcoming | open | done
    overdue: bool

    @property
    def description(self) -> str:
        return describe(self.assignment)

    @property
    def cases(self) -> list[str]:
        return self.assignment.config.get("items", []) if self.assignment.kind == "cases" else []

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
    assignments = list(
        db.session.scalars(
            sa.select(Assignment)
            .join(CohortMember, CohortMember.cohort_id == Assignment.cohort_id)
            .where(CohortMember.user_id == user.id)
            .order_by(Assignment.due_at, Assignment.id)
        )
    )
    _refresh_exams(user, now)
    attempts = _attempts_by([a.id for a in assignments], [user.id])
    rows = []
    for assignment in assignments:
        result = result_of(assignment, attempts.get((assignment.id, user.id), []))
        if result.done:
            state = "done"
        elif assignment.opens_at > now:
            state = "upcoming"
        else:
            state = "open"
        rows.append(LearnerAssignment(assignment, result, state, overdue=not result.done and now > assignment.due_at))
    return rows


def _refresh_exams(user: User, now: datetime) -> None:
    from study.services import exams as exam_service

    open_exams = db.session.scalars(
        sa.select(Attempt).where(
            Attempt.user_id == user.id, Attempt.kind == "exam", Attempt.status == "open", Attempt.assignment_id.is_not(None)
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
    asked, and a practice set whose feedback waits for the end when the policy says so."""
    from study.services import cases as case_service
    from study.services import exams as exam_service
    from study.services import practice as practice_service

    assignment = _learner_assignment(user, assignment_id)
    if assignment.opens_at > now:
        raise Conflict(f"This assignment opens on {assignment.opens_at:%Y-%m-%d %H:%M} UTC.")
    config = assignment.config
    if assignment.kind == "cases" and case_key not in config.get("items", []):
        raise NotFound("This case is not part of the assignment.")
    if assignment.kind != "cases":
        case_key = None
    _refresh_exams(user, now)
    earlier = attempt_groups(assignment, list(db.session.scalars(
        sa.select(Attempt).where(Attempt.user_id == user.id, Attempt.assignment_id == assignment.id)
    )))[case_key]
    resumable = [a for a in earlier if a.is_open]
    if resumable:
        return resumable[0]
    if assignment.max_attempts is not None and len(earlier) >= assignment.max_attempts:
        n = assignment.max_attempts
        what = f"case {case_key}" if case_key else "this assignment"
        raise Conflict(f"You have used your {n} attempt{'' if n == 1 else 's'} at {what}: no more are allowed.")
    bind = {
        "assignment_id": assignment.id,
        "open_key": f"assignment:{assignment.id}" + (f":case:{case_key}" if case_key else ""),
    }
    if assignment.kind == "cases":
        return case_service.start_case(user, case_key, now, **bind)
    avoid = frozenset(ai.item_id for a in earlier for ai in a.items) if assignment.retake_fresh else frozenset()
    if assignment.kind == "exam":
        multiplier = extra_time(assignment.cohort_id, user.id)
        return exam_service.start_exam(user, config["exam"], now, multiplier=multiplier, avoid=avoid, **bind)
    defer = assignment.feedback != "each"
    if config.get("items"):
        ids = tuple(db.session.scalars(sa.select(Item.id).where(Item.key.in_(config["items"]))))
        choice = practice_service.PracticeChoice(None, [], None, len(ids) or 1, "all", item_ids=ids)
    else:
        choice = practice_service.PracticeChoice(
            config.get("exam"), config.get("topics") or [], config.get("difficulty"), int(config.get("size") or 10), "all"
        )
    return practice_service.start_practice(user, choice, now, avoid=avoid, defer_feedback=defer, **bind)


# ------------------------------------------------------------------ instructor views of results
@dataclass
class HeatCell:
    title: str
    accuracy: float | None  # percent
    answers: int

    @property
    def band(self) -> str:
        if self.accuracy is None:
            return "heat-none"
        if self.accuracy >= 80:
            return "heat-high"
        if self.accuracy >= 60:
            return "heat-mid"
        return "heat-low"


    @property
    def badge(self) -> str:
        """The existing badge colours for the band (the numbers are in the text as well)."""
        return {"heat-high": "badge-ok", "heat-mid": "badge-warn", "heat-low": "badge-bad"}.get(self.band, "")


@dataclass
class HeatRow:
    learner: User
    cells: list[HeatCell]
    verdict: str
    predicted: float | None


@dataclass
class AssignmentSummary:
    assignment: Assignment
    done: int
    late: int
    learners: int
    mean_score: float | None

    @property
    def description(self) -> str:
        return describe(self.assignment)

    @property
    def policy(self) -> str:
        return describe_policy(self.assignment)


@dataclass
class CohortDashboard:
    cohort: Cohort
    learners: list[User]
    sections: list[str]
    heat: list[HeatRow]
    readiness: dict[str, int]
    summaries: list[AssignmentSummary]
    results: dict[tuple[int, int], Result]  # (assignment id, learner id) -> result
    extra_time: dict[int, float]  # learner id -> this cohort's multiplier

    def attempts(self, assignment: Assignment, learner: User) -> list[AttemptRow]:
        return attempt_rows(assignment, self.results[(assignment.id, learner.id)])


def results(cohort: Cohort, learners: list[User]) -> dict[tuple[int, int], Result]:
    grouped = _attempts_by([a.id for a in cohort.assignments], [u.id for u in learners])
    return {(a.id, u.id): result_of(a, grouped.get((a.id, u.id), [])) for a in cohort.assignments for u in learners}


def cohort_dashboard(actor: User, cohort_id: int, now: datetime) -> CohortDashboard:
    from study.services import progress

    cohort = get_cohort(actor, cohort_id)
    learners = members(cohort)
    sections: list[str] = []
    heat: list[HeatRow] = []
    readiness = {v: 0 for v in VERDICTS}
    if cohort.exam and db.session.get(Blueprint, cohort.exam) is not None:
        for learner in learners:
            board = progress.dashboard(learner, cohort.exam, now)
            sections = [s.title for s in board.sections]
            cells = [
                HeatCell(s.title, None if s.accuracy is None else round(100 * s.accuracy, 1), s.evidence.answers)
                for s in board.sections
            ]
            verdict = board.readiness.verdict
            readiness[verdict] = readiness.get(verdict, 0) + 1
            predicted = None if verdict == "not enough evidence" else board.readiness.score
            heat.append(HeatRow(learner, cells, verdict, predicted))
    table = results(cohort, learners)
    summaries = []
    for assignment in cohort.assignments:
        done = [table[(assignment.id, u.id)] for u in learners if table[(assignment.id, u.id)].done]
        mean = round(sum(r.score or 0 for r in done) / len(done), 1) if done else None
        summaries.append(AssignmentSummary(assignment, len(done), sum(1 for r in done if r.late), len(learners), mean))
    multipliers = {m.user_id: m.extra_time_multiplier for m in cohort.members}
    return CohortDashboard(cohort, learners, sections, heat, readiness, summaries, table, multipliers)


CSV_HEADER = [
    "learner", "email", "assignment", "kind", "case", "attempt", "status", "score", "submitted_at", "late", "counts",
]


@dataclass
class AttemptRow:
    """One attempt of a learner at an assignment (at one case of a case set), numbered from 1."""

    case: str | None
    number: int
    attempt: Attempt
    counts: bool
    late: bool


def attempt_rows(assignment: Assignment, result: Result) -> list[AttemptRow]:
    rows = []
    for case, group in attempt_groups(assignment, result.attempts).items():
        for number, attempt in enumerate(group, start=1):
            late = attempt.submitted_at is not None and _late(assignment, attempt)
            rows.append(AttemptRow(case, number, attempt, attempt.id in result.counted, late))
    return rows


def results_csv(actor: User, cohort_id: int, now: datetime) -> str:
    """One row per attempt (a learner who has not started has one row saying so), every cell
    escaped against spreadsheet formulas."""
    cohort = get_cohort(actor, cohort_id)
    learners = members(cohort)
    table = results(cohort, learners)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for assignment in cohort.assignments:
        for learner in learners:
            r = table[(assignment.id, learner.id)]
            who = [learner.name, learner.email, assignment.title, assignment.kind]
            rows = attempt_rows(assignment, r)
            if not rows:
                status = "not started" if now <= assignment.due_at else "not started (overdue)"
                writer.writerow([safe_cell(v) for v in who + ["", "", status, "", "", "no", "no"]])
            for row in rows:
                a = row.attempt
                writer.writerow([safe_cell(v) for v in who + [
                    row.case or "", row.number, a.status, "" if a.score_pct is None else f"{a.score_pct:.1f}",
                    a.submitted_at.isoformat() if a.submitted_at else "", "yes" if row.late else "no", "yes" if row.counts else "no",
                ]])
    return out.getvalue()


def safe_cell(value) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @, a tab or a carriage return is
    read as text (a leading apostrophe). Every cell of every export goes through here."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
