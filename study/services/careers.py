"""The career self-assessment: draw the diagnostic, grade it, build the result, keep it for users.

A self-assessment in progress or finished is a `CareerRun` row on the server: the questionnaire's
answers, the item keys drawn and, once submitted, the letters chosen and `submitted_at`. The
visitor's cookie holds only a random token (the row keeps its SHA-256, like sign-in sessions), so
the cookie reveals nothing and a replayed cookie cannot resubmit: a submitted run is final (the
result page has shown the key). Views look the run up with `get_run(token, user)` and pass it in.

The diagnostic draws only from the items reserved for it (`reserve: diagnostic` in the bank), so
the keys and rationales its result page shows are never those of an item served in exams,
practice or assignments.

Saved results (`CareerAssessment`) keep the preferences and the score per area; the
recommendation and the plan are recomputed from them by the pure `study.careers.recommend`.
"""
from __future__ import annotations

import hashlib
import json
import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from study.bank.model import McqItem
from study.careers import aptitude, content
from study.careers.beginner import BeginnerPlan, beginner_plan
from study.careers.recommend import (
    AREAS,
    SKILLS,
    AreaScore,
    Preferences,
    Recommendation,
    SkillScore,
    area_for,
    fractions,
    recommend,
)
from study.extensions import db
from study.kinds import ItemStatus
from study.models import ExamBlueprint, Item, ItemExam, User
from study.models.base import utcnow
from study.models.careers import CareerAssessment, CareerRun
from study.services import Conflict, NotFound, ServiceError
from study.services.attempts import in_pool, published_items
from study.services.bank import parsed_item
from study.services.grading import grade_response
from study.services.transactions import changed_rows, transaction

SESSION_KEY = "careers"  # the key of the run's token in the session cookie
POOL = "diagnostic"  # the bank's items reserved for the diagnostic (`reserve: diagnostic`)
PER_AREA = 6  # five areas: a diagnostic of about 30 items
DONT_KNOW = "dont-know"  # the extra choice offered with every question; graded as not correct
DIAGNOSTIC_TOPICS: tuple[str, ...] = tuple(sorted({t for a in AREAS for t in a.topics}))
# a run is kept this long (long enough to sign up and save it); older runs are deleted when a new
# one starts, and are not found before that
RUN_KEEP = timedelta(days=7)
TOKEN_BYTES = 32


# ------------------------------------------------------------------ what the pages show
@dataclass(frozen=True)
class DiagnosticQuestion:
    """An item as the learner sees it before submitting: no answer, no rationale."""

    number: int
    key: str
    area: str
    stem: str
    options: tuple[tuple[str, str], ...]  # (letter, text)

    @property
    def field_name(self) -> str:
        return f"q-{self.key}"

    @property
    def area_title(self) -> str:
        return dict((a.key, a.title) for a in AREAS).get(self.area, self.area)


@dataclass(frozen=True)
class ReviewedQuestion:
    """An item after submission, with the learner's choice, the key and the rationale."""

    number: int
    key: str
    area: str
    stem: str
    options: tuple[tuple[str, str], ...]
    chosen: str | None  # a letter, or None for "I don't know yet"
    answer: tuple[str, ...]
    correct: bool
    rationale: str


@dataclass(frozen=True)
class CareerResult:
    preferences: Preferences
    skills: tuple[SkillScore, ...]  # the sample tasks; () for results saved before they existed
    scores: tuple[AreaScore, ...]  # the optional knowledge check (every total 0 when not taken)
    recommendation: Recommendation
    plan: BeginnerPlan
    path: content.CareerPath
    salary: content.RoleSalary
    tasks: tuple[aptitude.ReviewedTask, ...] = ()
    review: tuple[ReviewedQuestion, ...] = ()
    saved_id: int | None = None
    created_at: datetime | None = None

    @property
    def answered(self) -> int:
        """Questions answered in the knowledge check (0: not taken)."""
        return sum(s.total for s in self.scores)

    @property
    def tasks_done(self) -> int:
        return sum(s.total for s in self.skills)

    @property
    def tasks_right(self) -> int:
        return sum(s.correct for s in self.skills)


@dataclass(frozen=True)
class ExamFormat:
    exam: str
    title: str
    questions: int
    cases: int
    minutes: int
    pass_percent: float
    sections: tuple[dict, ...]
    source: str

    @property
    def all_confirmed(self) -> bool:
        return all(s.get("confirmed") for s in self.sections)


