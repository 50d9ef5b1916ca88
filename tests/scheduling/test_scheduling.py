from datetime import datetime, timedelta, timezone

import pytest

from study import scheduling as s

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def test_ratings():
    assert s.rating_for(0.0, 5, 144) == s.AGAIN
    assert s.rating_for(1.0, 300, 144) == s.HARD
    assert s.rating_for(1.0, 60, 144) == s.GOOD
    assert s.rating_for(1.0, None, 144) == s.GOOD


def test_a_mostly_right_case_rates_hard_and_a_weaker_one_again():
    """One rule for every entry point: full marks Good (Hard when slow), 80% or more Hard, below Again."""
    assert s.rating_for(0.8, None, 900) == s.HARD
    assert s.rating_for(0.95, 10, 900) == s.HARD  # fast does not make a partial answer Good
    assert s.rating_for(0.79, None, 900) == s.AGAIN
    assert s.rating_for(0.5, 10, 900) == s.AGAIN


def test_wrong_answers_come_back_sooner_than_right_ones():
    again = s.review(None, s.AGAIN, NOW)
    good = s.review(None, s.GOOD, NOW)
    assert NOW < again.due <= good.due
    assert again.due - NOW < timedelta(hours=1)


def test_reviews_chain_and_intervals_grow():
    first = s.review(None, s.GOOD, NOW)
    second = s.review(first.card_json, s.GOOD, first.due)
    third = s.review(second.card_json, s.GOOD, second.due)
    assert (third.due - second.due) >= (second.due - first.due) > timedelta(0)


def test_retrievability_falls_with_time():
    card = s.review(None, s.GOOD, NOW)
    assert s.retrievability(card.card_json, NOW + timedelta(days=1)) > s.retrievability(card.card_json, NOW + timedelta(days=30))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        s.review(None, s.GOOD, datetime(2026, 1, 1))
