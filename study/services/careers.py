"""The career self-assessment: draw the diagnostic, grade it, build the result, keep it for users.

An anonymous visitor's assessment lives in the signed session cookie (`session[SESSION_KEY]`),
and only as the questionnaire's answers, the item keys drawn and, once submitted, the letters
chosen. The session cookie is signed, not encrypted, so the answer key never goes into it: items
are graded from the database when the result is shown. Views pass `flask.session` (any mutable
mapping works, which is how the tests drive this module).

Saved results (`CareerAssessment`) keep the preferences and the score per area; the
recommendation and the plan are recomputed from them by the pure `study.careers.recommend`.
"""
from __future__ import annotations

import json
import random
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from study.bank.model import McqItem
from study.careers import content
from study.careers.recommend import (
    AREAS,
    AreaScore,
    Preferences,
    Recommendation,
    StudyPlan,
    area_for,
    fractions,
    recommend,
    study_plan,
)
from study.extensions import db
from study.grading.mcq import grade_mcq
from study.models import Blueprint, Item, User
from study.models.careers import CareerAssessment
from study.services import Conflict, NotFound, ServiceError
from study.services.bank import parsed_item

SESSION_KEY = "careers"
PER_AREA = 6  # five areas: a diagnostic of about 30 items
DONT_KNOW = "dont-know"  # the extra choice offered with every question; graded as not correct
DIAGNOSTIC_TOPICS: tuple[str, ...] = tuple(sorted({t for a in AREAS for t in a.topics}))


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
    scores: tuple[AreaScore, ...]
    recommendation: Recommendation
    plan: StudyPlan
    path: content.CareerPath
    salary: content.RoleSalary
    review: tuple[ReviewedQuestion, ...] = ()
    saved_id: int | None = None
    created_at: datetime | None = None

    @property
    def answered(self) -> int:
        return sum(s.total for s in self.scores)


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
    for bp in db.session.scalars(sa.select(Blueprint).order_by(Blueprint.exam)):
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
    bp = db.session.get(Blueprint, exam)
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
    """Keys of published single-answer MCQ items: up to `per_area` for each of the five areas,
    spread over the area's topics in turn (a random topic order, a random item of each)."""
    rng = rng or random.Random()
    stmt = (
        sa.select(Item)
        .where(Item.type == "mcq", Item.status == "published", Item.topic.in_(DIAGNOSTIC_TOPICS))
        .order_by(Item.key)
    )
    by_area: dict[str, dict[str, list[Item]]] = {a.key: {} for a in AREAS}
    for item in db.session.scalars(stmt):
        area = area_for(item.topic, item.exams)
        if area:
            by_area[area].setdefault(item.topic, []).append(item)
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


# ------------------------------------------------------------------ the anonymous assessment in the session
def _state(session: Mapping) -> dict | None:
    state = session.get(SESSION_KEY)
    return state if isinstance(state, dict) and isinstance(state.get("items"), list) else None


def start_assessment(session: MutableMapping, preferences: Preferences, rng: random.Random | None = None) -> int:
    """Record the questionnaire and draw a new diagnostic (replacing any earlier one)."""
    keys = draw_diagnostic(rng=rng)
    session[SESSION_KEY] = {"prefs": preferences.to_dict(), "items": keys, "answers": None, "saved": None}
    return len(keys)


def current_preferences(session: Mapping) -> Preferences | None:
    state = _state(session)
    return Preferences.from_dict(state["prefs"]) if state else None


def _items_by_key(keys: Sequence[str]) -> dict[str, Item]:
    if not keys:
        return {}
    return {item.key: item for item in db.session.scalars(sa.select(Item).where(Item.key.in_(list(keys))))}


def _questions(keys: Sequence[str]) -> list[tuple[DiagnosticQuestion, McqItem]]:
    items = _items_by_key(keys)
    out = []
    for key in keys:
        item = items.get(key)
        parsed = _usable(item) if item is not None and item.status == "published" else None
        if parsed is None:  # retired or changed since the draw: leave it out
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


def diagnostic_questions(session: Mapping) -> list[DiagnosticQuestion]:
    """The questions of the assessment in progress, without answers. NotFound when none is."""
    state = _state(session)
    if state is None:
        raise NotFound("Start with the questionnaire.")
    return [q for q, _ in _questions(state["items"])]