# ------------------------------------------------------------------ exam formats (blueprints)
def exam_formats() -> dict[str, ExamFormat]:
    """Every blueprint in the database as the certifications page shows it."""
    formats = {}
    for bp in db.session.scalars(sa.select(ExamBlueprint).order_by(ExamBlueprint.exam)):
        sections = tuple(bp.sections)
        formats[bp.exam] = ExamFormat(
            exam=bp.exam,
            title=bp.title,
            questions=sum(int(s.get("questions") or 0) for s in sections),
            cases=sum(int(s.get("cases") or 0) for s in sections),
            minutes=bp.minutes,
            pass_percent=bp.pass_percent,
            sections=sections,
            source=bp.source,
        )
    return formats


def _blueprint_sections(exam: str) -> list[dict]:
    bp = db.session.get(ExamBlueprint, exam)
    return bp.sections if bp is not None else []


# ------------------------------------------------------------------ drawing the diagnostic
def _usable(item: Item) -> McqItem | None:
    """The parsed item when it can be asked as one radio group (single best answer)."""
    if item.current_version is None:
        return None
    try:
        parsed = parsed_item(item)
    except ServiceError:
        return None
    if not isinstance(parsed, McqItem) or parsed.multiple or len(parsed.answer) != 1:
        return None
    return parsed


def draw_diagnostic(per_area: int = PER_AREA, rng: random.Random | None = None) -> list[str]:
    """Keys of published single-answer MCQ items reserved for the diagnostic: up to `per_area`
    for each of the five areas, spread over the area's topics in turn (a random topic order, a
    random item of each). Items of the open pool or reserved for exams are never drawn."""
    rng = rng or random.Random()
    stmt = published_items("mcq", topics=list(DIAGNOSTIC_TOPICS), pool=POOL)
    by_area: dict[str, dict[str, list[Item]]] = {a.key: {} for a in AREAS}
    for item in db.session.scalars(stmt):
        area_key = area_for(item.topic, item.exams)
        if area_key:
            by_area[area_key].setdefault(item.topic, []).append(item)
    keys: list[str] = []
    for area in AREAS:
        pools = by_area[area.key]
        for pool in pools.values():
            rng.shuffle(pool)
        topics = sorted(pools)
        rng.shuffle(topics)
        picked: list[str] = []
        while len(picked) < per_area and any(pools[t] for t in topics):
            for topic in topics:
                if len(picked) >= per_area:
                    break
                while pools[topic]:
                    item = pools[topic].pop()
                    if _usable(item) is not None:
                        picked.append(item.key)
                        break
        keys.extend(picked)
    return keys


# ------------------------------------------------------------------ the run, kept on the server
def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _keys(run: CareerRun) -> list[str]:
    return json.loads(run.item_keys_json or "[]")


def _answers(run: CareerRun) -> dict[str, str] | None:
    return json.loads(run.answers_json) if run.answers_json else None


def start_run(preferences: Preferences, *, user: User | None = None, now: datetime | None = None) -> str:
    """Record the questionnaire; the token for the visitor's cookie. The sample tasks come next;
    the knowledge check is drawn only if they ask for it. Runs older than RUN_KEEP are deleted on
    the way (nobody can reach them any more)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction():
        db.session.execute(sa.delete(CareerRun).where(CareerRun.created_at < now - RUN_KEEP))
        db.session.add(
            CareerRun(
                token_hash=_hash(token),
                user_id=user.id if user is not None else None,
                created_at=now,
                preferences_json=json.dumps(preferences.to_dict()),
                item_keys_json="[]",
            )
        )
    return token


def get_run(token: object, user: User | None = None, now: datetime | None = None) -> CareerRun | None:
    """The run this token opens, or None: unknown, too old, or another account's (a run that a
    user started or saved is theirs alone)."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    run = db.session.scalar(sa.select(CareerRun).where(CareerRun.token_hash == _hash(token)))
    if run is None or run.created_at < (now or utcnow()) - RUN_KEEP:
        return None
    if run.user_id is not None and (user is None or run.user_id != user.id):
        return None
    return run


# ------------------------------------------------------------------ the sample tasks
def sample_tasks(run: CareerRun | None) -> tuple[aptitude.Task, ...]:
    """The sample tasks, without answers for the page to show. NotFound when there is no run."""
    if run is None:
        raise NotFound("Start with the questions about you.")
    return aptitude.tasks()


