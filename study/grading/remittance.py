"""The remittance grader: a learner's work on a payer's remittance, line by line (billing format,
``type: remittance``).

``grade_remittance(remit, key_lines, answers, *, rules={}) -> RemittanceReport``

Per remit line, four fields:

- ``patient_responsibility`` (1 point) and ``write_off`` (1 point): exact to the cent. The message
  after the attempt shows the working in plain words ("allowed $80.00 − paid $64.00 = $16.00
  coinsurance, the patient's share"); text that is not an amount is ``wrong`` ("not an amount").
- ``action`` (1 point × the credit of the chosen action; 0 when the key does not list it):
  ``correct`` at full credit, ``partial`` below it, ``wrong`` at none.
- ``evidence`` (0.5), only when the key has evidence: earned when the chosen action is ``appeal``
  and the evidence matches.

A blank field is ``missing`` (0 points). There are no penalties: ``score_pct = 100 × earned /
possible``, rounded half up to one decimal (100 when there is nothing to score). A line's rule
(``rules["lines.N.FIELD"]``) is added to that field's message after the attempt.

``RemittanceReport.to_json(after_attempt=False)`` hides every expected value the learner has not
written and shows the messages meant for during the attempt (which never give the answer away);
``RemittanceReport.from_json`` reads back what ``to_json(after_attempt=True)`` wrote.

Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from study.billing.codes import carc
from study.billing.remittance import ZERO, KeyLine, LineAnswer, Remit, RemitLine, money, parse_amount_text
from study.grading.results import number, percent

__all__ = ["FIELDS", "FIELD_VERDICTS", "RemitField", "RemittanceReport", "grade_remittance"]

#: The scored fields of a line, in order.
FIELDS = ("patient_responsibility", "write_off", "action", "evidence")
#: ``RemitField.verdict`` values.
FIELD_VERDICTS = ("correct", "partial", "wrong", "missing")

AMOUNT_POINTS = Fraction(1)
ACTION_POINTS = Fraction(1)
EVIDENCE_POINTS = Fraction(1, 2)

_NO_RULES: Mapping[str, str] = MappingProxyType({})
#: Plain names of the PR reason codes that make up the patient's share.
_SHARE_NAMES = {"1": "deductible", "2": "coinsurance", "3": "copay"}
_LABELS = {
    "patient_responsibility": "patient responsibility",
    "write_off": "write-off",
    "action": "action",
    "evidence": "evidence",
}


@dataclass(frozen=True)
class RemitField:
    """One scored field of one remit line. ``message`` is for after the attempt (it may give the
    answer); ``message_during`` never names a value the learner has not written."""

    line: int
    field: str
    submitted: str | None
    expected: str | None
    verdict: str
    points: float
    possible: float
    message: str
    message_during: str = ""

    @property
    def path(self) -> str:
        """``lines.N.FIELD``, as in ``rules``."""
        return f"lines.{self.line}.{self.field}"

    def to_json(self, after_attempt: bool = True) -> dict[str, Any]:
        if after_attempt:
            expected, message = self.expected, self.message
        else:
            expected = self.expected if self.verdict == "correct" else None
            message = self.message_during or self.message
        data: dict[str, Any] = {
            "line": self.line,
            "field": self.field,
            "submitted": self.submitted,
            "expected": expected,
            "verdict": self.verdict,
            "points": number(self.points),
            "possible": number(self.possible),
            "message": message,
        }
        if after_attempt:
            data["message_during"] = self.message_during
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RemitField:
        return cls(
            line=int(data["line"]),
            field=str(data["field"]),
            submitted=data.get("submitted"),
            expected=data.get("expected"),
            verdict=str(data["verdict"]),
            points=float(data["points"]),
            possible=float(data["possible"]),
            message=str(data.get("message", "")),
            message_during=str(data.get("message_during", data.get("message", ""))),
        )


@dataclass(frozen=True)
class RemittanceReport:
    """The grade of one remittance submission."""

    score_pct: float
    earned: float
    possible: float
    fields: tuple[RemitField, ...] = ()

    @property
    def score(self) -> float:
        """``earned / possible`` in 0..1 (1 when there is nothing to score)."""
        return min(1.0, max(0.0, self.earned / self.possible)) if self.possible else 1.0

    @property
    def correct(self) -> bool:
        """Every scored field is correct."""
        return all(field.verdict == "correct" for field in self.fields)

    def fields_of(self, line: int) -> list[RemitField]:
        return [field for field in self.fields if field.line == line]

    def field(self, line: int, name: str) -> RemitField | None:
        return next((field for field in self.fields if field.line == line and field.field == name), None)

    def verdicts(self) -> dict[str, str]:
        """``{"lines.N.FIELD": verdict}``"""
        return {field.path: field.verdict for field in self.fields}

    def to_json(self, after_attempt: bool = True) -> dict[str, Any]:
        return {
            "score_pct": number(self.score_pct),
            "earned": number(self.earned),
            "possible": number(self.possible),
            "correct": self.correct,
            "fields": [field.to_json(after_attempt) for field in self.fields],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RemittanceReport:
        return cls(
            score_pct=float(data["score_pct"]),
            earned=float(data["earned"]),
            possible=float(data["possible"]),
            fields=tuple(RemitField.from_json(field) for field in data.get("fields", ())),
        )


# --- the working shown after the attempt ---------------------------------------------------------


def _share_name(carc_code: str) -> str:
    return _SHARE_NAMES.get(carc_code, carc().get(carc_code, f"CARC {carc_code}").lower())


def _patient_working(line: RemitLine) -> str:
    pr = [a for a in line.adjustments if a.group == "PR"]
    total = line.patient_responsibility
    if not pr:
        return f"no PR adjustments on this line: the patient owes {money(ZERO)}"
    if len(pr) == 1:
        parts = _share_name(pr[0].carc)
    else:
        parts = "(" + " + ".join(f"{_share_name(a.carc)} {money(a.amount)}" for a in pr) + ")"
    if line.allowed - line.paid == total:
        return f"allowed {money(line.allowed)} − paid {money(line.paid)} = {money(total)} {parts}, the patient's share"
    if len(pr) == 1:
        return f"PR-{pr[0].carc} {parts} {money(total)}: the patient's share is {money(total)}"
    sums = " + ".join(f"PR-{a.carc} {money(a.amount)}" for a in pr)
    return f"{sums} = {money(total)} {parts}, the patient's share"


def _write_off_working(line: RemitLine) -> str:
    co = [a for a in line.adjustments if a.group == "CO"]
    total = line.write_off
    if not co:
        return f"no CO adjustments on this line: nothing to write off ({money(ZERO)})"
    labels = ", ".join(a.label for a in co)
    if line.billed - line.allowed == total:
        return (
            f"billed {money(line.billed)} − allowed {money(line.allowed)} = {money(total)} ({labels}), "
            "the contractual write-off the provider may not bill the patient"
        )
    sums = " + ".join(f"{a.label} {money(a.amount)}" for a in co)
    if len(co) > 1:
        sums += f" = {money(total)}"
    return f"{sums}: a write-off of {money(total)} the provider may not bill the patient"


def _with_rule(message: str, rules: Mapping[str, str], path: str) -> str:
    rule = rules.get(path)
    return f"{message} Rule: {rule}" if rule else message


# --- grading -------------------------------------------------------------------------------------


def _answer(answers: Sequence[LineAnswer | Mapping[str, object]], index: int) -> LineAnswer:
    if index >= len(answers):
        return LineAnswer()
    raw = answers[index]
    if isinstance(raw, LineAnswer):
        return raw
    if isinstance(raw, Mapping):
        values = {name: str(raw.get(name) or "").strip() for name in FIELDS}
        return LineAnswer(**values)
    return LineAnswer()


class _Grader:
    def __init__(self, rules: Mapping[str, str]) -> None:
        self.rules = rules
        self.fields: list[RemitField] = []
        self.earned = Fraction(0)
        self.possible = Fraction(0)

    def add(self, field: RemitField, earned: Fraction, possible: Fraction) -> None:
        self.fields.append(field)
        self.earned += earned
        self.possible += possible

    def amount(self, n: int, name: str, typed: str, expected: Decimal, working: str) -> None:
        label = _LABELS[name]
        path = f"lines.{n}.{name}"
        expected_text = money(expected)
        if not typed:
            message = f"missing: enter the {label}. {working[0].upper()}{working[1:]}."
            during = f"missing: enter the {label}"
            self.add(
                RemitField(n, name, None, expected_text, "missing", 0.0, 1.0, _with_rule(message, self.rules, path), during),
                Fraction(0),
                AMOUNT_POINTS,
            )
            return
        value = parse_amount_text(typed)
        if value is None:
            message = f"“{typed}” is not an amount. {working[0].upper()}{working[1:]}."
            during = f"“{typed}” is not an amount (dollars and cents, e.g. 16.00)"
            self.add(
                RemitField(n, name, typed, expected_text, "wrong", 0.0, 1.0, _with_rule(message, self.rules, path), during),
                Fraction(0),
                AMOUNT_POINTS,
            )
            return
        if value == expected:
            message = f"correct: {working}."
            self.add(
                RemitField(n, name, money(value), expected_text, "correct", 1.0, 1.0, message, "correct"), AMOUNT_POINTS, AMOUNT_POINTS
            )
            return
        message = f"{money(value)} is not the {label}: {working}."
        during = f"{money(value)} is not the {label}"
        self.add(
            RemitField(n, name, money(value), expected_text, "wrong", 0.0, 1.0, _with_rule(message, self.rules, path), during),
            Fraction(0),
            AMOUNT_POINTS,
        )

    def action(self, n: int, typed: str, key: KeyLine) -> None:
        path = f"lines.{n}.action"
        best = key.best_action
        others = [f"{action} ({_pct(credit)} credit)" for action, credit in key.actions if credit < 1]
        also = f"; also accepted: {', '.join(others)}" if others else ""
        if not typed:
            message = _with_rule(f"missing: choose an action. The best action is {best}{also}.", self.rules, path)
            self.add(
                RemitField(n, "action", None, best, "missing", 0.0, 1.0, message, "missing: choose an action"), Fraction(0), ACTION_POINTS
            )
            return
        credit = key.credit(typed)
        points = ACTION_POINTS * credit
        if credit == 1:
            verdict, message, during = "correct", f"correct: {typed} is the best action{also}.", "correct"
        elif credit > 0:
            verdict = "partial"
            message = f"{typed} earns {_pct(credit)} credit; the best action is {best}."
            during = f"{typed} earns partial credit ({_pct(credit)}); there is a better action"
        else:
            verdict = "wrong"
            message = f"{typed} is not right for this line; the best action is {best}{also}."
            during = f"{typed} is not right for this line"
        if verdict != "correct":
            message = _with_rule(message, self.rules, path)
        self.add(RemitField(n, "action", typed, best, verdict, number(points), 1.0, message, during), points, ACTION_POINTS)

    def evidence(self, n: int, typed: str, action: str, key: KeyLine) -> None:
        if key.evidence is None:
            return
        path = f"lines.{n}.evidence"
        expected = key.evidence
        if not typed:
            message = _with_rule(f"missing: the appeal should send {expected}.", self.rules, path)
            self.add(
                RemitField(n, "evidence", None, expected, "missing", 0.0, 0.5, message, "missing: choose the evidence for an appeal"),
                Fraction(0),
                EVIDENCE_POINTS,
            )
            return
        if action != "appeal":
            message = _with_rule(f"evidence counts only with an appeal; the appeal should send {expected}.", self.rules, path)
            during = "evidence counts only with an appeal"
            self.add(RemitField(n, "evidence", typed, expected, "wrong", 0.0, 0.5, message, during), Fraction(0), EVIDENCE_POINTS)
            return
        if typed == expected:
            self.add(
                RemitField(n, "evidence", typed, expected, "correct", 0.5, 0.5, f"correct: the appeal sends {expected}.", "correct"),
                EVIDENCE_POINTS,
                EVIDENCE_POINTS,
            )
            return
        message = _with_rule(f"{typed} is not the evidence this appeal needs; send {expected}.", self.rules, path)
        self.add(
            RemitField(n, "evidence", typed, expected, "wrong", 0.0, 0.5, message, f"{typed} is not the evidence this appeal needs"),
            Fraction(0),
            EVIDENCE_POINTS,
        )


def _pct(credit: Fraction) -> str:
    return f"{float(credit) * 100:g}%"


def grade_remittance(
    remit: Remit,
    key_lines: Sequence[KeyLine],
    answers: Sequence[LineAnswer | Mapping[str, object]],
    *,
    rules: Mapping[str, str] = _NO_RULES,
) -> RemittanceReport:
    """Grade the learner's ``answers`` (one per remit line, in order) against ``key_lines``.

    The remittance and key must have been checked (``parse_remit``, ``parse_remit_key``): the
    expected amounts are the key's, the working is shown from the remit line. Lines beyond the
    shorter of the remit and the key are not scored; missing answers are blank.
    """
    grader = _Grader(rules)
    for index, (line, key) in enumerate(zip(remit.lines, key_lines, strict=False)):
        n = index + 1
        answer = _answer(answers, index)
        grader.amount(
            n, "patient_responsibility", answer.patient_responsibility.strip(), key.patient_responsibility, _patient_working(line)
        )
        grader.amount(n, "write_off", answer.write_off.strip(), key.write_off, _write_off_working(line))
        action = answer.action.strip().lower()
        grader.action(n, action, key)
        grader.evidence(n, answer.evidence.strip().lower(), action, key)
    possible = grader.possible
    score_pct = percent(grader.earned, Fraction(0), possible)  # no penalties on a remittance
    return RemittanceReport(
        score_pct=score_pct,
        earned=number(grader.earned),
        possible=number(possible),
        fields=tuple(grader.fields),
    )
