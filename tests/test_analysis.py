"""Moodle's quiz statistics (study.analysis) against values computed by hand on small matrices.

Notation: x = mark on one item, T = the attempt's total, r = T - x, s = attempts; variances and
covariances divide by s - 1."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from study.analysis import (
    FLAG_LABELS,
    flags_for,
    item_statistics,
    item_statistics_loop,
    quiz_statistics,
)

NAN = float("nan")

# five attempts x four items, marks 0/1; totals T = 4, 3, 2, 2, 1
FIVE_BY_FOUR = [
    [1, 1, 1, 1],
    [1, 1, 1, 0],
    [1, 1, 0, 0],
    [1, 0, 0, 1],
    [0, 0, 0, 1],
]


def test_item_one_by_hand():
    # item 1: x = 1 1 1 1 0, r = T - x = 3 2 1 1 1, s = 5
    # mean x = 0.8 -> facility 0.8; Var x = (4 * 0.2^2 + 0.8^2) / 4 = 0.8 / 4 = 0.2; SD = sqrt 0.2
    # mean r = 1.6; r - 1.6 = 1.4 .4 -.6 -.6 -.6; Var r = (1.96 + .16 + 3 * .36) / 4 = 3.2 / 4 = 0.8
    # Cov = (.2*1.4 + .2*.4 + .2*-.6 + .2*-.6 + -.8*-.6) / 4 = (.28 + .08 - .12 - .12 + .48) / 4 = 0.15
    # D = 100 * .15 / sqrt(.2 * .8) = 100 * .15 / .4 = 37.5
    # sorted x = 0 1 1 1 1 with sorted r = 1 1 1 2 3: the same pairing -> Cov_max = 0.15, E = 100
    stats = item_statistics(FIVE_BY_FOUR)[0]
    assert stats.attempts == 5
    assert stats.facility == pytest.approx(0.8)
    assert stats.sd == pytest.approx(math.sqrt(0.2))
    assert stats.discrimination == pytest.approx(37.5)
    assert stats.efficiency == pytest.approx(100.0)
    assert stats.flags == ()


def test_items_two_and_three_by_hand():
    # item 2: x = 1 1 1 0 0, r = 3 2 1 2 1; mean x .6, Var x = (3*.16 + 2*.36)/4 = 0.3
    # mean r 1.8; r - 1.8 = 1.2 .2 -.8 .2 -.8; Var r = (1.44+.04+.64+.04+.64)/4 = 0.7
    # Cov = (.4*1.2 + .4*.2 + .4*-.8 + -.6*.2 + -.6*-.8)/4 = (.48+.08-.32-.12+.48)/4 = 0.15
    # D = 15 / sqrt(.3 * .7) = 15 / sqrt(.21) = 32.7327
    # sorted x 0 0 1 1 1 with sorted r 1 1 2 2 3: (.48+.48+.08+.08+.48)/4 = 0.4 -> E = 15/.4 = 37.5
    two = item_statistics(FIVE_BY_FOUR)[1]
    assert two.facility == pytest.approx(0.6)
    assert two.discrimination == pytest.approx(15 / math.sqrt(0.21))
    assert two.discrimination == pytest.approx(32.7327, abs=1e-4)
    assert two.efficiency == pytest.approx(37.5)
    # item 3: x = 1 1 0 0 0, r = 3 2 2 2 1; mean x .4, Var x .3; mean r 2, Var r = (1+0+0+0+1)/4 = .5
    # Cov = (.6*1 + .6*0 - .4*0 - .4*0 - .4*-1)/4 = 0.25; D = 25 / sqrt(.15) = 64.5497
    # sorted pairing is the same as the data's -> E = 100
    three = item_statistics(FIVE_BY_FOUR)[2]
    assert three.facility == pytest.approx(0.4)
    assert three.discrimination == pytest.approx(64.5497, abs=1e-4)
    assert three.efficiency == pytest.approx(100.0)


def test_negative_discrimination_is_computed_and_flagged():
    # item 4: x = 1 0 0 1 1, r = 3 3 2 1 0; mean x .6, Var x .3; mean r 1.8
    # r - 1.8 = 1.2 1.2 .2 -.8 -1.8; Var r = (1.44+1.44+.04+.64+3.24)/4 = 6.8/4 = 1.7
    # Cov = (.4*1.2 - .6*1.2 - .6*.2 + .4*-.8 + .4*-1.8)/4 = (.48-.72-.12-.32-.72)/4 = -0.35
    # D = -35 / sqrt(.3 * 1.7) = -35 / sqrt(.51) = -49.0098
    # sorted x 0 0 1 1 1 (x-.6: -.6 -.6 .4 .4 .4) with sorted r 0 1 2 3 3 (r-1.8: -1.8 -.8 .2 1.2 1.2)
    # Cov_max = (1.08+.48+.08+.48+.48)/4 = 0.65 -> E = -35/.65 = -53.8462
    four = item_statistics(FIVE_BY_FOUR)[3]
    assert four.discrimination == pytest.approx(-49.0098, abs=1e-4)
    assert four.efficiency == pytest.approx(-53.8462, abs=1e-4)
    assert four.flags == ("negative-discrimination",)


def test_quiz_statistics_by_hand():
    # Var of the items: .2 .3 .3 .3 -> sum 1.1; T = 4 3 2 2 1, mean 2.4
    # T - 2.4 = 1.6 .6 -.4 -.4 -1.4; Var T = (2.56+.36+.16+.16+1.96)/4 = 5.2/4 = 1.3
    # CIC = 100 * 4/3 * (1 - 1.1/1.3) = 20.5128
    # ER = 100 * sqrt(1 - .205128) = 89.1556
    # SD of the score as % of 4 marks = 100 * sqrt(1.3) / 4 = 28.5044; SE = ER * SD / 100 = 25.4133
    quiz = quiz_statistics(FIVE_BY_FOUR)
    assert (quiz.attempts, quiz.items) == (5, 4)
    assert quiz.mean_percent == pytest.approx(60.0)
    assert quiz.cic == pytest.approx(100 * 4 / 3 * (1 - 1.1 / 1.3))
    assert quiz.cic == pytest.approx(20.5128, abs=1e-4)
    assert quiz.error_ratio == pytest.approx(89.1556, abs=1e-4)
    assert quiz.sd_percent == pytest.approx(28.5044, abs=1e-4)
    assert quiz.standard_error == pytest.approx(25.4133, abs=1e-4)
    assert quiz.reliability == "unsatisfactory"


def test_items_not_served_are_left_out_of_their_own_statistics():
    # NaN = not served. Totals T over what was served: 2, 1, 1, 2
    matrix = [
        [1, 1, NAN],
        [0, NAN, 1],
        [1, 0, 0],
        [0, 1, 1],
    ]
    one, two, three = item_statistics(matrix)
    # item 1 (all four): x = 1 0 1 0, r = 1 1 0 2; Var x = 1/3; mean r 1, Var r = (0+0+1+1)/3 = 2/3
    # Cov = (.5*0 - .5*0 + .5*-1 - .5*1)/3 = -1/3; D = 100 * (-1/3) / sqrt(2/9) = -70.7107
    # sorted x 0 0 1 1 with sorted r 0 1 1 2: (.5*1 + 0 + 0 + .5*1)/3 = 1/3 -> E = -100
    assert one.attempts == 4
    assert one.discrimination == pytest.approx(-70.7107, abs=1e-4)
    assert one.efficiency == pytest.approx(-100.0)
    # item 2 (rows 1, 3, 4): x = 1 0 1, r = 1 1 1: Var r = 0 -> D and E undefined (None)
    assert two.attempts == 3
    assert two.facility == pytest.approx(2 / 3)
    assert two.sd == pytest.approx(math.sqrt(1 / 3))
    assert two.discrimination is None and two.efficiency is None
    # item 3 (rows 2, 3, 4): x = 1 0 1, r = 0 1 1; x - 2/3 = 1/3 -2/3 1/3; r - 2/3 = -2/3 1/3 1/3
    # Cov = (-2/9 - 2/9 + 1/9)/2 = -1/6; Var x = Var r = 1/3; D = 100 * (-1/6) / (1/3) = -50
    # sorted x 0 1 1 with sorted r 0 1 1: Cov_max = (4/9 + 1/9 + 1/9)/2 = 1/3 -> E = -50
    assert three.discrimination == pytest.approx(-50.0)
    assert three.efficiency == pytest.approx(-50.0)
    # the test statistics use complete rows only (rows 3 and 4): T = 1, 2, Var T = .5
    # item variances .5 .5 .5 -> CIC = 100 * 3/2 * (1 - 1.5/.5) = -300; ER = 100 * sqrt(4) = 200
    # SD = 100 * sqrt(.5) / 3 = 23.5702; SE = 200 * 23.5702 / 100 = 47.1405
    quiz = quiz_statistics(matrix)
    assert quiz.attempts == 2
    assert quiz.cic == pytest.approx(-300.0)
    assert quiz.error_ratio == pytest.approx(200.0)
    assert quiz.standard_error == pytest.approx(47.1405, abs=1e-4)


def test_one_attempt_gives_facility_and_nothing_else():
    (only,) = item_statistics([[1.0]])
    assert only.facility == 1.0 and only.sd is None and only.discrimination is None and only.efficiency is None
    stats = item_statistics([[1, 0, 0.5]])
    assert [s.facility for s in stats] == [1.0, 0.0, 0.5]
    assert all(s.sd is None and s.discrimination is None for s in stats)
    quiz = quiz_statistics([[1, 0, 0.5]])
    assert quiz.attempts == 1 and quiz.mean_percent == pytest.approx(50.0)
    assert quiz.cic is None and quiz.error_ratio is None and quiz.standard_error is None and quiz.reliability is None


def test_zero_variance_gives_none_not_a_crash():
    everyone_right = [[1, 1], [1, 0], [1, 1]]
    right, mixed = item_statistics(everyone_right)
    assert right.facility == 1.0 and right.sd == 0.0
    assert right.discrimination is None and right.efficiency is None
    assert right.flags == ("too-easy",)
    # item 2: x = 1 0 1 but r = 1 1 1 (item 1 is constant) -> undefined as well
    assert mixed.discrimination is None
    # all totals equal: Var T = 0 -> no CIC
    flat = quiz_statistics([[1, 0], [0, 1], [1, 0]])
    assert flat.cic is None and flat.sd_percent == 0.0
    # nothing at all
    assert item_statistics(np.empty((0, 3))) == [item_statistics(np.empty((0, 3)))[0]] * 3
    assert item_statistics(np.empty((0, 3)))[0].facility is None
    assert quiz_statistics(np.empty((0, 0))).cic is None
    # an item served to nobody
    never = item_statistics([[1, NAN], [0, NAN]])[1]
    assert never.attempts == 0 and never.facility is None


def test_partial_marks_and_max_marks():
    # facility and SD are divided by the max mark; D and E do not depend on the scale
    matrix = np.array(FIVE_BY_FOUR, dtype=float) * 2
    stats = item_statistics(matrix, max_marks=[2, 2, 2, 2])
    assert stats[0].facility == pytest.approx(0.8) and stats[0].sd == pytest.approx(math.sqrt(0.2))
    assert stats[0].discrimination == pytest.approx(37.5)
    assert quiz_statistics(matrix, max_marks=[2, 2, 2, 2]).cic == pytest.approx(20.5128, abs=1e-4)


def test_flags():
    assert flags_for(0.5, -3) == ("negative-discrimination",)
    assert flags_for(0.5, 19.9) == ("low-discrimination",)
    assert flags_for(0.5, 20) == ()
    assert flags_for(0.05, 40) == ("too-hard",)
    assert flags_for(0.95, None) == ("too-easy",)
    assert flags_for(0.1, 20) == () and flags_for(0.9, 20) == ()
    assert flags_for(None, None) == ()
    assert set(FLAG_LABELS) == {"negative-discrimination", "low-discrimination", "too-hard", "too-easy"}


def test_vectorised_matches_the_plain_loop_on_random_data():
    rng = random.Random(8)
    rows = []
    for _ in range(60):
        ability = rng.random()
        rows.append([None if rng.random() < 0.2 else (1.0 if rng.random() < ability else rng.choice([0.0, 0.5])) for _ in range(12)])
    matrix = np.array([[NAN if v is None else v for v in row] for row in rows])
    fast = item_statistics(matrix)
    slow = item_statistics_loop(rows)
    for f, (facility, sd, disc, eff) in zip(fast, slow, strict=False):
        assert f.facility == pytest.approx(facility)
        assert f.sd == pytest.approx(sd)
        assert f.discrimination == pytest.approx(disc)
        assert f.efficiency == pytest.approx(eff)


def test_rounding_dust_in_a_constant_column_is_not_a_variance():
    # item 2 is 0.7 for everyone: no variance -> SD 0, D and E None
    matrix = [[0.1, 0.7, 0.3], [0.3, 0.7, 0.1], [0.2, 0.7, 0.2], [0.6, 0.7, 0.6]]
    one, two, three = item_statistics(matrix)
    assert two.sd == 0.0 and two.discrimination is None and two.efficiency is None
    assert one.discrimination is not None and three.discrimination is not None
    # with item 2 alone beside item 1, r of item 1 is T - x = 0.7 for everyone, but computed in
    # floating point (0.1 + 0.7 - 0.1 = 0.6999999999999998): dust, not a variance -> None
    pair = [[row[0], row[1]] for row in matrix]
    first = item_statistics(pair)[0]
    assert first.sd > 0 and first.discrimination is None and first.efficiency is None
