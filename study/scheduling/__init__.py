"""Spaced repetition with FSRS (the `fsrs` package): pure, no Flask, no database; time comes in.

One card per (learner, item). A wrong answer rates Again, a right but slow one Hard, a right one
Good (`rating_for`; Easy is never given). A card is JSON so the database can keep it; FSRS's own
review log is not kept: the service writes each review as a `ReviewLog` row (rating, time,
seconds), from which the parameters could be optimised later.
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


def rating_for(correct: bool, seconds: float | None, slow_after_seconds: float) -> int:
    """Wrong -> Again; right but slower than the exam's pace allows -> Hard; right -> Good."""
    if not correct:
        return AGAIN
    if seconds is not None and seconds > slow_after_seconds:
        return HARD
    return GOOD


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
