"""The readiness model on hand-built and simulated learners of known ability."""

import random

from study.readiness import MIN_EVIDENCE, SectionEvidence, predict, recency_weight

SECTIONS = [("a", 6), ("b", 6), ("c", 14), ("d", 4), ("e", 10)]


def evidence(answers_per_section, ability_of, rng, weeks=8):
    out = []
    for key, count in SECTIONS:
        n = wn = wc = 0.0
        for _ in range(answers_per_section):
            weeks_ago = rng.randrange(weeks)
            w = recency_weight(weeks_ago)
            right = rng.random() < ability_of(key)
            n += 1
            wn += w
            wc += w * right
        out.append(SectionEvidence(key, key.upper(), count, int(n), wn, wc))
    return out


def test_no_history_says_so():
    r = predict([SectionEvidence(k, k, c, 0, 0, 0) for k, c in SECTIONS], 70)
    assert r.verdict == "not enough evidence" and "Answer at least" in r.statement


def test_one_answer_is_not_enough_for_a_section_number():
    s = SectionEvidence("a", "A", 6, 1, 1.0, 1.0)
    assert s.accuracy is None and not s.enough
    assert 0.5 < s.estimate < 1


def test_recency_weighting_halves_every_four_weeks():
    assert recency_weight(0) == 1 and abs(recency_weight(4) - 0.5) < 1e-9 and abs(recency_weight(8) - 0.25) < 1e-9


def test_ranks_simulated_learners_by_ability():
    rng = random.Random(7)
    predictions = []
    for ability in (0.35, 0.55, 0.75, 0.9):
        r = predict(evidence(40, lambda k, a=ability: a, rng), 70)
        predictions.append(r.score)
    assert predictions == sorted(predictions)


def test_band_contains_the_true_score_most_of_the_time():
    rng = random.Random(11)
    inside = 0
    trials = 200
    for _ in range(trials):
        abilities = {k: rng.uniform(0.3, 0.95) for k, _ in SECTIONS}
        truth = 100 * sum(abilities[k] * c for k, c in SECTIONS) / sum(c for _, c in SECTIONS)
        r = predict(evidence(30, abilities.__getitem__, rng, weeks=1), 70)
        inside += r.low <= truth <= r.high
    assert inside / trials >= 0.85, inside / trials


def test_verdicts_and_what_would_help_most():
    rng = random.Random(3)
    strong = predict(evidence(60, lambda k: 0.95, rng, weeks=1), 70)
    weak = predict(evidence(60, lambda k: 0.3, rng, weeks=1), 70)
    assert strong.verdict == "likely to pass" and weak.verdict == "not yet"
    mixed = predict(evidence(60, lambda k: 0.2 if k == "c" else 0.9, rng, weeks=1), 70)
    assert mixed.biggest_gain.key == "c"  # the big, weak section


def test_exam_simulations_pull_the_prediction():
    rng = random.Random(5)
    base = evidence(MIN_EVIDENCE * 2, lambda k: 0.6, rng, weeks=1)
    alone = predict(base, 70)
    with_exams = predict(base, 70, exam_scores=[85.0, 88.0])
    assert with_exams.score > alone.score and (with_exams.high - with_exams.low) < (alone.high - alone.low)
