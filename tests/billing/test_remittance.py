"""Reading and checking a remittance, its key and the form's answers."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from study.billing.remittance import (
    LineAnswer,
    answers_from_form,
    money,
    parse_amount,
    parse_amount_text,
    parse_remit,
    parse_remit_key,
)
from tests.billing.remit_helpers import DENIED_ECG, KEY, OFFICE_VISIT, consistent_lines, remit_raw


def _paths(problems: list[tuple[str, str]]) -> list[str]:
    return [path for path, _ in problems]


def _line(**changes: Any) -> dict[str, Any]:
    line = copy.deepcopy(OFFICE_VISIT)
    line.update(changes)
    return line


def test_a_good_remittance_reads_to_the_cent() -> None:
    remit, problems = parse_remit(remit_raw(OFFICE_VISIT, DENIED_ECG, claim_adjustments=[{"group": "CO", "carc": "253", "amount": "1.28"}]))
    assert problems == []
    assert remit is not None
    assert remit.paid_date == dt.date(2026, 11, 2)
    first, second = remit.lines
    assert first.billed == Decimal("150.00") and first.paid == Decimal("64.00")
    assert first.patient_responsibility == Decimal("16.00") and first.write_off == Decimal("70.00")
    assert second.write_off == Decimal("60.00") and second.patient_responsibility == Decimal("0.00")
    assert second.remarks == ("N130",)
    assert remit.claim_adjustments[0].label == "CO-253"


def test_yaml_dates_and_numbers_are_accepted() -> None:
    raw = remit_raw(_line(dos=dt.date(2026, 10, 1), billed=150, allowed=80.0, coinsurance=16, paid=64.00), paid_date=dt.date(2026, 11, 2))
    raw["lines"][0]["adjustments"] = [{"group": "co", "carc": 45, "amount": 70}, {"group": "PR", "carc": "2", "amount": 16.0}]
    remit, problems = parse_remit(raw)
    assert problems == [] and remit is not None
    assert remit.lines[0].dos == dt.date(2026, 10, 1)
    assert remit.lines[0].adjustments[0].group == "CO" and remit.lines[0].adjustments[0].carc == "45"


@pytest.mark.parametrize(
    ("changes", "path", "fragment"),
    [
        (
            {"adjustments": [{"group": "XX", "carc": "45", "amount": "70.00"}, {"group": "PR", "carc": "2", "amount": "16.00"}]},
            "lines.1.adjustments.1.group",
            "group",
        ),
        (
            {"adjustments": [{"group": "CO", "carc": "999", "amount": "70.00"}, {"group": "PR", "carc": "2", "amount": "16.00"}]},
            "lines.1.adjustments.1.carc",
            "CARC",
        ),
        ({"remarks": ["N999"]}, "lines.1.remarks", "RARC"),
        ({"modifiers": ["ZZ"]}, "lines.1.modifiers", "modifier"),
        ({"paid": "65.00"}, "lines.1.paid", "does not add up"),
        ({"coinsurance": "15.00"}, "lines.1.coinsurance", "PR-2 adjustments"),
        ({"line": 3}, "lines.1.line", "line number"),
    ],
)
def test_a_remittance_that_reads_but_is_wrong_is_returned_with_its_problem(changes: dict[str, Any], path: str, fragment: str) -> None:
    remit, problems = parse_remit(remit_raw(_line()) | {"lines": [_line(line=1) | changes]})
    assert remit is not None
    assert path in _paths(problems)
    assert any(fragment in message for p, message in problems if p == path)


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"billed": "150.005"}, "lines.1.billed"),
        ({"billed": True}, "lines.1.billed"),
        ({"billed": "abc"}, "lines.1.billed"),
        ({"dos": "2026-10-01"}, "lines.1.dos"),
        ({"dos": "02/30/2026"}, "lines.1.dos"),
        ({"code": 99213}, "lines.1.code"),
    ],
)
def test_a_value_that_cannot_be_read_gives_no_remit(changes: dict[str, Any], path: str) -> None:
    remit, problems = parse_remit(remit_raw(_line(**changes)))
    assert remit is None
    assert path in _paths(problems)


def test_missing_header_fields_are_named() -> None:
    raw = remit_raw(OFFICE_VISIT)
    del raw["payer"]
    raw["paid_date"] = "13/01/2026"
    remit, problems = parse_remit(raw)
    assert remit is None
    assert {"payer", "paid_date"} <= set(_paths(problems))
    assert parse_remit("not a mapping") == (None, [("remit", "the remittance is a mapping")])
    assert "lines" in _paths(parse_remit(remit_raw() | {"lines": []})[1])


def test_a_negative_adjustment_is_allowed_but_not_a_negative_charge() -> None:
    line = _line(billed="-1.00")
    assert "lines.1.billed" in _paths(parse_remit(remit_raw(line))[1])
    reversal = remit_raw(OFFICE_VISIT, claim_adjustments=[{"group": "OA", "carc": "23", "amount": "-5.00"}])
    assert parse_remit(reversal)[1] == []


@given(st.lists(consistent_lines(), min_size=1, max_size=6))
def test_a_consistent_remittance_always_parses_without_problems(lines: list[dict[str, Any]]) -> None:
    remit, problems = parse_remit(remit_raw(*lines))
    assert problems == []
    assert remit is not None
    for line in remit.lines:
        assert line.billed - line.adjusted == line.paid


@given(consistent_lines(), st.integers(min_value=1, max_value=100_000), st.booleans())
def test_a_broken_sum_is_always_reported(line: dict[str, Any], off_by: int, up: bool) -> None:
    paid = Decimal(str(line["paid"])) + (Decimal(off_by) / 100 if up else -Decimal(off_by) / 100)
    line["paid"] = f"{paid:.2f}"
    remit, problems = parse_remit(remit_raw(line))
    assert "lines.1.paid" in _paths(problems)


# --- the key -------------------------------------------------------------------------------------


def _remit() -> Any:
    remit, problems = parse_remit(remit_raw(OFFICE_VISIT, DENIED_ECG))
    assert problems == []
    return remit


def test_a_good_key_reads() -> None:
    lines, problems = parse_remit_key(KEY, _remit())
    assert problems == []
    first, second = lines
    assert first.best_action == "bill-patient" and first.credit("accept") == Fraction(1, 2) and first.credit("appeal") == 0
    assert second.actions == (("appeal", Fraction(1)),) and second.evidence == "prior-authorization"
    assert parse_remit_key(KEY["lines"], _remit())[1] == []  # the bare list is accepted too


def _key_with(n: int, **changes: Any) -> dict[str, Any]:
    key = copy.deepcopy(KEY)
    key["lines"][n - 1].update(changes)
    return key


@pytest.mark.parametrize(
    ("key", "path"),
    [
        (_key_with(1, patient_responsibility="15.00"), "lines.1.patient_responsibility"),
        (_key_with(2, write_off="0.00"), "lines.2.write_off"),
        (_key_with(1, write_off="70.001"), "lines.1.write_off"),
        (_key_with(1, action="pay"), "lines.1.action"),
        (_key_with(1, action=[{"action": "accept", "credit": 0.5}]), "lines.1.action"),
        (_key_with(1, action=[{"action": "accept", "credit": 1}, {"action": "appeal", "credit": -0.5}]), "lines.1.action.2.credit"),
        (_key_with(1, action=[{"action": "accept", "credit": 1}, {"action": "appeal", "credit": 1.5}]), "lines.1.action.2.credit"),
        (_key_with(1, action=[{"action": "accept", "credit": 1}, {"action": "accept", "credit": 0.5}]), "lines.1.action.2.action"),
        (_key_with(1, evidence="medical-records"), "lines.1.evidence"),
        (_key_with(2, evidence="a letter"), "lines.2.evidence"),
        ({"lines": KEY["lines"][:1]}, "lines"),
    ],
)
def test_a_bad_key_is_refused_naming_the_field(key: dict[str, Any], path: str) -> None:
    _lines, problems = parse_remit_key(key, _remit())
    assert path in _paths(problems)


def test_a_key_that_is_not_a_list() -> None:
    assert parse_remit_key({"lines": "x"}, None) == ([], [("lines", "the key is a list of lines, one per remit line")])


# --- amounts and the form ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("16", "16.00"), ("16.5", "16.50"), (" $1,016.50 ", "1016.50"), ("-$3", "-3.00"), (".5", "0.50"), ("0", "0.00")],
)
def test_amounts_as_typed(text: str, expected: str) -> None:
    assert parse_amount_text(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "16.005", "1e3", "$", "--3", "$-3", "NaN", "Infinity", "1" * 40])
def test_not_amounts(text: str) -> None:
    assert parse_amount_text(text) is None


def test_parse_amount_and_money() -> None:
    assert parse_amount(1.1) == Decimal("1.10") and parse_amount(Decimal("2")) == Decimal("2.00")
    assert parse_amount(None) is None and parse_amount(False) is None and parse_amount(float("nan")) is None
    assert str(parse_amount("-0")) == "0.00"
    assert money(Decimal("1234.5")) == "$1,234.50" and money(Decimal("-5")) == "-$5.00"


def test_answers_from_the_form_keep_the_text_as_typed() -> None:
    form = {
        "lines-1-patient_responsibility": " $16 ",
        "lines-1-write_off": "seventy",
        "lines-1-action": ["Appeal", "accept"],
        "lines-2-evidence": "Prior-Authorization",
        "lines-3-action": "accept",
    }
    assert answers_from_form(form, 2) == [
        LineAnswer("$16", "seventy", "appeal", ""),
        LineAnswer("", "", "", "prior-authorization"),
    ]


@pytest.mark.parametrize(("form", "count"), [(None, 2), ({}, "x"), ({}, -3), ({"lines-1-action": object()}, 1), ([], 1)])
def test_answers_from_the_form_never_raise(form: Any, count: Any) -> None:
    answers = answers_from_form(form, count)
    assert all(isinstance(answer, LineAnswer) for answer in answers)


def test_the_form_reader_caps_the_line_count() -> None:
    assert len(answers_from_form({}, 10**9)) == 50
