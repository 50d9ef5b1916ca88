"""The claim (CMS-1500) grader: the bank format's ``type: claim`` grading, exactly.

``grade_claim(key, answer, weights=..., rules=..., describe=...) -> ClaimReport``

Every field of the key is scored (``study.billing.claim.field_paths``): 1 point by default,
``lines.N.code`` 2; ``weights`` may name a path (``lines.2.units``) or ``lines.FIELD`` for every line
(the exact path wins). A field is ``correct`` when the learner's value equals the key's after the
field's normalisation (``study.billing.claim.normalise``), ``missing`` when the learner left blank a
box the key fills, else ``wrong``.

Service lines are matched one to one: first by procedure code (in order, for a code on several
lines), then the key lines left over with the learner's lines left over, in order. A key line
nothing matches is missing: each of its fields scores 0 with verdict ``missing``. A learner line
nothing matches is ``extra`` and costs 1 point (``EXTRA_LINE_PENALTY``).

``score_pct = 100 * max(0, earned - penalties) / possible``, rounded half up to one decimal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from study.billing.claim import (
    DIAGNOSIS_LETTERS,
    Claim,
    ServiceLine,
    box_of,
    display,
    field_paths,
    label_of,
    normalise,
    value_at,
)
from study.grading.results import Scored, number, percent

__all__ = ["CLAIM_VERDICTS", "EXTRA_LINE_PENALTY", "ClaimReport", "FieldVerdict", "grade_claim", "weight_of", "rule_of"]

#: ``FieldVerdict.verdict`` values.
CLAIM_VERDICTS = ("correct", "wrong", "missing", "extra")
EXTRA_LINE_PENALTY = Fraction(1)
DEFAULT_WEIGHT = Fraction(1)
CODE_WEIGHT = Fraction(2)

_DURING = {
    "correct": "correct",
    "wrong": "not right yet",
    "missing": "left blank, but this box needs a value",
    "extra": "this service line does not belong on the claim",
}


def _fraction(value: float) -> Fraction:
    try:
        result = Fraction(str(float(value)))
    except (ValueError, ArithmeticError, OverflowError):
        return Fraction(0)
    return result if result > 0 else Fraction(0)


def _empty(value: object) -> bool:
    """A blank box: ``""``, ``None``, an empty list (not ``0`` nor ``0.00``)."""
    return value is None or (isinstance(value, (str, tuple, list, frozenset, set)) and not [v for v in value if str(v).strip()])


def _generic(path: str) -> str | None:
    """``lines.2.units`` -> ``lines.units``; None for a top-level path."""
    parts = path.split(".")
    return f"lines.{parts[2]}" if len(parts) == 3 and parts[0] == "lines" else None


def weight_of(path: str, weights: Mapping[str, float]) -> Fraction:
    """The weight of ``path``: the exact path, else ``lines.FIELD``, else 2 for a line's code and 1."""
    generic = _generic(path)
    if path in weights:
        return _fraction(weights[path])
    if generic is not None and generic in weights:
        return _fraction(weights[generic])
    return CODE_WEIGHT if generic == "lines.code" else DEFAULT_WEIGHT


def rule_of(path: str, rules: Mapping[str, str]) -> str:
    """The rule behind ``path`` (the exact path, else ``lines.FIELD``), or ``""``."""
    generic = _generic(path)
    return rules.get(path) or (rules.get(generic, "") if generic else "")


