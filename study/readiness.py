"""Readiness: a predicted exam score with an uncertainty band. Pure: no Flask, no database.

Each blueprint section's accuracy is estimated from the learner's recent answers (weighted towards
recent weeks) with a Beta(1, 1) prior, so little evidence pulls the estimate towards 50% and widens
the band. The predicted score weights each section by its blueprint count. The band is the
normal approximation of the weighted sum of the sections' posterior variances. Full exam
simulations, when there are any, are blended in: they measure the same thing under real conditions.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_EVIDENCE = 5  # answers a section needs before it shows a number
HALF_LIFE_WEEKS = 4.0  # an answer four weeks old counts half as much as one from this week
Z = 1.96


def recency_weight(weeks_ago: int) -> float:
    return 0.5 ** (max(0, weeks_ago) / HALF_LIFE_WEEKS)


@dataclass(frozen=True)
class SectionEvidence:
    key: str
    title: str
    blueprint_count: int  # questions (and cases) the exam asks in this section
    answers: int  # raw number of answers behind the estimate
    weighted_n: float
    weighted_correct: float
    topics: tuple[str, ...] = ()

    @property
    def enough(self) -> bool:
        return self.answers >= MIN_EVIDENCE

    @property
    def estimate(self) -> float:
        """Posterior mean accuracy (0..1), Beta(1, 1) prior."""
        return (self.weighted_correct + 1) / (self.weighted_n + 2)

    @property
    def variance(self) -> float:
        a, b = self.weighted_correct + 1, self.weighted_n - self.weighted_correct + 1
        return a * b / ((a + b) ** 2 * (a + b + 1))

    @property
    def accuracy(self) -> float | None:
        """Observed (recency-weighted) accuracy, or None without enough evidence."""
        if not self.enough or self.weighted_n <= 0:
            return None
        return self.weighted_correct / self.weighted_n


@dataclass(frozen=True)
class Readiness:
    score: float  # predicted percent
    low: float
    high: float
    verdict: str  # "likely to pass" | "borderline" | "not yet" | "not enough evidence"
    pass_percent: float
    biggest_gain: SectionEvidence | None  # the section whose improvement would move the score most
    evidence: int

    @property
    def statement(self) -> str:
        if self.verdict == "not enough evidence":
            return f"Answer at least {MIN_EVIDENCE} questions in a few sections to get a prediction."
        band = f"{self.score:.0f}% (likely between {self.low:.0f}% and {self.high:.0f}%)"
        if self.verdict == "likely to pass":
            return f"Predicted score {band}: likely to pass (pass mark {self.pass_percent:.0f}%)."
        if self.verdict == "not yet":
            return f"Predicted score {band}: not yet at the pass mark of {self.pass_percent:.0f}%."
        return f"Predicted score {band}: borderline against the pass mark of {self.pass_percent:.0f}%."


def predict(sections: Sequence[SectionEvidence], pass_percent: float, exam_scores: Sequence[float] = ()) -> Readiness:
    total = sum(s.blueprint_count for s in sections)
    evidence = sum(s.answers for s in sections)
    if not total or (evidence < MIN_EVIDENCE and not exam_scores):
        return Readiness(0.0, 0.0, 100.0, "not enough evidence", pass_percent, None, evidence)
    weights = [s.blueprint_count / total for s in sections]
    mean = sum(w * s.estimate for w, s in zip(weights, sections, strict=True))
    var = sum(w * w * s.variance for w, s in zip(weights, sections, strict=True))
    if exam_scores:
        # each simulation is one full measurement: treat its spread as one exam's binomial spread
        recent = [x / 100 for x in exam_scores[-3:]]
        exam_mean = sum(recent) / len(recent)
        exam_var = max(exam_mean * (1 - exam_mean), 0.01) / (max(total, 1) * len(recent))
        # inverse-variance blend of the two estimates
        w_model, w_exam = 1 / max(var, 1e-9), 1 / exam_var
        mean = (w_model * mean + w_exam * exam_mean) / (w_model + w_exam)
        var = 1 / (w_model + w_exam)
    sd = math.sqrt(var)
    score, low, high = 100 * mean, max(0.0, 100 * (mean - Z * sd)), min(100.0, 100 * (mean + Z * sd))
    if low >= pass_percent:
        verdict = "likely to pass"
    elif high < pass_percent:
        verdict = "not yet"
    else:
        verdict = "borderline"
    gain = max(sections, key=lambda s: (s.blueprint_count * (1 - s.estimate), s.blueprint_count), default=None)
    return Readiness(round(score, 1), round(low, 1), round(high, 1), verdict, pass_percent, gain, evidence)
