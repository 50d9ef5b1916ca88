"""Normalisation of typed codes and parsing of text submissions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study.codes.normalize import (
    MAX_UNITS,
    classify_procedure_code,
    format_procedure,
    icd10cm_with_dot,
    icd10cm_without_dot,
    is_pcs_shape,
    looks_like_icd10cm,
    normalize_cpt,
    normalize_hcpcs,
    normalize_icd10cm,
    normalize_modifier,
    normalize_pcs,
    parse_procedure,
    parse_procedures,
    parse_submission,
    procedure_fields,
    submission_from_lists,
)
from study.codes.types import ProcedureEntry, Submission


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("E11.22", "E11.22"),
        ("e1122", "E11.22"),
        (" e11.22 ", "E11.22"),
        ("s72.21xa", "S72.21XA"),
        ("S7221XA", "S72.21XA"),
        ("E 11 . 22", "E11.22"),
        ("I10", "I10"),
        ("i10", "I10"),
        ("E11.", "E11"),
        ("\uff25\uff11\uff11\uff0e\uff12\uff12", "E11.22"),  # full-width characters
        ("E112.2", "E112.2"),  # a misplaced dot is not "repaired" into another code
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalize_icd10cm(raw: str, expected: str) -> None:
    assert normalize_icd10cm(raw) == expected


def test_normalize_icd10cm_accepts_non_strings() -> None:
    assert normalize_icd10cm(None) == ""
    assert normalize_icd10cm(123) == "123"


def test_dot_helpers() -> None:
    assert icd10cm_without_dot("E11.22") == "E1122"
    assert icd10cm_with_dot("E1122") == "E11.22"
    assert icd10cm_with_dot("I10") == "I10"


@pytest.mark.parametrize(
    ("raw", "looks"),
    [
        ("E11.22", True),
        ("e1122", True),
        ("S72.21XA", True),
        ("I10", True),
        ("R05", True),
        ("99214", False),
        ("E11.22.1", False),
        ("E1", False),
        ("hello", False),
        ("E11.22345", False),
    ],
)
def test_looks_like_icd10cm(raw: str, looks: bool) -> None:
    assert looks_like_icd10cm(raw) is looks


def test_other_normalizers() -> None:
    assert normalize_cpt(" 0075t ") == "0075T"
    assert normalize_hcpcs("j 1100") == "J1100"
    assert normalize_pcs("0src0j9") == "0SRC0J9"
    assert normalize_modifier("-rt") == "RT"
    assert normalize_modifier(" 25 ") == "25"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("99214", "cpt"),
        ("0075T", "cpt"),
        ("3074F", "cpt"),
        ("3074f", "cpt"),
        ("J1100", "hcpcs"),
        ("A4550", "hcpcs"),
        ("V2020", "hcpcs"),
        ("W1234", None),
        ("9921", None),
        ("992145", None),
        ("0001U", None),
        ("E11.22", None),
        ("", None),
    ],
)
def test_classify_procedure_code(code: str, kind: str | None) -> None:
    assert classify_procedure_code(code) == kind


def test_pcs_shape() -> None:
    assert is_pcs_shape("0SRC0J9")
    assert not is_pcs_shape("0SRC0I9")  # no I
    assert not is_pcs_shape("0SRC0O9")  # no O
    assert not is_pcs_shape("0SRC0J")


def test_parse_submission_example_from_the_spec() -> None:
    sub = parse_submission("E11.22, N18.31", "99214-25, 20610-RT, J1100x4, 64483-50", "0SRC0J9")
    assert sub.diagnoses == ("E11.22", "N18.31")
    assert sub.pcs == ("0SRC0J9",)
    assert [(p.code, p.modifiers, p.units) for p in sub.procedures] == [
        ("99214", ("25",), 1),
        ("20610", ("RT",), 1),
        ("J1100", (), 4),
        ("64483", ("50",), 1),
    ]
    assert sub.procedures[2].units_written and not sub.procedures[0].units_written


def test_parse_submission_tolerates_spacing_case_and_separators() -> None:
    sub = parse_submission("  e1122 ;n1831\n\tI10 ", "99214 - 25 ,  20610-rt-lt   j1100 x 4; 64483 X2", "0src0j9 0SRB0J9")
    assert sub.diagnoses == ("E11.22", "N18.31", "I10")
    assert [(p.code, p.modifiers, p.units) for p in sub.procedures] == [
        ("99214", ("25",), 1),
        ("20610", ("RT", "LT"), 1),
        ("J1100", (), 4),
        ("64483", (), 2),
    ]
    assert sub.pcs == ("0SRC0J9", "0SRB0J9")


def test_units_after_a_modifier_and_units_written_twice() -> None:
    assert parse_procedure("J1100-JWX2") == ProcedureEntry("J1100-JWX2", "J1100", ("JW",), 2, True)
    assert parse_procedure("J1100X4-JW").units == 4
    twice = parse_procedure("J1100X4-JWX2")
    assert twice.problem is not None and "twice" in twice.problem


def test_zero_and_absurd_units_are_kept_and_flagged() -> None:
    zero = parse_procedure("J1100X0")
    assert zero.units == 0 and zero.units_problem and "units start at 1" in zero.units_problem
    huge = parse_procedure("J1100X99999999999999999999")
    assert huge.units > MAX_UNITS and huge.units_problem
    assert parse_procedure("J1100X3").units_problem is None


def test_bad_pieces_become_entries() -> None:
    sub = parse_submission("", "-25, x4, hello, 99214--25", "")
    codes = [p.code for p in sub.procedures]
    assert codes == ["", "", "HELLO", "99214"]
    assert sub.procedures[0].problem and sub.procedures[1].problem
    assert sub.procedures[3].modifiers == ("25",)


def test_empty_submission() -> None:
    assert parse_submission() == Submission()
    assert parse_submission(None, None, None) == Submission()  # type: ignore[arg-type]


def test_submission_from_lists() -> None:
    sub = submission_from_lists(["e1122", " N18.31 "], ["99214-25", "J1100x2"], ["0src0j9"])
    assert sub.diagnoses == ("E11.22", "N18.31")
    assert [p.code for p in sub.procedures] == ["99214", "J1100"]
    assert sub.pcs == ("0SRC0J9",)
    assert submission_from_lists("E11.9", None, 5).diagnoses == ("E11.9",)


@settings(max_examples=300)
@given(st.text(), st.text(), st.text())
def test_parse_submission_never_raises(dx: str, px: str, pcs: str) -> None:
    sub = parse_submission(dx, px, pcs)
    assert all(isinstance(c, str) and c for c in sub.diagnoses)
    assert all(isinstance(p, ProcedureEntry) for p in sub.procedures)


@settings(max_examples=200)
@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz-x ,.;*\u00d7", max_size=60))
def test_parse_procedures_never_raises_on_code_like_text(text: str) -> None:
    for entry in parse_submission("", text, "").procedures:
        assert entry.units >= 0
        assert " " not in entry.code


@given(st.text())
def test_normalizers_never_raise(text: str) -> None:
    for fn in (normalize_icd10cm, normalize_cpt, normalize_hcpcs, normalize_pcs, normalize_modifier):
        assert isinstance(fn(text), str)
    assert classify_procedure_code(text) in ("cpt", "hcpcs", None)
    looks_like_icd10cm(text)


@pytest.mark.parametrize(
    ("row", "text", "fields"),
    [
        (("25600", "RT", ""), "25600-RT", ("25600", "RT", "")),
        (("20610", "rt, 59", "2"), "20610-rt-59x2", ("20610", "RT 59", "2")),
        ((" J1100 ", "", " 4 "), "J1100x4", ("J1100", "", "4")),
        (("99214", "25-XS", "1"), "99214-25-XS", ("99214", "25 XS", "")),
        (("64483", " ", ""), "64483", ("64483", "", "")),
    ],
)
def test_a_procedure_row_has_one_text_format(row, text, fields) -> None:
    """The entry form's row becomes the text parse_procedure reads, and the text fills the row back in."""
    assert format_procedure(*row) == text
    entry = parse_procedures(text)[0]
    assert (entry.code, entry.modifiers, entry.units) == (fields[0], tuple(fields[1].split()), int(fields[2] or 1))
    assert procedure_fields(text) == fields


def test_procedure_fields_reads_pasted_text_and_nothing() -> None:
    assert procedure_fields("J1100X4") == ("J1100", "", "4")  # a pasted entry (upper-case X) keeps its units
    assert procedure_fields("") == ("", "", "")
