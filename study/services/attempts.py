"""What practice sets, case attempts and exams share: ownership, serving items, option order,
storing a response exactly once, and feeding the spaced-repetition cards."""
from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from study import scheduling
from study.bank.model import BillingItem, CaseItem, McqItem
from study.extensions import db
from study.grading.answers import as_mcq
from study.kinds import AttemptKind, AttemptStatus, Feedback, ItemStatus, ItemType
from study.models import Assignment, Attempt, AttemptItem, Item, ItemExam, ItemReport, ItemVersion, Response, ReviewCard, ReviewLog, User
from study.services import Conflict, Forbidden, NotFound, ServiceError
from study.services.grading import parsed_version
from study.services.transactions import changed_rows, transaction

LETTERS = "ABCDEF"
# a right answer slower than this is rated Hard (seconds; the CPC pace is 2.4 minutes a question)
DEFAULT_SLOW_AFTER = 144.0
# an exam takes answers until its deadline plus this (answers still in flight on the network)
TOLERANCE = timedelta(seconds=10)


def get_attempt(user: User, attempt_id: int, kind: str | None = None) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or (kind and attempt.kind != kind):
        raise NotFound("No such attempt.")
    if attempt.user_id != user.id:
        raise Forbidden("This attempt belongs to another learner.")
    return attempt


def get_attempt_item(attempt: Attempt, position: int) -> AttemptItem:
    for ai in attempt.items:
        if ai.position == position:
            return ai
    raise NotFound("No such question in this attempt.")


def attempt_item_at(attempt: Attempt, position: int) -> AttemptItem | None:
    """The attempt's item at `position`: from its items when they are loaded already, else by one
    query for that item alone (a save needs one question, not the hundred of an exam)."""
    if "items" not in sa.inspect(attempt).unloaded:
        return next((ai for ai in attempt.items if ai.position == position), None)
    return db.session.scalar(sa.select(AttemptItem).where(AttemptItem.attempt_id == attempt.id, AttemptItem.position == position))


def hold_open(attempt: Attempt, refusal: str, now: datetime | None = None, tolerance: timedelta = TOLERANCE) -> None:
    """Make sure, inside the current transaction, that `attempt` is still open (and, for a timed
    attempt, within its deadline and tolerance at `now`), and keep it open until this transaction
    ends: a no-op conditional UPDATE takes the row's write lock (the database's on SQLite), so a
    concurrent close waits for the caller's answer and grades it, or the caller waits for the
    close and is refused. Call it before writing an answer; raises Conflict(refusal) after rolling
    the transaction back (so the caller reads what the closing transaction committed)."""
    stmt = sa.update(Attempt).where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.OPEN).values(status="open")
    if attempt.deadline_at is not None and now is not None:
        stmt = stmt.where(Attempt.deadline_at >= now - tolerance)
    if changed_rows(stmt.execution_options(synchronize_session=False)) != 1:
        db.session.rollback()
        raise Conflict(refusal)


def close_attempt(attempt: Attempt, when: datetime, status: AttemptStatus = AttemptStatus.SUBMITTED, **values) -> bool:
    """Close an open attempt: `UPDATE attempt SET status='submitted' ... WHERE id=? AND
    status='open'` (or `status` 'abandoned': an exam closed without grading). True for the one
    caller whose update closed it, which must then grade (if submitted) and commit in the same
    transaction; False (nothing changed, transaction rolled back) when it was closed already.
    Afterwards the session reads the answers as committed before the close."""
    db.session.flush()
    stmt = (
        sa.update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.OPEN)
        .values(status=status.value, submitted_at=when, open_key=None, **values)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(stmt) != 1:
        db.session.rollback()
        return False
    db.session.expire_all()
    return True


