"""Practice sets: one question at a time with immediate feedback, a running score, a summary.

A set started from an assignment whose feedback waits (until the attempt ends or the due date) is
started with `defer_feedback`: its answers are recorded as given and graded only when the set ends,
so nothing about their correctness exists (not in review cards, not in the progress rollups)
while the learner can still answer.

"Review due" (mode ``due``) serves the learner's due review cards, multiple-choice questions and
coding cases alike, least retained first (FSRS retrievability, ties by due time). The due set is
defined once, by ``_due_cards``: a card due at `now` whose item practice may serve (published,
in the open pool: never an item reserved for exams or the diagnostic; not locked by a running exam
or an assignment whose keys wait). ``due_count`` (the number on the home and practice pages) counts
that set and ``start_practice`` serves it, so the two never disagree. A case in a practice set is
answered with the code rows (``answer_case``) and graded by the one grading path, as a case
attempt is."""
from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from study import scheduling
from study.bank.model import BillingItem, CaseItem, McqItem
from study.billing import exercise
from study.extensions import db
from study.grading.answers import as_case, as_mcq, clean_case_answer
from study.kinds import BILLING_ITEM_TYPES, ItemStatus, ItemType
from study.models import Attempt, AttemptItem, ExamBlueprint, Item, ItemExam, Response, ReviewCard, User
from study.services import Conflict, ServiceError, billing, rollups
from study.services.attempts import (
    DEFAULT_SLOW_AFTER,
    add_items,
    close_attempt,
    get_attempt,
    hold_open,
    in_pool,
    insert_attempt,
    locked_item_ids,
    refuse_locked,
    schedule_review,
    store_response,
    to_original,
    version_item,
    version_items,
)
from study.services.grading import attempt_score, grade_response
from study.services.transactions import transaction

MODES = ("all", "missed", "due")
#: a billing exercise counts as answered rightly in progress and readiness at this score (the CPB's
#: pass mark, 70%): a claim graded field by field is rarely perfect, and one wrong box of twenty is
#: not a wrong answer
BILLING_RIGHT = 0.7
MAX_SIZE = 100


#: what a practice set may be made of (the form's "What to practise"): item types
PRACTICE_KINDS: dict[str, tuple[str, ...]] = {
    "mcq": (ItemType.MCQ,),
    "billing": tuple(BILLING_ITEM_TYPES),
    "claim": (ItemType.CLAIM,),
    "remittance": (ItemType.REMITTANCE,),
    "scrubber": (ItemType.SCRUBBER,),
}


@dataclass(frozen=True)
class PracticeChoice:
    exam: str | None
    topics: list[str]
    difficulty: str | None
    size: int
    mode: str
    item_ids: tuple[int, ...] = ()  # a chosen set (cohort assignments): only these items, in this order
    difficulties: tuple[str, ...] = ()  # several difficulties (an assignment's rule), with or instead of `difficulty`
    kind: str = "mcq"  # a key of PRACTICE_KINDS: questions, or billing exercises (all, or one type)

    @property
    def levels(self) -> list[str]:
        """Every difficulty asked for (none: any)."""
        return list(dict.fromkeys([*([self.difficulty] if self.difficulty else []), *self.difficulties]))


