"""Item analysis at its edges: the input forms (None or NaN for not served, marks as text), the
smallest matrices that define each figure, the bands of the flags, indices clamped to -100..100
when rounding pushes them past it, CIC at exactly 100 and a hair above it, and the plain-loop
baseline compared item by item (tests/test_analysis.py has the hand-computed matrix)."""

import math

import numpy as np
import pytest

from study.analysis import ItemStats, QuizStats, flags_for, item_statistics, item_statistics_loop, quiz_statistics

NAN = float("nan")


def test_a_matrix_must_have_two_dimensions():
    for bad in ([1, 0, 1], [[[1]]]):
        with pytest.raises(ValueError) as caught:
            item_statistics(bad)
        assert str(caught.value) == "scores must be a 2-D matrix: attempts x items"
        with pytest.raises(ValueError):
            quiz_statistics(bad)


def test_none_means_not_served_and_marks_may_be_text():
    with_nan = item_statistics([[1.0, NAN], [0.0, 1.0], [1.0, 0.0]])
    assert item_statistics([[1, None], [0, 1], [1, 0]]) == with_nan
    assert item_statistics([["1", "nan"], ["0", "1"], ["1", "0"]]) == with_nan
    assert [s.attempts for s in with_nan] == [3, 2]
    assert quiz_statistics([[1, None], [0, 1], [1, 0]]) == quiz_statistics([[0, 1], [1, 0]])


def test_max_marks_as_text_or_as_a_column():
    scores = [[2, 1], [1, 0], [0, 1]]
    plain = item_statistics(scores, max_marks=[2, 1])
    assert item_statistics(scores, max_marks=["2", "1"]) == plain
    assert item_statistics(scores, max_marks=[[2], [1]]) == plain
    assert [s.facility for s in plain] == [0.5, pytest.approx(2 / 3)]
    assert quiz_statistics(scores, max_marks=["2", "1"]) == quiz_statistics(scores, max_marks=[2, 1])
    assert quiz_statistics(scores, max_marks=[[2], [1]]).mean_percent == pytest.approx(100 * 5 / 3 / 3)


def test_two_attempts_define_every_item_figure():
    first, second = item_statistics([[1, 0], [0, 1]])
    assert first == second == ItemStats(2, 0.5, pytest.approx(math.sqrt(0.5)), -100.0, -100.0, ("negative-discrimination",))
    (one,) = item_statistics([[1], [0]][:1])
    assert one == ItemStats(1, 1.0, None, None, None, ("too-easy",))


def test_an_item_everyone_scored_alike_has_no_discrimination():
    _, same, _ = item_statistics([[1, 0.7, 0.7], [0.5, 0.7, 0.3]])
    assert same == ItemStats(2, 0.7, 0.0, None, None, ())
    (alone,) = item_statistics([[1], [0], [1]])  # the rest of the test is empty: Var r = 0
    assert alone.discrimination is None and alone.efficiency is None and alone.sd == pytest.approx(math.sqrt(1 / 3))


@pytest.mark.parametrize(
    "scores, column, discrimination, efficiency",
    [
        ([[1, 0.7, 0.7], [0.5, 0.7, 0.3]], 0, 100.0, 100.0),  # 100.00000000000004 before the clamp
        ([[1, 0], [0.3, 0.3], [0.3, 0.3]], 0, -100.0, -100.0),  # -100.00000000000013 and -200 before it
        ([[0.7, 0.3, 0.7], [0.5, 0.7, 0.3], [0.5, 0.7, 0]], 0, pytest.approx(50.0), 100.0),  # E: 100.0000000000011
        ([[0.7, 0.3, 0.7], [0.5, 0.7, 0.3], [0.5, 0.7, 0]], 1, pytest.approx(-94.4911182523068), -100.0),  # E: -125
    ],
)
def test_indices_are_clamped_to_plus_minus_100(scores, column, discrimination, efficiency):
    stats = item_statistics(scores)[column]
    assert stats.discrimination == discrimination and stats.efficiency == efficiency


