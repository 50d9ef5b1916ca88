"""The scrubber grader: the bank format's ``type: scrubber`` grading, exactly.

``parse_errors(raw, claim) -> (errors, problems)`` reads the key's ``errors``;
``grade_scrubber(claim, errors, marked) -> ScrubberReport`` grades what the learner marked
(field path -> the learner's correction text).

Each planted error whose field is marked earns 1 (found) and 1 more when the correction matches one
of the error's corrections after the field's normalisation (``study.billing.claim.normalise``;
``""`` means "remove it", so an empty correction matches an empty one). A missed error earns 0 and
shows its ``why``. Each marked field with no planted error is a false alarm and costs 0.5.
``score_pct = 100 * max(0, earned - penalties) / possible`` (possible = 2 per error), rounded half up
to one decimal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from study.billing.claim import Claim, box_of, display, format_problems, label_of, normalise, value_at
from study.grading.results import Scored, number, percent

__all__ = [
    "ERROR_KINDS",
    "FALSE_ALARM_PENALTY",
    "ErrorVerdict",
    "FalseAlarm",
    "PlantedError",
    "ScrubberReport",
    "grade_scrubber",
    "parse_errors",
    "unplanted_problems",
]

#: The kinds of planted error (bank format).
ERROR_KINDS = (
    "missing-modifier",
    "wrong-modifier",
    "pointer",
    "pos",
    "units",
    "gender-age",
    "payer-order",
    "timely-filing",
    "ncci",
    "code",
    "demographics",
    "dates",
    "npi",
    "total",
    "other",
)
FOUND_POINTS = Fraction(1)
CORRECTION_POINTS = Fraction(1)
FALSE_ALARM_PENALTY = Fraction(1, 2)
#: ``ErrorVerdict.verdict`` values.
SCRUBBER_VERDICTS = ("corrected", "found", "missed")


@dataclass(frozen=True)
class PlantedError:
    """One planted error: the field ``path``, its ``kind``, the acceptable ``corrections`` (``""``
    for "remove it") and ``why`` (shown after the attempt)."""

    path: str
    kind: str
    corrections: tuple[str, ...]
    why: str


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return " ".join(_text(item) for item in value)
    return str(value).strip()


def _corrections(value: object, list_field: bool) -> tuple[str, ...]:
    """The acceptable corrections. For a field whose value is a list (modifiers, pointers,
    diagnoses) a plain list is *one* correction and a list of lists gives alternatives
    (``[["25"], ["25", "59"]]``); for any other field a list gives alternatives."""
    if isinstance(value, (list, tuple)):
        if list_field and not any(isinstance(item, (list, tuple)) for item in value):
            return (_text(value),)
        return tuple(_text(item) for item in value) or ("",)
    return (_text(value),)


def _field_exists(claim: Claim, path: str) -> bool:
    try:
        value_at(claim, path)
    except (KeyError, ValueError):
        return False
    return True


def parse_errors(raw: object, claim: Claim) -> tuple[list[PlantedError], list[tuple[str, str]]]:
    """Read a scrubber key's ``errors`` (a list of ``{field, kind, correction, why}``).

    Problems are ``(path, message)`` with paths ``errors.N`` / ``errors.N.KEY`` (N from 1): not a
    list, unknown keys, a missing ``field``/``kind``/``why``, a field that does not exist in
    ``claim``, an unknown kind, two errors naming the same field, a correction that is what the claim
    already says. For a field whose value is a list
    (``lines.N.modifiers``, ``lines.N.pointers``, ``diagnoses``) a plain list is *one* correction;
    for any other field a list gives the acceptable alternatives.
    """
    problems: list[tuple[str, str]] = []
    if not isinstance(raw, (list, tuple)) or not raw:
        return [], [("errors", "must be a list of one or more planted errors")]
    errors: list[PlantedError] = []
    seen: dict[str, int] = {}
    for n, item in enumerate(raw, 1):
        where = f"errors.{n}"
        if not isinstance(item, Mapping):
            problems.append((where, "each error is a mapping of field, kind, correction, why"))
            continue
        for key in item:
            if key not in ("field", "kind", "correction", "why"):
                problems.append((f"{where}.{key}", f"unknown key {key!r}"))
        path, kind, why = _text(item.get("field")), _text(item.get("kind")), _text(item.get("why"))
        before = len(problems)
        if not path:
            problems.append((f"{where}.field", "missing"))
        elif not _field_exists(claim, path):
            problems.append((f"{where}.field", f"{path!r} is not a field of the claim"))
        elif path in seen:
            problems.append((f"{where}.field", f"{path} is already planted as error {seen[path]}"))
        if kind not in ERROR_KINDS:
            problems.append((f"{where}.kind", f"{kind!r} is not one of: " + ", ".join(ERROR_KINDS)))
        if not why:
            problems.append((f"{where}.why", "missing: say why this is an error (shown after the attempt)"))
        if "correction" not in item:
            problems.append((f"{where}.correction", 'missing (write "" to mean "remove it")'))
        if len(problems) > before:
            continue
        seen[path] = n
        value = item["correction"]
        list_field = path.endswith((".modifiers", ".pointers")) or path == "diagnoses"
        corrections = _corrections(value, list_field)
        current = normalise(path, value_at(claim, path))
        if any(normalise(path, correction) == current for correction in corrections):
            problems.append((f"{where}.correction", f"the claim already says {display(path, value_at(claim, path))}: nothing to correct"))
            continue
        errors.append(PlantedError(path=path, kind=kind, corrections=corrections, why=why))
    return errors, problems


@dataclass(frozen=True)
class ErrorVerdict:
    """One planted error: ``corrected`` (found, correction right: 2), ``found`` (marked, correction
    wrong: 1) or ``missed`` (0)."""

    path: str
    box: str
    label: str
    kind: str
    verdict: str
    points: float
    possible: float
    given: str
    expected: str
    why: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "box": self.box,
            "label": self.label,
            "kind": self.kind,
            "verdict": self.verdict,
            "points": number(self.points),
            "possible": number(self.possible),
            "given": self.given,
            "expected": self.expected,
            "why": self.why,
            "message": self.message,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ErrorVerdict:
        names = ("path", "box", "label", "kind", "verdict", "given", "expected", "why", "message")
        texts = {key: str(data.get(key) or "") for key in names}
        return cls(**texts, points=float(data["points"]), possible=float(data["possible"]))


@dataclass(frozen=True)
class FalseAlarm:
    """A marked field with no planted error (costs 0.5)."""

    path: str
    given: str
    message: str
    points: float = -float(FALSE_ALARM_PENALTY)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "given": self.given, "message": self.message, "points": number(self.points)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FalseAlarm:
        return cls(path=str(data["path"]), given=str(data["given"]), message=str(data["message"]), points=float(data["points"]))


@dataclass(frozen=True)
class ScrubberReport(Scored):
    """The grade of one scrubber attempt."""

    errors: tuple[ErrorVerdict, ...]
    false_alarms: tuple[FalseAlarm, ...]
    earned: float
    penalties: float
    possible: float
    score_pct: float

    def counts(self) -> dict[str, int]:
        return {
            "errors": len(self.errors),
            "found": sum(1 for e in self.errors if e.verdict != "missed"),
            "corrected": sum(1 for e in self.errors if e.verdict == "corrected"),
            "false_alarms": len(self.false_alarms),
        }

    def to_json(self, after_attempt: bool = True) -> dict[str, Any]:
        """After the attempt: every verdict. Before its end: counts and the score only (never the
        path of a missed error)."""
        data: dict[str, Any] = {
            "score_pct": number(self.score_pct),
            "earned": number(self.earned),
            "penalties": number(self.penalties),
            "possible": number(self.possible),
            "counts": self.counts(),
        }
        if after_attempt:
            data["errors"] = [e.to_json() for e in self.errors]
            data["false_alarms"] = [f.to_json() for f in self.false_alarms]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScrubberReport:
        """The report of ``to_json(after_attempt=True)`` (a during-attempt JSON gives no verdicts)."""
        return cls(
            errors=tuple(ErrorVerdict.from_json(item) for item in data.get("errors", ())),
            false_alarms=tuple(FalseAlarm.from_json(item) for item in data.get("false_alarms", ())),
            earned=float(data["earned"]),
            penalties=float(data["penalties"]),
            possible=float(data["possible"]),
            score_pct=float(data["score_pct"]),
        )


def _matches(path: str, given: str, corrections: Sequence[str]) -> bool:
    try:
        normal = normalise(path, given)
        return any(normal == normalise(path, correction) for correction in corrections)
    except KeyError:
        return any(given.strip().upper() == c.strip().upper() for c in corrections)


def _shown(path: str, text: str) -> str:
    try:
        return display(path, normalise(path, text)) if text.strip() else "(remove it)"
    except KeyError:
        return text


def _box_label(path: str) -> tuple[str, str]:
    try:
        return box_of(path), label_of(path)
    except KeyError:
        return "", path


def grade_scrubber(claim: Claim, errors: Sequence[PlantedError], marked: Mapping[str, str]) -> ScrubberReport:
    """Grade the fields the learner marked (path -> correction text) against the planted errors."""
    earned = penalties = Fraction(0)
    possible = (FOUND_POINTS + CORRECTION_POINTS) * len(errors)
    verdicts = []
    planted = {error.path for error in errors}
    for error in errors:
        box, label = _box_label(error.path)
        expected = " or ".join(_shown(error.path, c) for c in error.corrections)
        where = f"box {box} ({label})" if box else label
        if error.path not in marked:
            verdict, points, given = "missed", Fraction(0), ""
            message = f"{where}: missed — {error.why}"
        else:
            given = marked[error.path] or ""
            if _matches(error.path, given, error.corrections):
                verdict, points = "corrected", FOUND_POINTS + CORRECTION_POINTS
                message = f"{where}: found and corrected"
            else:
                verdict, points = "found", FOUND_POINTS
                message = f"{where}: found, but the correction should be {expected}, not {_shown(error.path, given)} — {error.why}"
        earned += points
        verdicts.append(
            ErrorVerdict(
                path=error.path,
                box=box,
                label=label,
                kind=error.kind,
                verdict=verdict,
                points=float(points),
                possible=float(FOUND_POINTS + CORRECTION_POINTS),
                given=_shown(error.path, given) if error.path in marked else "",
                expected=expected,
                why=error.why,
                message=message,
            )
        )
    alarms = []
    for path, given in marked.items():
        if path in planted:
            continue
        penalties += FALSE_ALARM_PENALTY
        box, label = _box_label(path)
        try:
            current = display(path, value_at(claim, path))
        except KeyError:
            current = ""
        where = f"box {box} ({label})" if box else path
        tail = f" ({current} was right)" if current else ""
        alarms.append(FalseAlarm(path=path, given=given or "", message=f"{where}: false alarm — nothing was wrong here{tail}; costs 0.5"))
    pct = percent(earned, penalties, possible)
    return ScrubberReport(
        errors=tuple(verdicts),
        false_alarms=tuple(alarms),
        earned=float(earned),
        penalties=float(penalties),
        possible=float(possible),
        score_pct=pct,
    )


def unplanted_problems(claim: Claim, errors: Sequence[PlantedError], code_problem: Callable[[str, str], str | None]) -> dict[str, str]:
    """The format problems of ``claim`` (``study.billing.claim.format_problems``) at fields that are
    not planted errors: a scrubber's claim must have none (only the planted errors are wrong). A
    problem at ``diagnoses.X`` counts as planted when ``diagnoses`` or ``diagnoses.X`` is."""
    planted = {error.path for error in errors}
    return {
        path: message
        for path, message in format_problems(claim, code_problem).items()
        if path not in planted and not (path.startswith("diagnoses.") and "diagnoses" in planted)
    }
