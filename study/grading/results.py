"""Result types of the case grader and their JSON form (the bank format's "Grade report").

A report carries two forms of every message: ``message`` (after the attempt: may name the
expected code) and ``message_during`` (during the attempt: never names a code the learner has not
written). ``to_json(after_attempt=False)`` also hides ``expected`` unless it is exactly what the
learner submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
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


def _number(value: float) -> float:
    return round(float(value), 4) + 0.0  # no -0.0, no 0.30000000000000004


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
            "points": _number(self.points),
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
            "score_pct": _number(self.score_pct),
            "earned": _number(self.earned),
            "penalties": _number(self.penalties),
            "possible": _number(self.possible),
            "lines": [line.to_json(after_attempt) for line in self.lines],
        }

    def lines_of(self, kind: str) -> list[GradeLine]:
        return [line for line in self.lines if line.kind == kind]

    def verdicts(self, kind: str | None = None) -> list[str]:
        return [line.verdict for line in self.lines if kind is None or line.kind == kind]