def submit_tasks(run: CareerRun | None, answers: Mapping[str, str], now: datetime | None = None) -> list[aptitude.Task]:
    """Keep the letters chosen when every task has one; otherwise change nothing and return the
    tasks still unanswered. Submitted tasks are final (Conflict): the result shows their keys.
    One conditional update, so two submissions at once cannot both count."""
    if run is None:
        raise NotFound("Start with the questions about you.")
    if run.aptitude_at is not None:
        raise Conflict("You have already done the sample tasks. Take the self-assessment again for a fresh start.")
    cleaned = {k: v.strip() for k, v in answers.items() if isinstance(v, str)}
    missing = aptitude.missing(cleaned)
    if missing:
        return missing
    chosen = {t.key: cleaned[t.key] for t in aptitude.tasks()}
    _close(
        run,
        CareerRun.aptitude_at,
        {"aptitude_json": json.dumps(chosen), "aptitude_at": now or utcnow()},
        "You have already done the sample tasks. Take the self-assessment again for a fresh start.",
    )
    return []


def _close(run: CareerRun, closed_at, values: Mapping, already: str) -> None:
    """Record a final submission in one conditional update (`closed_at` still empty), so that of
    two submissions at once only one counts; the other gets Conflict(`already`)."""
    with transaction():
        closed = changed_rows(sa.update(CareerRun).where(CareerRun.id == run.id, closed_at.is_(None)).values(**values))
        if closed != 1:
            raise Conflict(already)
    db.session.refresh(run)


def _aptitude(run: CareerRun) -> tuple[tuple[SkillScore, ...], tuple[aptitude.ReviewedTask, ...]]:
    if run.aptitude_at is None or not run.aptitude_json:
        return (), ()
    return aptitude.grade(json.loads(run.aptitude_json))


# ------------------------------------------------------------------ the optional knowledge check
def start_knowledge_check(run: CareerRun | None, rng: random.Random | None = None) -> None:
    """Draw the knowledge check for a run whose sample tasks are done (once: a second call keeps
    the first draw). NotFound without a run; Conflict before the tasks or after a submission."""
    if run is None:
        raise NotFound("Start with the questions about you.")
    if run.aptitude_at is None:
        raise Conflict("Do the sample tasks first; the knowledge check is an optional extra after them.")
    if run.submitted_at is not None or _keys(run):
        return
    keys = draw_diagnostic(rng=rng)
    with transaction():
        changed_rows(
            sa.update(CareerRun)
            .where(CareerRun.id == run.id, CareerRun.submitted_at.is_(None), CareerRun.item_keys_json == "[]")
            .values(item_keys_json=json.dumps(keys))
        )
    db.session.refresh(run)


def knowledge_started(run: CareerRun | None) -> bool:
    return run is not None and bool(_keys(run))


def knowledge_done(run: CareerRun | None) -> bool:
    return run is not None and run.submitted_at is not None


def _preferences(run: CareerRun) -> Preferences:
    return Preferences.from_dict(json.loads(run.preferences_json or "{}"))


def current_preferences(run: CareerRun | None) -> Preferences | None:
    return _preferences(run) if run is not None else None


def _questions(keys: Sequence[str]) -> list[tuple[DiagnosticQuestion, McqItem]]:
    """The drawn items still published in the diagnostic pool, in order, renumbered."""
    if not keys:
        return []
    items = {item.key: item for item in db.session.scalars(published_items("mcq", pool=POOL).where(Item.key.in_(list(keys))))}
    out: list[tuple[DiagnosticQuestion, McqItem]] = []
    for key in keys:
        item = items.get(key)
        parsed = _usable(item) if item is not None else None
        if item is None or parsed is None:  # retired, moved to another pool or changed since the draw: leave it out
            continue
        question = DiagnosticQuestion(
            number=len(out) + 1,
            key=key,
            area=area_for(item.topic, item.exams) or "",
            stem=parsed.stem,
            options=tuple((o.letter, o.text) for o in parsed.options),
        )
        out.append((question, parsed))
    return out


def diagnostic_questions(run: CareerRun | None) -> list[DiagnosticQuestion]:
    """The knowledge check's questions, without answers. NotFound when there is no run or the
    check was not started."""
    if run is None or not knowledge_started(run):
        raise NotFound("Start with the questions about you.")
    return [q for q, _ in _questions(_keys(run))]


def submit_diagnostic(run: CareerRun | None, answers: Mapping[str, str], now: datetime | None = None) -> list[DiagnosticQuestion]:
    """Keep the answers when every question has one (a letter or "I don't know yet"); otherwise
    change nothing and return the questions still unanswered. A submitted run is final
    (Conflict): its result page has shown the key. Closing the run is one conditional update, so
    two submissions at once cannot both count."""
    if run is None or not knowledge_started(run):
        raise NotFound("Start with the questions about you.")
    if run.submitted_at is not None:
        raise Conflict("This knowledge check is already submitted. Take the self-assessment again for new questions.")
    chosen: dict[str, str] = {}
    missing = []
    for question, parsed in _questions(_keys(run)):
        value = answers.get(question.key)
        value = value.strip() if isinstance(value, str) else ""
        if value == DONT_KNOW or value in parsed.letters:
            chosen[question.key] = value
        else:
            missing.append(question)
    if missing:
        return missing
    _close(
        run,
        CareerRun.submitted_at,
        {"answers_json": json.dumps(chosen), "submitted_at": now or utcnow()},
        "This knowledge check is already submitted. Take the self-assessment again for new questions.",
    )
    return []


