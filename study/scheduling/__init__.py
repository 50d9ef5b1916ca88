"""Spaced repetition with FSRS (the `fsrs` package): pure, no Flask, no database; time comes in.

One card per (learner, item), rated from the answer's score (``rating_for``, the one rule every
practice set, case attempt and exam uses; Easy is never given). A card is JSON so the database can
keep it; FSRS's own review log is not kept: the service writes each review as a ``ReviewLog`` row
(rating, time, seconds), from which the parameters could be optimised later.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


@dataclass(frozen=True)
class Reviewed:
    card_json: str
    due: datetime
    stability: float | None
    rating: int


@lru_cache(maxsize=1)
def _scheduler():
    from fsrs import Scheduler

    return Scheduler()


#: a case answer scoring at least this (0..1) but below full marks was recalled with difficulty
MOSTLY_RIGHT = 0.8


def rating_for(score: float, seconds: float | None, slow_after_seconds: float) -> int:
    """The FSRS rating of one answer from its score (0..1; an MCQ scores 0 or 1, a case its
    ``score_pct / 100``): full marks -> Good, or Hard when slower than `slow_after_seconds`; at
    least ``MOSTLY_RIGHT`` (a case with a detail wrong, say a modifier or the sequencing) -> Hard,
    since the learner knew most of it but not all; below -> Again. The same rule in practice, in
    case attempts and in exams: where an answer was given never changes how well it was known."""
    if score >= 1:
        return HARD if seconds is not None and seconds > slow_after_seconds else GOOD
    if score >= MOSTLY_RIGHT:
        return HARD
    return AGAIN


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("FSRS needs timezone-aware UTC datetimes")
    return now


def review(card_json: str | None, rating: int, now: datetime, seconds: float | None = None) -> Reviewed:
    """Apply one review to a card (a new card when `card_json` is None)."""
    from fsrs import Card, Rating

    now = _aware(now)
    card = Card.from_dict(json.loads(card_json)) if card_json else Card(card_id=1, due=now)
    duration = int(seconds * 1000) if seconds is not None else None
    card, _log = _scheduler().review_card(card, Rating(rating), review_datetime=now, review_duration=duration)
    return Reviewed(json.dumps(card.to_dict()), card.due, card.stability, rating)


def retrievability(card_json: str, now: datetime) -> float:
    """Probability of recall now (0..1): "review due" serves the least retained first."""
    from fsrs import Card

    return float(_scheduler().get_card_retrievability(Card.from_dict(json.loads(card_json)), _aware(now)))