@pytest.mark.parametrize(
    "facility, discrimination, flags",
    [
        (0.5, -0.001, ("negative-discrimination",)),
        (0.5, 0.0, ("low-discrimination",)),
        (0.5, 0.5, ("low-discrimination",)),
        (0.5, 19.99, ("low-discrimination",)),
        (0.5, 20.0, ()),
        (0.0999, 50.0, ("too-hard",)),
        (0.1, 50.0, ()),
        (0.9, 50.0, ()),
        (0.9001, 50.0, ("too-easy",)),
        (0.05, -5.0, ("negative-discrimination", "too-hard")),
        (None, 10.0, ("low-discrimination",)),
        (0.95, None, ("too-easy",)),
    ],
)
def test_flag_bands(facility, discrimination, flags):
    assert flags_for(facility, discrimination) == flags


def test_quiz_statistics_of_the_smallest_matrices():
    assert quiz_statistics(np.empty((0, 3))) == QuizStats(0, 3, None, None, None, None, None)
    assert quiz_statistics(np.empty((3, 0))) == QuizStats(3, 0, None, None, None, None, None)
    assert quiz_statistics([[0, 0], [0, 0]], max_marks=[0, 0]) == QuizStats(2, 2, None, None, None, None, None)
    assert quiz_statistics([[1, 0]]) == QuizStats(1, 2, 50.0, None, None, None, None)
    assert quiz_statistics([[1, 0], [1, 0]]) == QuizStats(2, 2, 50.0, 0.0, None, None, None)  # no variance
    one_item = quiz_statistics([[1], [0], [1]])
    assert one_item == QuizStats(3, 1, pytest.approx(200 / 3), pytest.approx(100 / math.sqrt(3)), None, None, None)


def test_two_items_are_enough_for_cic():
    q = quiz_statistics([[1, 0], [0, 1], [1, 1]])
    assert (q.attempts, q.items) == (3, 2)
    assert q.cic == pytest.approx(-200.0) and q.error_ratio == pytest.approx(100 * math.sqrt(3))
    assert q.standard_error == pytest.approx(q.error_ratio * q.sd_percent / 100) == pytest.approx(50.0)


def test_a_small_maximum_total_is_still_a_maximum():
    q = quiz_statistics([[0.25, 0], [0, 0.25], [0.25, 0.25]], max_marks=[0.25, 0.25])
    assert q.mean_percent == pytest.approx(200 / 3) and q.sd_percent == pytest.approx(100 / math.sqrt(12))


def test_cic_at_exactly_100_and_a_hair_above():
    exact = quiz_statistics([[1, 1], [0, 0], [1, 1]])
    assert exact.cic == 100.0 and exact.error_ratio == 0.0 and exact.standard_error == 0.0
    dust = quiz_statistics([[1, 1, 1], [0, 0, 0], [1, 1, 1], [0, 0, 0]])
    assert dust.cic == pytest.approx(100.0) and dust.cic > 100  # rounding: 100.00000000000001
    assert dust.error_ratio is None and dust.standard_error is None


def test_the_plain_loop_baseline_item_by_item():
    assert item_statistics_loop([]) == []
    assert item_statistics_loop([[1, 0.5, None]]) == [(1.0, None, None, None), (0.5, None, None, None), (None, None, None, None)]
    assert item_statistics_loop([[1, None], [0, None]]) == [(0.5, pytest.approx(math.sqrt(0.5)), None, None), (None, None, None, None)]
    assert item_statistics_loop([[1, 0], [0, 1]]) == [(0.5, pytest.approx(math.sqrt(0.5)), -100.0, -100.0)] * 2
    rows = [[0.7, 0.3, 0.7], [0.5, 0.7, 0.3], [0.5, 0.7, 0]]
    loop = item_statistics_loop(rows)
    assert len(loop) == 3
    for fast, (facility, sd, disc, eff) in zip(item_statistics(rows), loop, strict=False):
        assert (fast.facility, fast.sd, fast.discrimination) == (pytest.approx(facility), pytest.approx(sd), pytest.approx(disc))
        assert fast.efficiency == max(-100.0, min(100.0, eff))  # the loop does not clamp
    assert [round(e, 6) for *_, e in loop] == [100.0, -125.0, -110.0]