def _servable(
    user: User, now: datetime, choice: PracticeChoice | None = None, *, assignment_id: int | None = None, with_cases: bool = False
):
    """SQL: the items practice may serve this learner: published, with a version, in the open pool
    (never reserved for exams or the diagnostic), not locked by another attempt (a running exam,
    an assignment whose keys wait), and within the choice's filters. MCQs; review due (and a timed
    assignment's set: `with_cases`) also cases."""
    with_cases = with_cases or choice is None or choice.mode == "due"
    if choice is not None and choice.item_ids:  # a chosen set: whatever was chosen
        kinds: tuple[str, ...] = (ItemType.MCQ, ItemType.CASE, *BILLING_ITEM_TYPES)
    elif choice is None or choice.mode == "due":  # review: everything the learner has a card for
        kinds = (ItemType.MCQ, ItemType.CASE, *BILLING_ITEM_TYPES)
    else:
        kinds = PRACTICE_KINDS.get(choice.kind, (ItemType.MCQ,)) + ((ItemType.CASE,) if with_cases and choice.kind == "mcq" else ())
    stmt = sa.select(Item).where(
        Item.type.in_(kinds),
        Item.status == ItemStatus.PUBLISHED,
        Item.current_version_id.is_not(None),
        in_pool("open"),
        Item.id.not_in(locked_item_ids(user, now, assignment_id=assignment_id)),
    )
    if choice is not None:
        if choice.exam:
            stmt = stmt.where(Item.exam_links.any(ItemExam.exam == choice.exam))
        if choice.topics:
            stmt = stmt.where(Item.topic.in_(choice.topics))
        if choice.levels:
            stmt = stmt.where(Item.difficulty.in_(choice.levels))
        if choice.item_ids:
            stmt = stmt.where(Item.id.in_(choice.item_ids))
    return stmt.order_by(Item.key)


def _due_cards(user: User, now: datetime, choice: PracticeChoice | None = None):
    """SQL: the learner's review cards due at `now` whose items review may serve (``_servable``):
    the one definition of "due" that ``due_count`` counts and ``start_practice`` serves."""
    servable = _servable(user, now, choice).with_only_columns(Item.id).order_by(None)
    return sa.select(ReviewCard).where(ReviewCard.user_id == user.id, ReviewCard.due_at <= now, ReviewCard.item_id.in_(servable))


