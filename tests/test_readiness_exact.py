"""The readiness model's exact figures on small hand-checked inputs: the Beta posterior, the blueprint
weights, the blend with exam simulations, the band's clamps and the verdict, which is read from the
band, never from the point estimate alone (tests/test_readiness.py checks the statistics on
simulated learners)."""

import math

import pytest

from study.readiness import MIN_EVIDENCE, Readiness, SectionEvidence, predict, recency_weight

# one section, 15 of 20 right: Beta(16, 6); mean 16/22 = 72.73%, variance 16*6 / (22^2 * 23),
# sd 9.29 points: band 72.73 -/+ 1.96 * 9.29 = 54.5 .. 90.9
ONE = [SectionEvidence("a", "A", 10, 20, 20.0, 15.0)]
# two sections weighted 30/70 by the blueprint
TWO = [SectionEvidence("a", "A", 30, 12, 10.0, 9.0), SectionEvidence("b", "B", 70, 8, 6.0, 2.0)]
# no evidence where the blueprint counts, MIN_EVIDENCE answers where it does not: mean 50%, and a
# band wider than 0..100 that is clamped to it
WIDE = [SectionEvidence("a", "A", 10, 0, 0.0, 0.0), SectionEvidence("b", "B", 0, MIN_EVIDENCE, 5.0, 5.0)]


def test_the_posterior_of_one_section():
    s = ONE[0]
    assert s.estimate == 16 / 22
    assert s.variance == 16 * 6 / (22**2 * 23)
    assert s.accuracy == 0.75 and s.enough


def test_a_section_needs_min_evidence_answers_and_some_weight_for_an_accuracy():
    assert SectionEvidence("a", "A", 1, MIN_EVIDENCE, 2.5, 2.0).accuracy == 0.8
    assert SectionEvidence("a", "A", 1, MIN_EVIDENCE - 1, 4.0, 4.0).accuracy is None
    assert SectionEvidence("a", "A", 1, MIN_EVIDENCE, 0.0, 0.0).accuracy is None  # all too old to weigh
    assert SectionEvidence("a", "A", 1, 0, 0.0, 0.0).variance == 1 / 12  # the flat prior


def test_recency_weight_of_the_future_is_one():
    assert recency_weight(-3) == 1.0 and recency_weight(2) == 0.5**0.5


def test_one_section_exactly():
    r = predict(ONE, 70)
    assert r == Readiness(72.7, 54.5, 90.9, "borderline", 70, ONE[0], 20)
    hand = 100 * (16 / 22 - 1.96 * math.sqrt(16 * 6 / (22**2 * 23)))
    assert r.low == round(hand, 1)


def test_sections_are_weighted_by_their_blueprint_count():
    assert predict(TWO, 70) == Readiness(51.2, 28.3, 74.2, "borderline", 70, TWO[1], 20)
    # the mean is the weighted mean of the estimates, the variance the sum of squared weights times variances
    mean = 0.3 * TWO[0].estimate + 0.7 * TWO[1].estimate
    sd = math.sqrt(0.09 * TWO[0].variance + 0.49 * TWO[1].variance)
    assert predict(TWO, 70).score == round(100 * mean, 1)
    assert predict(TWO, 70).high == round(100 * (mean + 1.96 * sd), 1)


def test_the_last_three_simulations_are_blended_in():
    assert predict(TWO, 70, [60.0, 70.0, 80.0, 90.0]) == Readiness(78.9, 74.5, 83.4, "likely to pass", 70, TWO[1], 20)
    assert predict(TWO, 70, [70.0, 80.0, 90.0]) == predict(TWO, 70, [10.0, 70.0, 80.0, 90.0])
    assert predict(TWO, 40, [99.0, 100.0]) == Readiness(99.3, 97.9, 100.0, "likely to pass", 40, TWO[1], 20)


def test_a_perfect_simulation_still_has_a_spread():
    # 100%: the binomial spread is 0, floored at 0.01 / (100 questions x 1 exam)
    assert predict(TWO, 70, [100.0]) == Readiness(99.6, 97.7, 100.0, "likely to pass", 70, TWO[1], 20)


