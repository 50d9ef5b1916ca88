"""Normalising what learners type, at the edges: the ways of writing units (×, *, 'x 4'), units with
leading zeros and implausible counts, dots in odd places, and input that is not text."""

from __future__ import annotations

import pytest

from study.codes.normalize import (
    MAX_UNITS,
    icd10cm_with_dot,
    normalize_icd10cm,
    parse_diagnoses,
    parse_pcs,
    parse_procedure,
    parse_procedures,
    submission_from_lists,
)


@pytest.mark.parametrize("text", ["J1100×4", "J1100 × 4", "J1100*4", "j1100 * 4", "J1100X 4", "J1100x 4", "J1100 x4", "J1100 X 4"])
def test_every_way_of_writing_units(text):
    (entry,) = parse_procedures(text)
    assert (entry.raw, entry.code, entry.units, entry.units_written, entry.problem) == ("J1100X4", "J1100", 4, True, None)


def test_units_after_a_spaced_x_do_not_run_into_the_next_code():
    assert [(e.code, e.modifiers, e.units) for e in parse_procedures("J1100x 4 20610-rt")] == [("J1100", (), 4), ("20610", ("RT",), 1)]


@pytest.mark.parametrize(
    "token, units, problem",
    [
        ("J1100X40", 40, None),
        ("J1100X0040", 40, None),
        ("J1100X0000001", 1, None),
        (f"J1100X{MAX_UNITS}", MAX_UNITS, None),
        (f"J1100X{MAX_UNITS + 1}", MAX_UNITS + 1, f"x{MAX_UNITS + 1} is not a plausible number of units"),
        ("J1100X999999", 999999, "x999999 is not a plausible number of units"),
        ("J1100X1234567", 10**6, "x1234567 is not a plausible number of units"),  # capped, never a huge int
        ("J1100X" + "9" * 40, 10**6, "x" + "9" * 40 + " is not a plausible number of units"),
        ("J1100X0", 0, "x0 is not a number of units: units start at 1"),
        ("J1100X000", 0, "x000 is not a number of units: units start at 1"),
    ],
)
def test_units_numbers(token, units, problem):
    entry = parse_procedure(token)
    assert (entry.units, entry.units_problem) == (units, problem)


@pytest.mark.parametrize(
    "raw, code",
    [
        ("E11.", "E11"),  # a trailing dot after a category is dropped
        ("E1.9", "E1.9"),  # a dot elsewhere is left alone (an invalid code stays invalid)
        ("E11.9.", "E11.9."),
        ("e1122", "E11.22"),
    ],
)
def test_dots(raw, code):
    assert normalize_icd10cm(raw) == code


@pytest.mark.parametrize("code, dotted", [("E1122", "E11.22"), ("E11.22", "E11.22"), ("E1.122", "E11.22"), ("E11", "E11"), ("E1", "E1")])
def test_icd10cm_with_dot_moves_the_dot_only(code, dotted):
    assert icd10cm_with_dot(code) == dotted


def test_input_that_is_not_text_is_read_as_its_text():
    assert parse_diagnoses(250) == ("250",)
    assert parse_pcs(1234567) == ("1234567",)
    (entry,) = parse_procedures(99214)
    assert entry.code == "99214"
    submission = submission_from_lists([25], [99214, "J1100x2"], [1234567])
    assert submission.diagnoses == ("25",) and submission.pcs == ("1234567",)
    assert [(e.code, e.units) for e in submission.procedures] == [("99214", 1), ("J1100", 2)]
    assert [e.code for e in submission_from_lists(None, 99214, None).procedures] == ["99214"]
