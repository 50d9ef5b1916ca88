"""What a learner is shown of their own answers: a practice question once answered, a practice
set's summary, an exam's review. The keys (answer, rationale, why-not notes) appear only where the
attempt's policy releases them (cohorts.keys_shown) and no other running attempt holds the item
(attempts.locked_item_ids)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from study.bank.model import McqItem
from study.extensions import db
from study.grading.answers import as_mcq
from study.models import Attempt, AttemptItem, User
from study.services.assignments import keys_shown
from study.services.attempts import LOCKED_MESSAGE, ShownOption, locked_item_ids, shown_options, to_shown, version_item


@dataclass
class PracticeQuestion:
    item: McqItem
    options: list[ShownOption]
    keys_shown: bool
    recorded: list[str] | None = None  # the learner's choice while the keys wait (shown letters)
    feedback: dict | None = None  # answered and released: right or not, their choice, the key, why not


def practice_question(attempt: Attempt, ai: AttemptItem, now: datetime) -> PracticeQuestion:
    """One practice question as the learner sees it: nothing of the key before it is answered."""
    item = as_mcq(version_item(ai))
    options = shown_options(ai, item)
    question = PracticeQuestion(item, options, keys_shown(attempt, now))
    if ai.response is not None and not question.keys_shown:  # an assignment whose keys wait: the choice, nothing more
        question.recorded = to_shown(ai, item, ai.response.answer["selected"])
    elif ai.response is not None:  # answered: now, and only now, the key and rationale are shown
        question.feedback = {
            "correct": bool(ai.response.correct),
            "selected": to_shown(ai, item, ai.response.answer["selected"]),
            "answer": to_shown(ai, item, list(item.answer)),
            "why_not": {o.letter: item.why_not_map.get(o.original) for o in options},
        }
    return question


def practice_summary(attempt: Attempt) -> list[dict]:
    """A row per question of the set: the item, whether it was answered, whether rightly."""
    return [
        {"ai": ai, "item": version_item(ai), "answered": ai.response is not None, "correct": bool(ai.response and ai.response.correct)}
        for ai in attempt.items
    ]


def exam_review(user: User, attempt: Attempt, now: datetime) -> tuple[list[dict], bool]:
    """A submitted exam's questions with the learner's answers and the keys, and whether the keys
    are shown at all (no rows while they are not). An item this learner's open exam drew again
    keeps its key until that exam ends (the row says why)."""
    shown = keys_shown(attempt, now)
    if not shown:
        return [], False
    locked = set(db.session.scalars(locked_item_ids(user, now, attempt=attempt)))
    review = []
    for ai in attempt.items:
        item = version_item(ai)
        entry: dict[str, Any] = {"ai": ai, "item": item, "locked": ai.item_id in locked}
        if entry["locked"]:
            entry["message"] = LOCKED_MESSAGE[item.type]
        elif isinstance(item, McqItem):
            entry["options"] = shown_options(ai, item)
            entry["answer"] = to_shown(ai, item, list(item.answer))
            entry["selected"] = to_shown(ai, item, ai.response.answer.get("selected", [])) if ai.response else []
        else:
            entry["report"] = ai.response.report if ai.response else None
        review.append(entry)
    return review, True
