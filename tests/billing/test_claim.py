"""The CMS-1500 claim model: parsing, the learner's form, format checks, normalisation, display."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from study.billing.claim import (
    FIELDS,
    LINE_FIELDS,
    Claim,
    ServiceLine,
    box_of,
    claim_from_form,
    display,
    field_paths,
    format_problems,
    load_place_of_service,
    normalise,
    parse_claim,
    value_at,
)
from study.billing.npi import make_fictional
from tests.billing.samples import BILLING_NPI, RENDERING_NPI, claim, no_code_problem, raw


def _paths(problems: list[tuple[str, str]]) -> list[str]:
    return [path for path, _ in problems]


# --- the place-of-service list -------------------------------------------------------------------


def test_the_pos_list_has_the_codes_codeprep_uses() -> None:
    places = load_place_of_service()
    assert {"02", "10", "11", "20", "21", "22", "24", "31"} <= set(places)  # what the exercises use (test_code_lists)
    assert all(len(code) == 2 and code.isdigit() for code in places)
    assert all(0 < len(text) < 100 and "\n" not in text for text in places.values())


def test_field_specs_cover_the_format() -> None:
    assert len(FIELDS) == 37 and len(LINE_FIELDS) == 10
    assert box_of("insured_id") == "1a" and box_of("lines.3.pointers") == "24E" and box_of("lines.1.npi") == "24J"
    assert FIELDS["insurance_type"].choices[0] == "medicare"


# --- parse_claim ---------------------------------------------------------------------------------


def test_the_sample_parses_without_problems() -> None:
    parsed, problems = parse_claim(raw(), require_all=True)
    assert problems == []
    assert parsed is not None
    assert parsed.patient_dob == date(1981, 3, 14)
    assert parsed.employment == "no" and parsed.other_accident == "yes" and parsed.accept_assignment == "yes"
    assert parsed.total_charge == Decimal("205.00")
    assert parsed.lines[1].charges == Decimal("80.00")
    assert parsed.lines[0].pointers == ("B", "A") and parsed.lines[0].modifiers == ("25",)
    assert format_problems(parsed, no_code_problem) == {}


def test_yaml_dates_and_unquoted_numbers_are_accepted() -> None:
    data = raw()
    data["patient_dob"] = date(1981, 3, 14)
    data["lines"][0]["pos"] = 2
    data["lines"][0]["code"] = 99213
    data["icd_indicator"] = 0
    parsed, problems = parse_claim(data, require_all=True)
    assert problems == [] and parsed is not None
    assert parsed.patient_dob == date(1981, 3, 14) and parsed.lines[0].pos == "02" and parsed.lines[0].code == "99213"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"insurance_type": "medicare-advantage"}, "insurance_type"),
        ({"relationship": "cousin"}, "relationship"),
        ({"patient_sex": "X"}, "patient_sex"),
        ({"patient_dob": "1981-03-14"}, "patient_dob"),
        ({"total_charge": "205.005"}, "total_charge"),
        ({"employment": "maybe"}, "employment"),
        ({"resubmission_code": "9"}, "resubmission_code"),
        ({"accident_state": "Oregon"}, "accident_state"),
        ({"colour": "blue"}, "colour"),
        ({"diagnoses": ["I10"] * 13}, "diagnoses"),
    ],
)
def test_top_level_problems(change: dict[str, object], path: str) -> None:
    data = raw()
    data.update(change)
    parsed, problems = parse_claim(data, require_all=True)
    assert parsed is not None
    assert path in _paths(problems)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("units", 0, "whole number"),
        ("units", 1.5, "whole number"),
        ("units", "two", "whole number"),
        ("charges", 12.345, "two decimals"),
        ("from", "3/2/26", "MM/DD/YYYY"),
        ("modifiers", ["25", "59", "LT", "RT", "76"], "at most 4"),
        ("pointers", ["A", "B", "A", "B", "A"], "at most 4"),
        ("pointers", ["C"], "empty diagnosis"),
        ("pointers", ["Z"], "A–L"),
        ("emg", "maybe", "not one of"),
        ("colour", "blue", "unknown"),
    ],
)
def test_line_problems(field: str, value: object, message: str) -> None:
    data = raw()
    data["lines"][0][field] = value
    _, problems = parse_claim(data, require_all=True)
    found = dict(problems)
    assert message in found[f"lines.1.{field}"]


def test_too_many_lines_and_missing_keys() -> None:
    data = raw()
    data["lines"] = data["lines"] * 4
    del data["plan_name"]
    _, problems = parse_claim(data, require_all=True)
    assert {"lines", "plan_name"} <= set(_paths(problems))
    data = raw()
    del data["plan_name"]
    assert parse_claim(data, require_all=False)[1] == []


def test_not_a_mapping() -> None:
    assert parse_claim(["nope"], require_all=True)[0] is None  # type: ignore[arg-type]


# --- the learner's form --------------------------------------------------------------------------


def _form() -> dict[str, str]:
    return {
        "insurance_type": "Group",
        "patient_name": "quill,marisol t",
        "patient_dob": "03/14/1981",
        "employment": "no",
        "total_charge": "$205.00",
        "diagnoses-A": "i10",
        "diagnoses-B": "s93402a",
        "lines-1-from": "03/02/2026",
        "lines-1-pos": "11",
        "lines-1-code": "99213",
        "lines-1-modifiers": "25, lt",
        "lines-1-pointers": "BA",
        "lines-1-charges": "125",
        "lines-1-units": "1",
        "lines-1-npi": RENDERING_NPI,
        "lines-3-code": "29540",
        "lines-3-pointers": "B",
        "lines-3-units": "1",
    }


def test_the_form_is_read_and_blank_lines_dropped() -> None:
    learner = claim_from_form(_form())
    assert learner.insurance_type == "group"
    assert learner.diagnoses == ("I10", "S93402A")
    assert [line.code for line in learner.lines] == ["99213", "29540"]
    first = learner.lines[0]
    assert first.modifiers == ("25", "LT") and first.pointers == ("B", "A") and first.charges == Decimal("125.00")
    assert first.from_ == date(2026, 3, 2) and first.units == 1
    assert learner.total_charge == Decimal("205.00")


@pytest.mark.parametrize("pointers", ["A B", "AB", "A,B", " a , b "])
def test_pointer_spellings(pointers: str) -> None:
    learner = claim_from_form({"diagnoses-A": "I10", "diagnoses-B": "I10", "lines-1-code": "99213", "lines-1-pointers": pointers})
    assert learner.lines[0].pointers == ("A", "B")


def test_junk_is_kept_for_the_format_check() -> None:
    junk = {
        "patient_dob": "02/30/1981",
        "total_charge": "lots",
        "billing_npi": "1234567890",
        "diagnoses-A": "I10",
        "diagnoses-C": "E11.9",
        "lines-1-from": "13/45/2026",
        "lines-1-pos": "88",
        "lines-1-code": "99213",
        "lines-1-modifiers": "ZZ",
        "lines-1-pointers": "B 7",
        "lines-1-charges": "1.999",
        "lines-1-units": "one",
        "lines-6-code": "29540",
    }
    learner = claim_from_form(junk)
    assert learner.patient_dob == "02/30/1981" and learner.total_charge == "lots" and learner.lines[0].units == "one"
    assert learner.diagnoses == ("I10", "", "E11.9")
    problems = format_problems(learner, no_code_problem)
    for path in (
        "patient_dob",
        "total_charge",
        "billing_npi",
        "lines.1.from",
        "lines.1.pos",
        "lines.1.modifiers",
        "lines.1.pointers",
        "lines.1.charges",
        "lines.1.units",
    ):
        assert path in problems, path
    assert "real date" in problems["patient_dob"] and "check digit" in problems["billing_npi"]
    assert "empty diagnosis" in problems["lines.1.pointers"]


def test_the_form_never_raises_on_odd_input() -> None:
    claim_from_form({"lines-1-units": "-1", "lines-1-charges": "NaN", "lines-1-from": "", "patient_dob": "Infinity"}, line_count=0)
    claim_from_form({"lines-1-charges": "Infinity", "lines-1-units": "²"})


# --- format problems -----------------------------------------------------------------------------


def test_format_problems_of_a_claim() -> None:
    data = raw()
    data["billing_npi"] = BILLING_NPI[:9] + str((int(BILLING_NPI[9]) + 1) % 10)
    data["lines"][0]["pos"] = "88"
    data["lines"][0]["modifiers"] = ["Q9"]
    data["lines"][1]["to"] = "03/01/2026"
    data["lines"][1]["from"] = "02/29/2026"
    data["total_charge"] = "200.00"
    parsed, _ = parse_claim(data, require_all=True)
    assert parsed is not None
    problems = format_problems(parsed, no_code_problem)
    assert set(problems) == {"billing_npi", "lines.1.pos", "lines.1.modifiers", "lines.2.from", "total_charge"}
    assert "205.00" in problems["total_charge"]


def test_codes_go_to_the_callers_checker() -> None:
    calls: list[tuple[str, str]] = []

    def code_problem(system: str, code: str) -> str | None:
        calls.append((system, code))
        return "not billable" if code == "S93.402A" else None

    problems = format_problems(claim(), code_problem)
    assert problems == {"diagnoses.B": "not billable"}
    assert calls == [("icd10cm", "I10"), ("icd10cm", "S93.402A"), ("cpt_hcpcs", "99213"), ("cpt_hcpcs", "29540")]


def test_a_fictional_or_real_npi_passes_the_format_check() -> None:
    assert format_problems(claim(billing_npi="1234567893"), no_code_problem) == {}
    assert format_problems(claim(billing_npi=make_fictional(99)), no_code_problem) == {}


# --- normalise, paths, display -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "a", "b"),
    [
        ("insured_id", "XJH-44 1902", "xjh441902"),
        ("patient_name", "QUILL, MARISOL T", "quill ,marisol  t."),
        ("patient_dob", "03/14/1981", date(1981, 3, 14)),
        ("patient_dob", "3/14/1981", "03/14/1981"),
        ("total_charge", "205", "$205.00"),
        ("total_charge", 205.0, Decimal("205.00")),
        ("diagnoses", ["s93402a", "I10"], ("S93.402A", "I10.")),
        ("diagnoses.B", "S93402A", "s93.402a"),
        ("lines.1.modifiers", ["25", "LT"], "lt 25"),
        ("lines.1.pointers", ["B", "A"], "B,A"),
        ("lines.2.code", " 99213 ", "99213"),
        ("lines.1.pos", 2, "02"),
        ("employment", False, "NO"),
        ("insurance_type", "Group", "group"),
        ("tax_id", "12-3456789", "123456789"),
        ("billing_phone", "(541) 555-0142", "541-555-0142"),
        ("plan_name", "harbor  mutual ppo", "Harbor Mutual PPO"),
        ("lines.1.units", "1", 1),
    ],
)
def test_normalise_equal(path: str, a: object, b: object) -> None:
    assert normalise(path, a) == normalise(path, b)


@pytest.mark.parametrize(
    ("path", "a", "b"),
    [
        ("lines.1.pointers", ["B", "A"], ["A", "B"]),
        ("diagnoses", ["I10", "S93.402A"], ["S93.402A", "I10"]),
        ("total_charge", "205.00", "205.01"),
        ("patient_name", "QUILL, MARISOL T", "MARISOL T QUILL"),
        ("lines.1.modifiers", ["25"], ["25", "59"]),
        ("total_charge", "lots", "205.00"),
    ],
)
def test_normalise_different(path: str, a: object, b: object) -> None:
    assert normalise(path, a) != normalise(path, b)


def test_paths_values_and_display() -> None:
    sample = claim()
    paths = field_paths(sample)
    assert paths[0] == "insurance_type" and "diagnoses" in paths and "lines" not in paths
    assert paths[-10:] == [f"lines.2.{name}" for name in LINE_FIELDS]
    assert value_at(sample, "lines.1.pointers") == ("B", "A")
    assert value_at(sample, "diagnoses.B") == "S93.402A" and value_at(sample, "diagnoses.D") == ""
    with pytest.raises(KeyError):
        value_at(sample, "lines.3.code")
    with pytest.raises(KeyError):
        value_at(sample, "colour")
    assert display("patient_dob", sample.patient_dob) == "03/14/1981"
    assert display("total_charge", sample.total_charge) == "205.00"
    assert display("diagnoses", sample.diagnoses) == "A: I10, B: S93.402A"
    assert display("lines.1.pointers", ("B", "A")) == "B A"
    assert display("prior_auth", "") == "(blank)"


def test_with_value_replaces_one_field() -> None:
    sample = claim()
    changed = sample.with_value("lines.2.units", 3).with_value("diagnoses.C", "E11.9").with_value("plan_name", "X")
    assert changed.lines[1].units == 3 and changed.diagnoses == ("I10", "S93.402A", "E11.9") and changed.plan_name == "X"
    assert sample.lines[1].units == 1
    assert isinstance(Claim(), Claim) and ServiceLine().is_blank()


def test_box_17_names_compare_without_punctuation() -> None:
    """Regression: "Samuel T. Reyes, MD" was wrong against the key "SAMUEL T REYES MD"."""
    assert normalise("referring_name", "Samuel T. Reyes, MD") == normalise("referring_name", "SAMUEL T REYES MD")
    assert normalise("patient_name", "smith , jane q.") == "SMITH,JANE Q"  # boxes 2, 4 and 9 keep LAST, FIRST
