"""Result types of the case grader and their JSON form (the bank format's "Grade report").

A report carries two forms of every message: ``message`` (after the attempt: may name the
expected code) and ``message_during`` (during the attempt: never names a code the learner has not
written). ``to_json(after_attempt=False)`` also hides ``expected`` unless it is exactly what the
learner submitted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

#: ``GradeLine.kind`` values.
LINE_KINDS = ("diagnosis", "procedure", "pcs", "sequencing", "modifiers", "units")
#: ``GradeLine.verdict`` values.
VERDICTS = (
    "correct",
    "partial",
    "incomplete",
    "invalid",
    "wrong_system",
    "not_reportable",
    "extra",
    "accepted_voluntary",
    "missing",
    "wrong",
)


def number(value: float | Fraction) -> float:
    """A figure as a report stores it: no -0.0, no 0.30000000000000004."""
    return round(float(value), 4) + 0.0



def round_half_up(value: Fraction, places: int = 1) -> float:
    """85.75 -> 85.8 (not banker's rounding); exact on fractions."""
    scale = 10**places
    return math.floor(value * scale + Fraction(1, 2)) / scale


def percent(earned: Fraction, penalties: Fraction, possible: Fraction) -> float:
    """Every grader's ``score_pct``: ``100 * max(0, earned - penalties) / possible``, rounded half up
    to one decimal; with nothing to score, 100 unless something was penalised (then 0)."""
    if possible > 0:
        return round_half_up(Fraction(100) * max(Fraction(0), earned - penalties) / possible)
    return 100.0 if penalties == 0 else 0.0


class Scored:
    """What the billing exercises' reports share (mixed into their dataclasses, which hold
    ``score_pct``, ``earned``, ``penalties`` and ``possible``)."""

    score_pct: float
    earned: float
    penalties: float
    possible: float

    @property
    def score(self) -> float:
        """``score_pct`` as 0..1 (what a response stores)."""
        return self.score_pct / 100

    @property
    def correct(self) -> bool:
        """Full marks: everything earned and nothing penalised."""
        return self.penalties == 0 and self.earned == self.possible


@dataclass(frozen=True)
class GradeLine:
    """One scored line: a submitted code, a missed key line, or a sequencing/modifiers/units
    line. ``points`` is negative for a penalty."""

    kind: str
    submitted: str | None
    expected: str | None
    verdict: str
    points: float
    message: str
    message_during: str = ""

    def to_json(self, after_attempt: bool = True) -> dict[str, Any]:
        if after_attempt:
            expected, message = self.expected, self.message
        else:
            expected = self.expected if self.expected == self.submitted else None
            message = self.message_during or self.message
        return {
            "kind": self.kind,
            "submitted": self.submitted,
            "expected": expected,
            "verdict": self.verdict,
            "points": number(self.points),
            "message": message,
        }


@dataclass(frozen=True)
class GradeReport:
    """The grade of one case submission.

    ``score_pct = 100 * max(0, earned - penalties) / possible``, rounded half up to one decimal.
    """

    case_id: str
    score_pct: float
    earned: float
    penalties: float
    possible: float
    lines: tuple[GradeLine, ...] = ()

    def to_json(self, after_attempt: bool = True) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "score_pct": number(self.score_pct),
            "earned": number(self.earned),
            "penalties": number(self.penalties),
            "possible": number(self.possible),
            "lines": [line.to_json(after_attempt) for line in self.lines],
        }

    def lines_of(self, kind: str) -> list[GradeLine]:
        return [line for line in self.lines if line.kind == kind]

    def verdicts(self, kind: str | None = None) -> list[str]:
        return [line.verdict for line in self.lines if kind is None or line.kind == kind]