def submit_diagnostic(session: MutableMapping, answers: Mapping[str, str]) -> list[DiagnosticQuestion]:
    """Keep the answers when every question has one (a letter or "I don't know yet"); otherwise
    change nothing and return the questions still unanswered. A submitted diagnostic is final
    (Conflict): its result page shows the answers."""
    state = _state(session)
    if state is None:
        raise NotFound("Start with the questionnaire.")
    if isinstance(state.get("answers"), dict):  # the result page has shown the key since
        raise Conflict("This diagnostic is already submitted. Take the self-assessment again for new questions.")
    chosen: dict[str, str] = {}
    missing = []
    for question, parsed in _questions(state["items"]):
        value = (answers.get(question.key) or "").strip()
        if value == DONT_KNOW or value in parsed.letters:
            chosen[question.key] = value
        else:
            missing.append(question)
    if missing:
        return missing
    session[SESSION_KEY] = {**state, "answers": chosen, "saved": None}
    return []


def has_result(session: Mapping) -> bool:
    state = _state(session)
    return bool(state and isinstance(state.get("answers"), dict))


def _grade(keys: Sequence[str], answers: Mapping[str, str]) -> tuple[tuple[AreaScore, ...], tuple[ReviewedQuestion, ...]]:
    tally = {a.key: [0, 0] for a in AREAS}
    review = []
    for question, parsed in _questions(keys):
        value = answers.get(question.key)
        chosen = None if value in (None, DONT_KNOW) else value
        graded = grade_mcq(parsed, chosen)
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


def build_result(
    preferences: Preferences,
    scores: Sequence[AreaScore],
    today: date,
    *,
    review: Sequence[ReviewedQuestion] = (),
    saved_id: int | None = None,
    created_at: datetime | None = None,
) -> CareerResult:
    area_scores = fractions(scores)
    recommendation = recommend(preferences, area_scores)
    plan = study_plan(
        recommendation.certification,
        _blueprint_sections(recommendation.certification),
        area_scores,
        preferences.weekly_hours,
        preferences.target_date,
        today,
    )
    path = content.PATHS[recommendation.path]
    return CareerResult(
        preferences=preferences,
        scores=tuple(scores),
        recommendation=recommendation,
        plan=plan,
        path=path,
        salary=content.salary_row(path.salary_key),
        review=tuple(review),
        saved_id=saved_id,
        created_at=created_at,
    )


def current_result(session: Mapping, today: date) -> CareerResult | None:
    """The submitted assessment in the session, graded now; None before submission."""
    state = _state(session)
    if state is None or not isinstance(state.get("answers"), dict):
        return None
    scores, review = _grade(state["items"], state["answers"])
    return build_result(Preferences.from_dict(state["prefs"]), scores, today, review=review, saved_id=state.get("saved"))


# ------------------------------------------------------------------ saved results
def save_result(user: User, session: MutableMapping, today: date) -> CareerAssessment:
    """Keep the session's result for `user`. Saving the same result twice returns the first save."""
    state = _state(session)
    result = current_result(session, today)
    if state is None or result is None:
        raise ServiceError("There is no finished self-assessment to save. Take the self-assessment first.")
    earlier_id = state.get("saved")
    if earlier_id:
        earlier = db.session.get(CareerAssessment, earlier_id)
        if earlier is not None and earlier.user_id == user.id:
            return earlier
    prefs = result.preferences
    assessment = CareerAssessment(
        user_id=user.id,
        preferences_json=json.dumps(prefs.to_dict()),
        area_scores_json=json.dumps({s.area: {"correct": s.correct, "total": s.total} for s in result.scores}),
        recommended_path=result.recommendation.path,
        recommended_certification=result.recommendation.certification,
        target_date=prefs.target_date,
        weekly_hours=prefs.weekly_hours,
    )
    db.session.add(assessment)
    db.session.commit()
    session[SESSION_KEY] = {**state, "saved": assessment.id}
    return assessment


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


def saved_result(assessment: CareerAssessment) -> CareerResult:
    """A saved assessment as a result page (the plan counted from the day it was saved)."""
    scores = tuple(
        AreaScore(a.key, int(raw.get("correct", 0)), int(raw.get("total", 0)))
        for a in AREAS
        for raw in [assessment.area_scores.get(a.key) or {}]
    )
    return build_result(
        Preferences.from_dict(assessment.preferences),
        scores,
        assessment.created_at.date(),
        saved_id=assessment.id,
        created_at=assessment.created_at,
    )