def has_result(run: CareerRun | None) -> bool:
    """The sample tasks are done (or, for a run started before they existed, the diagnostic)."""
    return run is not None and (run.aptitude_at is not None or run.submitted_at is not None)


def _grade(keys: Sequence[str], answers: Mapping[str, str]) -> tuple[tuple[AreaScore, ...], tuple[ReviewedQuestion, ...]]:
    tally = {a.key: [0, 0] for a in AREAS}
    review = []
    for question, parsed in _questions(keys):
        value = answers.get(question.key)
        chosen = None if value in (None, DONT_KNOW) else value
        graded = grade_response(parsed, {"selected": [chosen] if chosen else []}).mcq_result
        if question.area in tally:
            tally[question.area][0] += int(graded.correct)
            tally[question.area][1] += 1
        review.append(
            ReviewedQuestion(
                number=question.number,
                key=question.key,
                area=question.area,
                stem=question.stem,
                options=question.options,
                chosen=chosen,
                answer=tuple(parsed.answer),
                correct=graded.correct,
                rationale=parsed.rationale,
            )
        )
    scores = tuple(AreaScore(a.key, tally[a.key][0], tally[a.key][1]) for a in AREAS)
    return scores, tuple(review)


def practice_topics() -> dict[str, frozenset[str]]:
    """exam -> the topics with published practice questions (one query): the plan links only to
    practice sets that exist."""
    rows = db.session.execute(
        sa.select(ItemExam.exam, Item.topic)
        .join(Item, Item.id == ItemExam.item_id)
        .where(Item.type == "mcq", Item.status == ItemStatus.PUBLISHED, Item.current_version_id.is_not(None), in_pool("open"))
        .distinct()
    )
    found: dict[str, set[str]] = {}
    for exam, topic in rows:
        found.setdefault(exam, set()).add(topic)
    return {exam: frozenset(topics) for exam, topics in found.items()}


def _section_titles(exam: str) -> list[str]:
    return [str(s.get("title") or s.get("key")) for s in _blueprint_sections(exam)]


def build_result(
    preferences: Preferences,
    scores: Sequence[AreaScore],
    today: date,
    *,
    skills: Sequence[SkillScore] = (),
    tasks: Sequence[aptitude.ReviewedTask] = (),
    review: Sequence[ReviewedQuestion] = (),
    saved_id: int | None = None,
    created_at: datetime | None = None,
) -> CareerResult:
    area_scores = fractions(scores)
    recommendation = recommend(preferences, area_scores, skills)
    plan = beginner_plan(
        recommendation.path,
        today=today,
        target_date=preferences.target_date,
        weekly_hours=preferences.weekly_hours,
        budget=preferences.budget,
        knowledge=area_scores,
        practice=practice_topics(),
        exam_sections=_section_titles(recommendation.certification),
    )
    path = content.PATHS[recommendation.path]
    return CareerResult(
        preferences=preferences,
        skills=tuple(skills),
        scores=tuple(scores),
        recommendation=recommendation,
        plan=plan,
        path=path,
        salary=content.salary_row(path.salary_key),
        tasks=tuple(tasks),
        review=tuple(review),
        saved_id=saved_id,
        created_at=created_at,
    )


def current_result(run: CareerRun | None, today: date) -> CareerResult | None:
    """The run's result, graded now; None before the sample tasks are done."""
    if run is None or not has_result(run):
        return None
    skills, tasks = _aptitude(run)
    scores, review = _grade(_keys(run), _answers(run) or {}) if knowledge_done(run) else (_no_scores(), ())
    return build_result(_preferences(run), scores, today, skills=skills, tasks=tasks, review=review, saved_id=run.saved_assessment_id)


def _no_scores() -> tuple[AreaScore, ...]:
    return tuple(AreaScore(a.key, 0, 0) for a in AREAS)