@dataclass(frozen=True)
class FieldVerdict:
    """One scored field (or an extra learner line, path ``lines.N`` of the learner's numbering).

    ``message`` is the full message shown after the attempt (may name the expected value and the
    rule); ``to_json(after_attempt=False)`` replaces it with a neutral one and drops ``expected`` and
    ``rule``."""

    path: str
    box: str
    label: str
    verdict: str
    points: float
    possible: float
    message: str
    given: str
    expected: str
    rule: str = ""

    def to_json(self, after_attempt: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "box": self.box,
            "label": self.label,
            "verdict": self.verdict,
            "points": number(self.points),
            "possible": number(self.possible),
            "given": self.given,
        }
        if after_attempt:
            data.update(message=self.message, expected=self.expected, rule=self.rule)
        else:
            data["message"] = f"box {self.box} ({self.label}): {_DURING[self.verdict]}"
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FieldVerdict:
        return cls(
            path=str(data["path"]),
            box=str(data["box"]),
            label=str(data["label"]),
            verdict=str(data["verdict"]),
            points=float(data["points"]),
            possible=float(data["possible"]),
            message=str(data.get("message", "")),
            given=str(data.get("given", "")),
            expected=str(data.get("expected") or ""),
            rule=str(data.get("rule") or ""),
        )