def test_a_one_question_blueprint_spreads_a_simulation_over_one_question():
    one = [SectionEvidence("a", "A", 1, 10, 10.0, 5.0)]
    blended = predict(one, 70, [80.0])
    # model: Beta(6, 6) mean 0.5, variance 1/52; exam: 0.8, variance 0.16 / (1 x 1)
    w_model, w_exam = 52.0, 1 / 0.16
    mean = (w_model * 0.5 + w_exam * 0.8) / (w_model + w_exam)
    sd = math.sqrt(1 / (w_model + w_exam))
    assert (blended.score, blended.low, blended.high) == (
        round(100 * mean, 1),
        round(100 * (mean - 1.96 * sd), 1),
        round(100 * (mean + 1.96 * sd), 1),
    )


def test_simulations_alone_give_a_prediction():
    none = [SectionEvidence("a", "A", 10, 0, 0.0, 0.0)]
    r = predict(none, 70, [90.0, 90.0])
    assert r.verdict != "not enough evidence" and r.evidence == 0 and r.score > 80


def test_the_band_is_clamped_to_0_and_100():
    r = predict(WIDE, 50)
    assert (r.score, r.low, r.high) == (50.0, 0.0, 100.0) and r.evidence == MIN_EVIDENCE


@pytest.mark.parametrize(
    "pass_percent, verdict",
    [
        (54.5, "likely to pass"),  # the band's low end is above the pass mark
        (54.6, "borderline"),
        (72.7, "borderline"),  # the point estimate is at the pass mark, the band straddles it
        (72.8, "borderline"),  # the point estimate is below the pass mark, the band still reaches it
        (90.9, "borderline"),
        (91.0, "not yet"),  # the band's high end is below the pass mark
    ],
)
def test_the_verdict_is_read_from_the_band(pass_percent, verdict):
    # the band is 54.53 .. 90.93 unrounded
    assert predict(ONE, pass_percent).verdict == verdict


def test_the_verdict_at_the_bands_exact_ends():
    assert predict(WIDE, 0).verdict == "likely to pass"  # low == 0.0 == the pass mark
    assert predict(WIDE, 100).verdict == "borderline"  # high == 100.0 == the pass mark: not below it


def test_not_enough_evidence_exactly():
    few = [SectionEvidence("a", "A", 10, MIN_EVIDENCE - 1, 4.0, 4.0)]
    assert predict(few, 70) == Readiness(0.0, 0.0, 100.0, "not enough evidence", 70, None, MIN_EVIDENCE - 1)
    assert predict([], 70, [80.0]).verdict == "not enough evidence"  # no blueprint: nothing to predict
    assert predict([SectionEvidence("a", "A", 0, 50, 50.0, 40.0)], 70).verdict == "not enough evidence"
    enough = [SectionEvidence("a", "A", 10, MIN_EVIDENCE, 5.0, 4.0)]
    assert predict(enough, 70).verdict != "not enough evidence"


def test_the_biggest_gain_is_the_most_blueprint_points_still_missed():
    strong_big = SectionEvidence("a", "A", 10, 20, 20.0, 17.0)  # 10 x (1 - 18/22) = 1.8 points to gain
    weak_small = SectionEvidence("b", "B", 5, 20, 20.0, 1.0)  # 5 x (1 - 2/22) = 4.5 points to gain
    assert predict([strong_big, weak_small], 70).biggest_gain is weak_small
    # equal points to gain: the bigger section
    tie_small, tie_big = SectionEvidence("a", "A", 2, 5, 0.0, 0.0), SectionEvidence("b", "B", 4, 5, 2.0, 2.0)
    assert 2 * (1 - tie_small.estimate) == 4 * (1 - tie_big.estimate) == 1.0
    assert predict([tie_small, tie_big], 70).biggest_gain is tie_big
    assert predict([tie_big, tie_small], 70).biggest_gain is tie_big


@pytest.mark.parametrize(
    "pass_percent, text",
    [
        (50, "Predicted score 73% (likely between 54% and 91%): likely to pass (pass mark 50%)."),
        (70, "Predicted score 73% (likely between 54% and 91%): borderline against the pass mark of 70%."),
        (95, "Predicted score 73% (likely between 54% and 91%): not yet at the pass mark of 95%."),
    ],
)
def test_statements(pass_percent, text):
    assert predict(ONE, pass_percent).statement == text


def test_statement_without_evidence():
    assert predict([], 70).statement == f"Answer at least {MIN_EVIDENCE} questions in a few sections to get a prediction."
