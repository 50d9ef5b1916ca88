"""What a learner is shown of their own answers: a practice question (or a due case served in a
practice set) once answered, a practice set's summary, a case attempt, an exam's review. The keys
(answer, rationale, why-not notes) appear only where the attempt's policy releases them
(cohorts.keys_shown) and no other running attempt holds the item (attempts.locked_item_ids).

After an instructor's regrade (services/regrades.py) every one of these pages tells one story:
the key shown is the key of the version the answer was regraded against (``RegradeNote.item``),
next to the learner's answer and the verdict now stored, with a note saying the item was
regraded (the old key, the new key, the date, the mode and the instructor's reason). An answer
counts as regraded by a regrade log when it had been graded before the log was written and was
served another version than the one the log graded against; the latest such log wins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from study.bank.model import BillingItem, CaseItem, McqItem
from study.extensions import db
from study.grading.answers import as_case
from study.models import Attempt, AttemptItem, ItemVersion, RegradeLog, User
from study.services.assignments import keys_shown
from study.services.attempts import (
    LETTERS,
    LOCKED_MESSAGE,
    ShownOption,
    locked_item_ids,
    shown_options,
    to_shown,
    version_item,
    version_items,
)
from study.services.grading import parsed_version

REGRADE_MODES = {"new-key": "graded against the new key", "best-of": "the better of the old and the new key kept"}


@dataclass(frozen=True)
class RegradeNote:
    """An answer was regraded: `item` is the version it was regraded against (its key is the one
    to show); the keys are as the learner reads them (shown letters and option texts, or codes)."""

    item: McqItem | CaseItem | BillingItem
    old_version: int
    new_version: int
    when: datetime
    mode: str
    reason: str
    old_key: str
    new_key: str


def _graded_at(ai: AttemptItem) -> datetime | None:
    """When the answer got its first grade: a practice answer when given (a deferred set and an
    exam when submitted), a case attempt when submitted."""
    response, attempt = ai.response, ai.attempt
    if response is None or response.score is None:
        return None
    if attempt.kind == "exam" or attempt.config.get("defer_feedback"):
        return attempt.submitted_at
    return response.answered_at


def regrade_notes(items: Iterable[AttemptItem]) -> dict[int, RegradeNote]:
    """The regrade note of each regraded answer among `items`, by attempt item id (two queries,
    whatever the number of items)."""
    items = [ai for ai in items if ai.response is not None]
    if not items:
        return {}
    logs = db.session.scalars(
        sa.select(RegradeLog).where(RegradeLog.item_id.in_({ai.item_id for ai in items})).order_by(RegradeLog.created_at, RegradeLog.id)
    ).all()
    if not logs:
        return {}
    version_ids = {log.to_version_id for log in logs} | {ai.item_version_id for ai in items}
    versions = {v.id: v for v in db.session.scalars(sa.select(ItemVersion).where(ItemVersion.id.in_(version_ids)))}
    notes: dict[int, RegradeNote] = {}
    for ai in items:
        graded_at = _graded_at(ai)
        if graded_at is None:
            continue
        applying = [
            log for log in logs if log.item_id == ai.item_id and log.to_version_id != ai.item_version_id and graded_at <= log.created_at
        ]
        if not applying:
            continue
        log, old = applying[-1], versions[ai.item_version_id]
        new = versions[log.to_version_id]
        old_item, new_item = parsed_version(old), parsed_version(new)
        notes[ai.id] = RegradeNote(
            new_item,
            old.number,
            new.number,
            log.created_at,
            REGRADE_MODES.get(log.mode, log.mode),
            log.reason or "",
            key_text(ai, old_item),
            key_text(ai, new_item),
        )
    return notes


def key_text(ai: AttemptItem, item: McqItem | CaseItem | BillingItem) -> str:
    """A key as the learner reads it: "A. I10" (letters as this attempt showed them), the codes, or
    (a billing exercise) the version's content fingerprint: its key is a whole form."""
    if isinstance(item, BillingItem):
        return f"the exercise's key (version fingerprint {item.content_hash[:8]})"
    if isinstance(item, McqItem):
        options = {o.original: o for o in options_for(ai, item)}
        return "; ".join(f"{options[a].letter}. {options[a].text}" for a in sorted(item.answer, key=lambda a: options[a].letter))
    return case_key_text(item)


def case_key_text(item: CaseItem) -> str:
    """A case's key as one line: the required codes, "diagnoses | procedures | PCS"."""
    key = item.key
    parts = [", ".join(line.code for line in key.diagnoses if not line.optional)]
    parts.append(
        ", ".join(
            line.code + "".join(f"-{m}" for m in line.modifiers) + (f" x{line.units}" if line.units != 1 else "")
            for line in key.procedures
            if not line.optional
        )
    )
    parts.append(", ".join(line.code for line in key.pcs if not line.optional))
    return " | ".join(p for p in parts if p) or "(no codes)"


def options_for(ai: AttemptItem, item: McqItem) -> list[ShownOption]:
    """The options in the order this attempt showed them; for another version with other letters
    (a regraded item whose options changed), in the bank's order."""
    if sorted(ai.option_order or "") == sorted(o.letter for o in item.options):
        return shown_options(ai, item)
    return [ShownOption(LETTERS[i], o.letter, o.text) for i, o in enumerate(item.options)]


def _shown(ai: AttemptItem, item: McqItem, original: list[str]) -> list[str]:
    mapping = {o.original: o.letter for o in options_for(ai, item)}
    return sorted(mapping[o] for o in original if o in mapping)