def locked_item_ids(user: User, now: datetime, *, attempt: Attempt | None = None, assignment_id: int | None = None):
    """SQL: the ids of the items whose keys the learner may not see anywhere else yet: the items of
    their exams still running at `now` (exam assignments included), and the items of their
    assignment attempts whose policy has not released the keys (until the attempt ends, or until
    the due date). Practice, review and case practice neither serve them nor give their keys.
    `attempt` (the attempt being worked on) and `assignment_id` (an assignment being started) are
    not locked against themselves: their own policy governs them."""
    released = sa.or_(
        sa.and_(Assignment.feedback == Feedback.EACH, Attempt.kind == AttemptKind.PRACTICE),
        sa.and_(Attempt.status == AttemptStatus.SUBMITTED, sa.or_(Assignment.feedback != Feedback.DUE, Assignment.due_at < now)),
    )
    running_exam = sa.and_(Attempt.kind == AttemptKind.EXAM, Attempt.status == AttemptStatus.OPEN, Attempt.deadline_at >= now - TOLERANCE)
    stmt = (
        sa.select(AttemptItem.item_id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .outerjoin(Assignment, Assignment.id == Attempt.assignment_id)
        .where(Attempt.user_id == user.id, sa.or_(running_exam, sa.and_(Attempt.assignment_id.is_not(None), sa.not_(released))))
    )
    if attempt is not None:
        stmt = stmt.where(Attempt.id != attempt.id)
        assignment_id = assignment_id or attempt.assignment_id
    if assignment_id is not None:
        stmt = stmt.where(sa.or_(Attempt.assignment_id.is_(None), Attempt.assignment_id != assignment_id))
    return stmt


def is_locked(user: User, item_id: int, now: datetime, *, attempt: Attempt | None = None, assignment_id: int | None = None) -> bool:
    locked = locked_item_ids(user, now, attempt=attempt, assignment_id=assignment_id)
    return db.session.scalar(sa.select(sa.literal(True)).where(Item.id == item_id, Item.id.in_(locked))) or False


LOCKED_MESSAGE = {
    "mcq": "This question is part of an exam or assignment whose answers are not released yet: it and its answer come "
    "back here once that exam is submitted or the assignment's answers are released.",
    "case": "This case is part of an exam or assignment whose answers are not released yet: you can practise it and see "
    "its key once that exam is submitted or the assignment's answers are released.",
}


def refuse_locked(
    user: User, item_id: int, now: datetime, kind: str = "mcq", *, attempt: Attempt | None = None, assignment_id: int | None = None
) -> None:
    """Conflict (409) when the item's key is held by another of the learner's attempts (see locked_item_ids)."""
    if is_locked(user, item_id, now, attempt=attempt, assignment_id=assignment_id):
        raise Conflict(LOCKED_MESSAGE[kind])


def version_item(attempt_item: AttemptItem) -> McqItem | CaseItem | BillingItem:
    """The item exactly as this attempt served it (its version, not today's)."""
    version = attempt_item.version
    if version is None:
        raise ServiceError(f"Stored item version {attempt_item.item_version_id} is missing.")
    return parsed_version(version)


def version_items(attempt_items: Iterable[AttemptItem]) -> dict[int, McqItem | CaseItem | BillingItem]:
    """``version_item`` of many attempt items, by attempt item id: the versions not read yet are
    read in one query (a page listing every question of an attempt reads them all at once)."""
    attempt_items = list(attempt_items)
    unread = [ai for ai in attempt_items if "version" in sa.inspect(ai).unloaded]
    wanted = {ai.item_version_id for ai in unread}
    versions = {v.id: v for v in db.session.scalars(sa.select(ItemVersion).where(ItemVersion.id.in_(wanted)))} if wanted else {}
    for ai in unread:
        set_committed_value(ai, "version", versions.get(ai.item_version_id))
    return {ai.id: version_item(ai) for ai in attempt_items}


def shuffled_order(item: McqItem, seed: str) -> str:
    letters = [o.letter for o in item.options]
    random.Random(seed).shuffle(letters)
    return "".join(letters)


@dataclass(frozen=True)
class ShownOption:
    letter: str  # what the learner sees (A, B, ...)
    original: str  # the letter in the bank file
    text: str


def shown_options(attempt_item: AttemptItem, item: McqItem) -> list[ShownOption]:
    order = attempt_item.option_order or "".join(o.letter for o in item.options)
    texts = {o.letter: o.text for o in item.options}
    return [ShownOption(LETTERS[i], original, texts[original]) for i, original in enumerate(order)]


def to_original(attempt_item: AttemptItem, item: McqItem, shown: list[str]) -> list[str]:
    """Map the letters the learner picked (as shown) to the bank's letters; unknown letters are refused."""
    options = {o.letter: o.original for o in shown_options(attempt_item, item)}
    picked = sorted({s.strip().upper() for s in shown if s and s.strip()})
    if not picked or any(p not in options for p in picked):
        raise ServiceError("Choose one of the options.")
    if not item.multiple and len(picked) != 1:
        raise ServiceError("Choose exactly one option.")
    return sorted(options[p] for p in picked)


def to_shown(attempt_item: AttemptItem, item: McqItem, original: list[str]) -> list[str]:
    mapping = {o.original: o.letter for o in shown_options(attempt_item, item)}
    return sorted(mapping[o] for o in original if o in mapping)


def add_items(attempt: Attempt, items: list[tuple[Item, str | None]], user: User) -> None:
    """Serve `items` (with their section keys) in this order, options shuffled for this learner.
    The served versions are read in one query (not one per item: a 100-question exam start read
    100 of them one at a time)."""
    wanted = [item.current_version_id for item, _ in items if item.type == ItemType.MCQ and item.current_version_id is not None]
    versions = {v.id: v for v in db.session.scalars(sa.select(ItemVersion).where(ItemVersion.id.in_(wanted)))} if wanted else {}
    for position, (item, section_key) in enumerate(items, start=1):
        ai = AttemptItem(
            position=position,
            item_id=item.id,
            item_version_id=item.current_version_id,
            section_key=section_key,
        )
        version = versions.get(item.current_version_id or 0) if item.type == ItemType.MCQ else None
        if version is not None:
            parsed = as_mcq(parsed_version(version))
            ai.option_order = shuffled_order(parsed, f"{user.id}:{attempt.id}:{item.id}")
        attempt.items.append(ai)


def insert_attempt(attempt: Attempt) -> Attempt:
    """Add a new attempt (flushed, not committed). An attempt with an `open_key` (what may be open
    only once per learner, e.g. one assignment) that an open attempt of the learner already holds,
    because a simultaneous start won, is not added: the transaction is rolled back (nothing was
    written before it) and the open attempt is returned instead. A key left on an attempt that has
    closed since is released and the insert retried."""
    user_id, open_key = attempt.user_id, attempt.open_key
    for _ in range(2):
        db.session.add(attempt)
        try:
            db.session.flush()
            return attempt
        except IntegrityError:
            if open_key is None:
                raise
            db.session.rollback()
        holder = db.session.scalar(sa.select(Attempt).where(Attempt.user_id == user_id, Attempt.open_key == open_key))
        if holder is not None and holder.is_open:
            return holder
        if holder is not None:
            holder.open_key = None
            db.session.flush()
    raise ServiceError("Could not start the attempt: please try again.")


def store_response(attempt_item: AttemptItem, user: User, answer: dict, **fields) -> tuple[Response, bool]:
    """Insert the one response of an attempt item; (response, created). A repeated or concurrent
    request finds the row already there and gets it back instead of a second one. Either way
    `attempt_item.response` is that row afterwards (it may have been read, empty, before)."""
    existing = db.session.scalar(sa.select(Response).where(Response.attempt_item_id == attempt_item.id))
    if existing is not None:
        set_committed_value(attempt_item, "response", existing)
        return existing, False
    response = Response(
        attempt_item_id=attempt_item.id, user_id=user.id, item_id=attempt_item.item_id, answer_json=json.dumps(answer), **fields
    )
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        existing = db.session.scalar(sa.select(Response).where(Response.attempt_item_id == attempt_item.id))
        if existing is None:
            raise
        set_committed_value(attempt_item, "response", existing)
        return existing, False
    set_committed_value(attempt_item, "response", response)
    return response, True


def schedule_review(user_id: int, item_id: int, score: float, seconds: float | None, now: datetime, slow_after: float) -> None:
    """Feed the learner's FSRS card for this item with the answer's score (0..1), rated by the one
    rule of ``scheduling.rating_for`` (full marks Good or Hard when slow, 80% Hard, below Again)."""
    rating = scheduling.rating_for(score, seconds, slow_after)
    card = db.session.get(ReviewCard, (user_id, item_id))
    reviewed = scheduling.review(card.card_json if card else None, rating, now, seconds)
    if card is None:
        card = ReviewCard(user_id=user_id, item_id=item_id)
        db.session.add(card)
    card.card_json, card.due_at, card.stability, card.last_review_at = reviewed.card_json, reviewed.due, reviewed.stability, now
    db.session.add(ReviewLog(user_id=user_id, item_id=item_id, rating=rating, reviewed_at=now, seconds=seconds))


# where an item may be served: practice, review, case practice and practice/case assignments see
# only the open pool; exams also draw the items reserved for them; the careers diagnostic draws
# only its own reserved set
POOLS = {"open": (), "exam": ("exam",), "diagnostic": ("diagnostic",)}


def in_pool(pool: str = "open"):
    """SQL condition: the item may be served in `pool` (see POOLS)."""
    reserved = POOLS[pool]
    if pool == "diagnostic":
        return Item.reserved.in_(reserved)
    return sa.or_(Item.reserved.is_(None), Item.reserved.in_(reserved)) if reserved else Item.reserved.is_(None)


def published_items(
    kind: str, exam: str | None = None, topics: list[str] | None = None, difficulty: str | list[str] | None = None, pool: str = "open"
):
    """SQL: the published items of `kind` in `pool`, of `exam`, `topics` and `difficulty` (one, or
    a list of several) when given, by key."""
    stmt = sa.select(Item).where(
        Item.type == kind, Item.status == ItemStatus.PUBLISHED, Item.current_version_id.is_not(None), in_pool(pool)
    )
    if exam:
        stmt = stmt.where(Item.exam_links.any(ItemExam.exam == exam))
    if topics:
        stmt = stmt.where(Item.topic.in_(topics))
    if difficulty:
        stmt = stmt.where(Item.difficulty.in_([difficulty] if isinstance(difficulty, str) else difficulty))
    return stmt.order_by(Item.key)


def answered_since(user: User, since: datetime):
    """SQL: the ids of the items `user` answered at or after `since` (anywhere: practice, cases,
    exams, assignments)."""
    return sa.select(Response.item_id).where(Response.user_id == user.id, Response.answered_at >= since)


REPORT_KINDS = {
    "wrong-key": "The answer key is wrong",
    "typo": "Typo or formatting",
    "unclear": "The question is unclear",
    "other": "Something else",
}


def reportable_item(user: User, item_key: str) -> Item:
    """The item `user` may report: a published one, or one they were served (retired since, say).
    Drafts and retired items they never saw are 404, as if they did not exist."""
    item = db.session.scalar(sa.select(Item).where(Item.key == item_key))
    if item is None:
        raise NotFound("No such item.")
    if item.status != ItemStatus.PUBLISHED:
        served = sa.select(AttemptItem.id).join(Attempt).where(AttemptItem.item_id == item.id, Attempt.user_id == user.id)
        if db.session.scalar(served.limit(1)) is None:
            raise NotFound("No such item.")
    return item


@transaction()
def report_problem(user: User, item_key: str, kind: str, comment: str, attempt_item_id: int | None = None) -> ItemReport:
    item = reportable_item(user, item_key)
    if kind not in REPORT_KINDS:
        raise ServiceError("Choose what kind of problem it is.")
    version_id = item.current_version_id
    if attempt_item_id is not None:
        ai = db.session.get(AttemptItem, attempt_item_id)
        if ai is None or ai.attempt.user_id != user.id or ai.item_id != item.id:
            raise Forbidden("That answer is not yours.")
        version_id = ai.item_version_id
    elif item.reserved is not None:
        # an item of a reserved pool is reportable only from an answer of the learner's own
        raise NotFound("No such item.")
    report = ItemReport(
        user_id=user.id,
        item_id=item.id,
        item_version_id=version_id,
        attempt_item_id=attempt_item_id,
        kind=kind,
        comment=comment.strip()[:2000],
    )
    db.session.add(report)
    return report


__all__ = ["Conflict"]