@dataclass(frozen=True)
class ClaimReport(Scored):
    """The grade of one claim. ``score_pct = 100 * max(0, earned - penalties) / possible``."""

    fields: tuple[FieldVerdict, ...]
    earned: float
    penalties: float
    possible: float
    score_pct: float

    def wrong_paths(self) -> list[str]:
        return [f.path for f in self.fields if f.verdict != "correct"]

    def to_json(self, after_attempt: bool = True) -> dict[str, Any]:
        return {
            "score_pct": number(self.score_pct),
            "earned": number(self.earned),
            "penalties": number(self.penalties),
            "possible": number(self.possible),
            "fields": [f.to_json(after_attempt) for f in self.fields],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ClaimReport:
        return cls(
            fields=tuple(FieldVerdict.from_json(item) for item in data.get("fields", ())),
            earned=float(data["earned"]),
            penalties=float(data["penalties"]),
            possible=float(data["possible"]),
            score_pct=float(data["score_pct"]),
        )


def _match_lines(key: Sequence[ServiceLine], answer: Sequence[ServiceLine]) -> dict[int, int]:
    """Key line index -> answer line index: by code first (in order), then the rest in order."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for k, key_line in enumerate(key):
        code = normalise("lines.1.code", key_line.code)
        for a, line in enumerate(answer):
            if a not in taken and code and normalise("lines.1.code", line.code) == code:
                pairs[k] = a
                taken.add(a)
                break
    free = [a for a in range(len(answer)) if a not in taken]
    for k in range(len(key)):
        if k not in pairs and free:
            pairs[k] = free.pop(0)
    return pairs


def _letters_text(letters: Sequence[str], diagnoses: Sequence[str], describe: Callable[[str], str | None]) -> str:
    parts = []
    for letter in letters:
        index = DIAGNOSIS_LETTERS.find(letter) if len(letter) == 1 else -1
        code = diagnoses[index] if 0 <= index < len(diagnoses) else ""
        description = describe(code) if code else None
        parts.append(f"{letter} ({description})" if description else (f"{letter} ({code})" if code else letter))
    return ", ".join(parts) if parts else "no diagnosis"


class _Grader:
    def __init__(
        self,
        key: Claim,
        answer: Claim,
        weights: Mapping[str, float],
        rules: Mapping[str, str],
        describe: Callable[[str], str | None],
    ) -> None:
        self.key, self.answer = key, answer
        self.weights, self.rules, self.describe = weights, rules, describe
        self.verdicts: list[FieldVerdict] = []
        self.earned = Fraction(0)
        self.penalties = Fraction(0)
        self.possible = Fraction(0)

    def _message(self, path: str, verdict: str, given: object, expected: object, answer_path: str | None) -> str:
        box, label = box_of(path), label_of(path)
        if verdict == "correct":
            return f"box {box} ({label}): correct"
        if verdict == "missing" and answer_path is None:
            line = path.split(".")[1]
            text = f"box {box} ({label}): missing — none of your service lines matches line {line}; expected {display(path, expected)}"
        elif path.endswith(".pointers"):
            given_text = _letters_text(normalise(path, given), self.answer.diagnoses, self.describe)  # type: ignore[arg-type]
            expected_text = _letters_text(normalise(path, expected), self.key.diagnoses, self.describe)  # type: ignore[arg-type]
            text = f"box {box} points to the diagnosis that supports this line: {expected_text}, not {given_text}"
            if set(normalise(path, given)) == set(normalise(path, expected)):  # type: ignore[call-overload]
                text += " (the order matters: the first pointer is the line's primary diagnosis)"
        elif verdict == "missing":
            text = f"box {box} ({label}) was left blank; it should be {display(path, expected)}"
        elif _empty(expected):
            text = f"box {box} ({label}) must be left blank, not {display(path, given)}"
        else:
            text = f"box {box} ({label}) should be {display(path, expected)}, not {display(path, given)}"
        rule = rule_of(path, self.rules)
        return f"{text}. {rule}" if rule else text

    def score(self, path: str, expected: object, given: object, answer_path: str | None) -> None:
        weight = weight_of(path, self.weights)
        self.possible += weight
        if answer_path is None:
            verdict = "missing"
        elif normalise(path, given) == normalise(path, expected):
            verdict = "correct"
        elif _empty(given):
            verdict = "missing"
        else:
            verdict = "wrong"
        points = weight if verdict == "correct" else Fraction(0)
        self.earned += points
        self.verdicts.append(
            FieldVerdict(
                path=path,
                box=box_of(path),
                label=label_of(path),
                verdict=verdict,
                points=float(points),
                possible=float(weight),
                message=self._message(path, verdict, given, expected, answer_path),
                given=display(path, given) if answer_path is not None else "",
                expected=display(path, expected),
                rule=rule_of(path, self.rules) if verdict != "correct" else "",
            )
        )

    def grade(self) -> ClaimReport:
        pairs = _match_lines(self.key.lines, self.answer.lines)
        for path in field_paths(self.key):
            parts = path.split(".")
            if parts[0] != "lines":
                self.score(path, value_at(self.key, path), value_at(self.answer, path), path)
                continue
            k = int(parts[1]) - 1
            a = pairs.get(k)
            given: object = self.answer.lines[a].get(parts[2]) if a is not None else ""
            answer_path = f"lines.{a + 1}.{parts[2]}" if a is not None else None
            self.score(path, value_at(self.key, path), given, answer_path)
        matched = set(pairs.values())
        for a, line in enumerate(self.answer.lines):
            if a in matched:
                continue
            self.penalties += EXTRA_LINE_PENALTY
            code = display("lines.1.code", line.code)
            self.verdicts.append(
                FieldVerdict(
                    path=f"lines.{a + 1}",
                    box="24",
                    label=f"your service line {a + 1}",
                    verdict="extra",
                    points=-float(EXTRA_LINE_PENALTY),
                    possible=0.0,
                    message=f"box 24: your line {a + 1} ({code}) matches no service line of the claim and costs 1 point",
                    given=code,
                    expected="",
                )
            )
        pct = percent(self.earned, self.penalties, self.possible)
        return ClaimReport(
            fields=tuple(self.verdicts),
            earned=float(self.earned),
            penalties=float(self.penalties),
            possible=float(self.possible),
            score_pct=pct,
        )


def grade_claim(
    key: Claim,
    answer: Claim,
    *,
    weights: Mapping[str, float] = {},  # noqa: B006 - read only
    rules: Mapping[str, str] = {},  # noqa: B006 - read only
    describe: Callable[[str], str | None] = lambda code: None,
) -> ClaimReport:
    """Grade the learner's claim ``answer`` against ``key`` (see the module docstring).

    ``describe(icd_code)`` names a diagnosis in plain words for the pointer messages ("sprain of left
    ankle"); by default pointers are explained by their codes.
    """
    return _Grader(key, answer, weights, rules, describe).grade()