def due_count(user: User, now: datetime) -> int:
    """How many items "Review due" serves now (see ``_due_cards``)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(_due_cards(user, now).subquery())) or 0


def _due_item_ids(user: User, now: datetime, choice: PracticeChoice | None = None) -> list[int]:
    """The due items, in the scheduler's order: least retained first (FSRS retrievability at
    `now`), ties by due time, then by item id."""
    cards = db.session.scalars(_due_cards(user, now, choice)).all()
    ranked = sorted(cards, key=lambda c: (scheduling.retrievability(c.card_json, now), c.due_at, c.item_id))
    return [c.item_id for c in ranked]


def _missed_item_ids(user: User) -> list[int]:
    """Items whose latest answer by this learner was wrong (MCQs)."""
    latest = (
        sa.select(Response.item_id, sa.func.max(Response.id).label("last_id"))
        .where(Response.user_id == user.id, Response.correct.is_not(None))
        .group_by(Response.item_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            sa.select(Response.item_id).join(latest, Response.id == latest.c.last_id).where(Response.correct.is_(False))
        )
    )


def draw(
    user: User,
    choice: PracticeChoice,
    now: datetime,
    *,
    avoid: frozenset[int] = frozenset(),
    assignment_id: int | None = None,
    with_cases: bool = False,
) -> list[Item]:
    """The items of a new set (modes "all" and "missed"): a chosen set's items in the chosen order
    (those the learner may be served), or `choice.size` drawn at random from the servable ones,
    items in `avoid` (a retake's earlier items, ones answered lately) only when too few others are
    left. `with_cases`: a timed assignment's set, which may hold cases too."""
    size = max(1, min(choice.size, MAX_SIZE))
    pool = list(db.session.scalars(_servable(user, now, choice, assignment_id=assignment_id, with_cases=with_cases)))
    if choice.mode == "missed":
        missed = set(_missed_item_ids(user))
        pool = [i for i in pool if i.id in missed]
    if choice.item_ids:  # the instructor's order
        order = {item_id: n for n, item_id in enumerate(choice.item_ids)}
        return sorted(pool, key=lambda i: order[i.id])[:size]
    rng = random.Random(f"{user.id}:{now.isoformat()}")
    fresh = [i for i in pool if i.id not in avoid]
    items = rng.sample(fresh, min(size, len(fresh)))
    if len(items) < size:
        seen = [i for i in pool if i.id in avoid]
        items += rng.sample(seen, min(size - len(items), len(seen)))
    return items


@transaction()
def start_practice(
    user: User,
    choice: PracticeChoice,
    now: datetime,
    *,
    avoid: frozenset[int] = frozenset(),
    defer_feedback: bool = False,
    assignment_id: int | None = None,
    open_key: str | None = None,
) -> Attempt:
    """A new set. `avoid`: items to draw only when the pool has too few others (a retake's fresh
    draw); `assignment_id`/`open_key`: the assignment it belongs to, set in the same transaction."""
    if choice.mode not in MODES:
        raise ServiceError("Unknown practice mode.")
    size = max(1, min(choice.size, MAX_SIZE))
    # never items whose keys another attempt holds (a running exam, an assignment not released yet),
    # in every mode, the review queue included
    if choice.mode == "due":
        ids = _due_item_ids(user, now, choice)[:size]
        by_id = {i.id: i for i in db.session.scalars(sa.select(Item).where(Item.id.in_(ids)))}
        items = [by_id[i] for i in ids]
    else:
        items = draw(user, choice, now, avoid=avoid, assignment_id=assignment_id)
    if not items:
        messages = {
            "due": "Nothing is due for review yet. Answer some questions first; missed ones come back here.",
            "missed": "You have not missed any question with these filters.",
            "all": "No published questions match these filters. Widen the topics or difficulty.",
        }
        raise ServiceError(messages[choice.mode])
    attempt = Attempt(
        user_id=user.id,
        kind="practice",
        exam=choice.exam,
        started_at=now,
        config_json=json.dumps(
            {"topics": choice.topics, "difficulty": choice.difficulty, "size": size, "mode": choice.mode}
            | ({"kind": choice.kind} if choice.kind != "mcq" else {})
            | ({"defer_feedback": True} if defer_feedback else {})
        ),
        assignment_id=assignment_id,
        open_key=open_key,
    )
    started = insert_attempt(attempt)
    if started is not attempt:  # a simultaneous start of the same assignment won: that attempt
        return started
    add_items(attempt, [(item, None) for item in items], user)
    return attempt


def current_position(attempt: Attempt) -> int | None:
    """The first unanswered question, or None when the set is finished."""
    for ai in attempt.items:
        if ai.response is None:
            return ai.position
    return None


@dataclass(frozen=True)
class Feedback:
    attempt_item: AttemptItem
    item: McqItem | CaseItem | BillingItem
    selected: list[str]  # original letters (an MCQ)
    correct: bool
    created: bool


def _slow_after(attempt: Attempt) -> float:
    if attempt.exam:
        blueprint = db.session.get(ExamBlueprint, attempt.exam)
        if blueprint is not None and blueprint.pace_minutes_per_question:
            return blueprint.pace_minutes_per_question * 60
    return DEFAULT_SLOW_AFTER


FINISHED = "This practice set is finished."


@transaction()
def answer(user: User, attempt_id: int, position: int, shown_letters: list[str], seconds: float | None, now: datetime) -> Feedback:
    """Record the answer to one practice question (once: a repeat returns the first answer). An
    item of an exam the learner has open gets no feedback (Conflict) until that exam ends."""
    attempt, ai = _answerable(user, attempt_id, position, now, "mcq")
    item = as_mcq(version_item(ai))
    if ai.response is not None:
        return _stored(ai, item)
    return _record(user, attempt, ai, item, lambda: {"selected": to_original(ai, item, shown_letters)}, seconds, now)


@transaction()
def answer_case(user: User, attempt_id: int, position: int, lists: dict, seconds: float | None, now: datetime) -> Feedback:
    """Record the code rows given for a case of a practice set (a due case in "Review due"), once;
    stored as ``clean_case_answer`` normalizes it and graded with its grade report, as a case
    attempt is (see ``_grade``)."""
    attempt, ai = _answerable(user, attempt_id, position, now, "case")
    item = as_case(version_item(ai))
    if ai.response is not None:
        return _stored(ai, item)
    return _record(user, attempt, ai, item, lambda: clean_case_answer(lists), seconds, now)


@transaction()
def answer_billing(
    user: User, attempt_id: int, position: int, form: Mapping[str, str], seconds: float | None, now: datetime
) -> Feedback:
    """Record the form of a billing exercise of a set (a claim, a remittance, a scrubbed claim),
    once; stored as typed (``exercise.response_from_form``) and graded with its report."""
    attempt, ai = _answerable(user, attempt_id, position, now, "case")
    item = version_item(ai)
    if not isinstance(item, BillingItem):
        raise ServiceError("This question is not a billing exercise.")
    if ai.response is not None:
        return _stored(ai, item)
    return _record(user, attempt, ai, item, lambda: exercise.response_from_form(item, form), seconds, now)


def billing_form_problems(ai: AttemptItem, form: Mapping[str, str]) -> dict[str, str]:
    """The format problems of a billing exercise's form (none: it may be graded)."""
    item = version_item(ai)
    return billing.form_problems(item, form) if isinstance(item, BillingItem) else {}


def billing_view(item: BillingItem, answer: Mapping | None) -> billing.BillingView:
    return billing.view(item, answer)


def is_billing(ai: AttemptItem) -> bool:
    """Is this question of a set a billing exercise (a claim, a remittance, a scrubber)?"""
    return isinstance(version_item(ai), BillingItem)


def is_case(ai: AttemptItem) -> bool:
    """Is this question of a set a coding case (answered with code rows)?"""
    return isinstance(version_item(ai), CaseItem)


def _answerable(user: User, attempt_id: int, position: int, now: datetime, kind: str) -> tuple[Attempt, AttemptItem]:
    attempt = get_attempt(user, attempt_id, "practice")
    ai = next((a for a in attempt.items if a.position == position), None)
    if ai is None:
        raise ServiceError("No such question in this set.")
    refuse_locked(user, ai.item_id, now, kind, attempt=attempt)
    return attempt, ai


def _record(
    user: User, attempt: Attempt, ai: AttemptItem, item: McqItem | CaseItem | BillingItem, make_answer, seconds: float | None, now: datetime
) -> Feedback:
    if not attempt.is_open:
        raise Conflict(FINISHED)
    stored = make_answer()
    limit = 4 * 3600.0 if isinstance(item, CaseItem | BillingItem) else 3600.0
    seconds = None if seconds is None or not 0 <= seconds < float("inf") else min(seconds, limit)
    try:
        hold_open(attempt, FINISHED)  # the set is still open, and stays so until this answer is stored
    except Conflict:
        if ai.response is not None:  # the same answer sent twice, the first one ended the set
            return _stored(ai, item)
        raise
    response, created = store_response(ai, user, stored, answered_at=now, seconds=seconds)
    if created:
        if not feedback_deferred(attempt):  # else recorded now, graded when the set ends
            _grade(attempt, ai, item, response, now)
        db.session.flush()
        db.session.refresh(attempt)
        if current_position(attempt) is None:
            finish(attempt, now)
    return Feedback(ai, item, response.answer.get("selected", []), bool(response.correct), created)


def _stored(ai: AttemptItem, item: McqItem | CaseItem | BillingItem) -> Feedback:
    response = ai.response
    assert response is not None
    return Feedback(ai, item, response.answer.get("selected", []), bool(response.correct), created=False)


def feedback_deferred(attempt: Attempt) -> bool:
    return bool(attempt.config.get("defer_feedback"))


def _grade(attempt: Attempt, ai: AttemptItem, item: McqItem | CaseItem | BillingItem, response: Response, now: datetime) -> None:
    """Mark one answer through the one grading path and feed the learner's review card and
    progress rollups with it (a case as a case attempt does: its report, its minutes as the pace)."""
    graded = grade_response(item, response.answer)
    response.correct, response.score = graded.correct, graded.score
    if isinstance(item, CaseItem):
        response.report_json = json.dumps(graded.report)
        schedule_review(attempt.user_id, ai.item_id, graded.score, response.seconds, now, (item.minutes or 15) * 60)
        rollups.add_case_report(attempt.user_id, item.setting, graded.score, response.report)
        return
    if isinstance(item, BillingItem):  # its report kept like a case's; progress counts it by its exam section
        response.report_json = json.dumps(graded.report)
        schedule_review(attempt.user_id, ai.item_id, graded.score, response.seconds, now, (item.minutes or 15) * 60)
        rollups.add_mcq_answer(attempt.user_id, ai.item_id, graded.score >= BILLING_RIGHT, response.seconds, response.answered_at)
        return
    schedule_review(attempt.user_id, ai.item_id, graded.score, response.seconds, now, _slow_after(attempt))
    rollups.add_mcq_answer(attempt.user_id, ai.item_id, graded.correct, response.seconds, response.answered_at)


def finish(attempt: Attempt, now: datetime) -> bool:
    """Close the set (conditionally: an answer racing the close is counted or refused); a set
    whose feedback was deferred is graded now."""
    if not close_attempt(attempt, now):
        return False
    if feedback_deferred(attempt):
        waiting = [ai for ai in attempt.items if ai.response is not None and ai.response.correct is None]
        served = version_items(waiting)
        for ai in waiting:
            assert ai.response is not None
            _grade(attempt, ai, served[ai.id], ai.response, now)
    attempt.served_count = len(attempt.items)
    attempt.answered_count = sum(1 for ai in attempt.items if ai.response is not None)
    attempt.score_pct = attempt_score(attempt)
    return True


def end_early(user: User, attempt_id: int, now: datetime) -> Attempt:
    attempt = get_attempt(user, attempt_id, "practice")
    if attempt.is_open:
        with transaction():
            finish(attempt, now)
    return attempt


def running_score(attempt: Attempt) -> tuple[int, int]:
    answered = [ai.response for ai in attempt.items if ai.response is not None]
    return sum(1 for r in answered if r.correct), len(answered)


# ---------------------------------------------------------------- after a set: what next
@dataclass(frozen=True)
class TopicResult:
    topic: str
    right: int
    answered: int

    @property
    def accuracy(self) -> float:
        return self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class SetReview:
    """A finished set's result by topic (weakest first), the learner's time per answered question,
    the MCQs they missed, and the topic to practise next (the weakest with a miss)."""

    topics: list[TopicResult]
    seconds_per_question: float | None
    missed_ids: list[int]
    next_topic: str | None


def set_review(attempt: Attempt) -> SetReview:
    """From the attempt's items and responses already loaded (no query per item)."""
    served = version_items(attempt.items)
    by_topic: dict[str, list[int]] = {}
    seconds = []
    missed = []
    for ai in attempt.items:
        item = served[ai.id]
        response = ai.response
        if response is None:
            continue
        tally = by_topic.setdefault(item.topic, [0, 0])
        tally[1] += 1
        if response.correct:
            tally[0] += 1
        elif isinstance(item, McqItem):
            missed.append(ai.item_id)
        if response.seconds:
            seconds.append(response.seconds)
    topics = sorted((TopicResult(t, r, n) for t, (r, n) in by_topic.items()), key=lambda t: (t.accuracy, t.topic))
    weak = next((t.topic for t in topics if t.right < t.answered), None)
    return SetReview(topics, sum(seconds) / len(seconds) if seconds else None, missed, weak)


def retry_missed(user: User, attempt_id: int, now: datetime, kind: str = "practice") -> Attempt:
    """A new practice set of exactly the MCQs the learner missed in this practice set or exam
    (`kind`), in their order; an exam's questions kept for exams only are left out. Only once the
    attempt's answers are shown to the learner (which ones were missed tells the keys)."""
    from study.services.assignments import keys_shown  # assignments builds on this module

    attempt = get_attempt(user, attempt_id, kind)
    if not keys_shown(attempt, now):
        raise Conflict("Which questions you missed is shown when the answers are.")
    missed = set_review(attempt).missed_ids
    if not missed:
        raise ServiceError("You missed no question here.")
    try:
        return start_practice(user, PracticeChoice(attempt.exam, [], None, len(missed), "all", item_ids=tuple(missed)), now)
    except ServiceError:
        raise ServiceError(
            "The questions you missed are kept for exam simulations, so they cannot be practised; practise their sections instead."
        ) from None