# ------------------------------------------------------------------ saved results
def _fill(assessment: CareerAssessment, result: CareerResult) -> CareerAssessment:
    prefs = result.preferences
    assessment.preferences_json = json.dumps(prefs.to_dict())
    assessment.area_scores_json = json.dumps({s.area: {"correct": s.correct, "total": s.total} for s in result.scores if s.total})
    assessment.aptitude_json = json.dumps({s.skill: {"correct": s.correct, "total": s.total} for s in result.skills})
    assessment.recommended_path = result.recommendation.path
    assessment.recommended_certification = result.recommendation.certification
    assessment.target_date = prefs.target_date
    assessment.weekly_hours = prefs.weekly_hours
    return assessment


def save_result(user: User, run: CareerRun | None, today: date) -> CareerAssessment:
    """Keep the run's result for `user`, read from the server-side run; the run becomes theirs.
    Saving the same run again updates the first save (one saved result per run)."""
    result = current_result(run, today)
    if run is None or result is None or run.user_id not in (None, user.id):
        raise ServiceError("There is no finished self-assessment to save. Take the self-assessment first.")
    if run.saved_assessment_id is not None:
        earlier = db.session.get(CareerAssessment, run.saved_assessment_id)
        if earlier is not None and earlier.user_id == user.id:
            # the same run saved again (after its knowledge check, say): the saved copy follows it
            with transaction():
                _fill(earlier, result)
            return earlier
    assessment = _fill(CareerAssessment(user_id=user.id), result)
    try:
        with transaction():
            db.session.add(assessment)
            db.session.flush()
            claimed = changed_rows(
                sa.update(CareerRun)
                .where(
                    CareerRun.id == run.id,
                    sa.or_(CareerRun.user_id.is_(None), CareerRun.user_id == user.id),
                    sa.or_(CareerRun.saved_assessment_id.is_(None), CareerRun.saved_assessment_id == run.saved_assessment_id),
                )
                .values(user_id=user.id, saved_assessment_id=assessment.id)
            )
            if claimed != 1:
                raise Conflict("This self-assessment was saved by another account.")
    except Conflict:
        # saved (or claimed) at the same moment by another request: the transaction is rolled back,
        # read what that request committed
        db.session.refresh(run)
        earlier = db.session.get(CareerAssessment, run.saved_assessment_id) if run.saved_assessment_id else None
        if earlier is not None and earlier.user_id == user.id:
            return earlier
        raise
    db.session.refresh(run)
    return assessment


def save_on_sign_in(user: User, token: object, today: date) -> CareerAssessment | None:
    """Signing up or in with a finished self-assessment in the session saves it: there is no
    second button. None when there is nothing (new) to save; a run that another account saved
    stays theirs."""
    run = get_run(token, user)
    if run is None or not has_result(run):
        return None
    if run.saved_assessment_id is not None:
        earlier = db.session.get(CareerAssessment, run.saved_assessment_id)
        if earlier is not None and earlier.user_id == user.id:
            return earlier
    try:
        return save_result(user, run, today)
    except ServiceError:
        return None


def latest_saved(user: User) -> CareerAssessment | None:
    """The user's most recent saved result (for their home page), or None."""
    return db.session.scalar(
        sa.select(CareerAssessment)
        .where(CareerAssessment.user_id == user.id)
        .order_by(CareerAssessment.created_at.desc(), CareerAssessment.id.desc())
        .limit(1)
    )


def saved_results(user: User) -> list[CareerAssessment]:
    return list(
        db.session.scalars(
            sa.select(CareerAssessment)
            .where(CareerAssessment.user_id == user.id)
            .order_by(CareerAssessment.created_at.desc(), CareerAssessment.id.desc())
        )
    )


def get_saved(user: User, assessment_id: int) -> CareerAssessment:
    """The user's own saved result; anybody else's is reported as not found."""
    assessment = db.session.get(CareerAssessment, assessment_id)
    if assessment is None or assessment.user_id != user.id:
        raise NotFound("No saved result with that number.")
    return assessment


def _tallies(raw: Mapping, keys: Sequence[str]) -> list[tuple[str, int, int]]:
    return [(key, int((raw.get(key) or {}).get("correct", 0)), int((raw.get(key) or {}).get("total", 0))) for key in keys]


def saved_result(assessment: CareerAssessment) -> CareerResult:
    """A saved assessment as a result page (the plan counted from the day it was saved)."""
    scores = tuple(AreaScore(*row) for row in _tallies(assessment.area_scores, [a.key for a in AREAS]))
    skills = tuple(SkillScore(*row) for row in _tallies(assessment.aptitude, [k for k, _ in SKILLS]) if row[2])
    return build_result(
        Preferences.from_dict(assessment.preferences),
        scores,
        assessment.created_at.date(),
        skills=skills,
        saved_id=assessment.id,
        created_at=assessment.created_at,
    )