@dataclass
class PracticeQuestion:
    item: McqItem | CaseItem | BillingItem  # the key's version: the one served, or the one a regrade graded against
    options: list[ShownOption]
    keys_shown: bool
    recorded: list[str] | None = None  # the learner's choice while the keys wait (shown letters)
    feedback: dict | None = None  # answered and released: right or not, their choice, the key, why not
    regrade: RegradeNote | None = None
    answer: dict | None = None  # a case: the code rows as stored

    @property
    def is_case(self) -> bool:
        return isinstance(self.item, CaseItem)

    @property
    def is_billing(self) -> bool:
        return isinstance(self.item, BillingItem)


def practice_question(attempt: Attempt, ai: AttemptItem, now: datetime) -> PracticeQuestion:
    """One practice question (or due case) as the learner sees it: nothing of the key before it is answered."""
    served = version_item(ai)
    regrade = regrade_notes([ai]).get(ai.id) if keys_shown(attempt, now) else None
    item = regrade.item if regrade else served
    response = ai.response
    if isinstance(item, CaseItem | BillingItem):
        question = PracticeQuestion(item, [], keys_shown(attempt, now), regrade=regrade)
        if response is not None:
            question.answer = response.answer
            if question.keys_shown:
                question.feedback = {"correct": bool(response.correct), "report": response.report}
            else:
                question.recorded = []
        return question
    options = options_for(ai, item)
    question = PracticeQuestion(item, options, keys_shown(attempt, now), regrade=regrade)
    if response is not None and not question.keys_shown:  # an assignment whose keys wait: the choice, nothing more
        question.recorded = to_shown(ai, item, response.answer["selected"])
    elif response is not None:  # answered: now, and only now, the key and rationale are shown
        question.feedback = {
            "correct": bool(response.correct),
            "selected": _shown(ai, item, response.answer["selected"]),
            "answer": _shown(ai, item, list(item.answer)),
            "why_not": {o.letter: item.why_not_map.get(o.original) for o in options},
        }
    return question


def practice_summary(attempt: Attempt) -> list[dict]:
    """A row per question of the set: the item, whether it was answered, whether rightly (full
    marks), its score (a case's percent) and whether it was regraded."""
    notes = regrade_notes(attempt.items)
    served = version_items(attempt.items)
    return [
        {
            "ai": ai,
            "item": served[ai.id],
            "answered": ai.response is not None,
            "correct": bool(ai.response and ai.response.correct),
            "score": ai.response.score if ai.response is not None else None,
            "regraded": ai.id in notes,
        }
        for ai in attempt.items
    ]


@dataclass(frozen=True)
class CaseReview:
    """A case attempt's answer against its key: `case` is the version whose key to show."""

    case: CaseItem
    regrade: RegradeNote | None


def case_review(attempt: Attempt, ai: AttemptItem, now: datetime) -> CaseReview:
    regrade = regrade_notes([ai]).get(ai.id) if keys_shown(attempt, now) else None
    return CaseReview(as_case(regrade.item if regrade else version_item(ai)), regrade)


def exam_review(user: User, attempt: Attempt, now: datetime) -> tuple[list[dict], bool]:
    """A submitted exam's questions with the learner's answers and the keys, and whether the keys
    are shown at all (no rows while they are not: never while the exam is open). An item this
    learner's open exam drew again keeps its key until that exam ends (the row says why). A
    regraded answer shows the new key."""
    if not keys_shown(attempt, now):
        return [], False
    locked = set(db.session.scalars(locked_item_ids(user, now, attempt=attempt)))
    notes = regrade_notes(attempt.items)
    served = version_items(attempt.items)
    review = []
    for ai in attempt.items:
        note = notes.get(ai.id)
        item = note.item if note else served[ai.id]
        entry: dict[str, Any] = {"ai": ai, "item": item, "locked": ai.item_id in locked, "regrade": None}
        if entry["locked"]:
            entry["message"] = LOCKED_MESSAGE[item.type]
            review.append(entry)
            continue
        entry["regrade"] = note
        entry["correct"] = bool(ai.response and ai.response.correct)
        if isinstance(item, McqItem):
            entry["options"] = options_for(ai, item)
            entry["answer"] = _shown(ai, item, list(item.answer))
            entry["selected"] = _shown(ai, item, ai.response.answer.get("selected", [])) if ai.response else []
        else:
            entry["report"] = ai.response.report if ai.response else None
        review.append(entry)
    return review, True


REVIEW_FILTERS = {"missed": "Missed", "flagged": "Flagged", "all": "All"}


def _missed(entry: dict) -> bool:
    return not entry["locked"] and not entry.get("correct")


def filter_review(review: list[dict], show: str) -> list[dict]:
    """The rows one review filter shows (missed: not fully right, unanswered included), plus any
    question held back (its notice says why its key waits, whatever the filter)."""
    if show == "missed":
        return [e for e in review if _missed(e) or e["locked"]]
    if show == "flagged":
        return [e for e in review if e["ai"].flagged or e["locked"]]
    return review


def review_counts(review: list[dict]) -> dict[str, int]:
    """How many rows each filter's page serves: its list's length, so a count is never contradicted."""
    return {show: len(filter_review(review, show)) for show in REVIEW_FILTERS}


def attempt_review(user: User, attempt: Attempt, now: datetime) -> tuple[list[dict], bool]:
    """Any attempt of `user` as their own review pages show it now, as exam_review's rows (for a
    read-only view by the cohort's instructor: never more than the learner is shown). An exam:
    exam_review. A practice set or case attempt: only the answered questions (a learner never sees
    the key of one they did not answer), each once the attempt's policy releases the keys and no
    other running attempt of theirs holds the item."""
    review, shown = exam_review(user, attempt, now)
    if attempt.kind != "exam":
        review = [row for row in review if row["ai"].response is not None]
    return review, shown
