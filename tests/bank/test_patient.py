"""The bank-format extension `patient` (inpatient cases: age, sex, discharge status for the MS-DRG
grouper) and `drg_note`: parsing, writing back, and the validator's messages with file and line."""
from __future__ import annotations

import pytest

from study.bank.model import CaseItem, Patient
from study.bank.parser import parse_item
from study.bank.writer import write_item
from tests.bank.test_validate import Run, problems  # noqa: F401 (the fixture)

INPATIENT = """---
id: case-test-001
type: case
exams: [CCS]
topic: icd-10-pcs
setting: inpatient
patient:
  age: 82
  sex: female
  discharge: snf
key:
  diagnoses:
    - M16.11
  pcs:
    - "0SR9019"
---
## Documentation
82-year-old woman; total hip replacement; discharged to a skilled nursing facility.

## Rationale
Because.
"""

PATIENT_LINES = "patient:\n  age: 82\n  sex: female\n  discharge: snf\n"


def _case(text: str) -> CaseItem:
    item, found = parse_item(text, "case-test-001.md")
    assert found == [] and isinstance(item, CaseItem)
    return item


def test_patient_is_parsed_with_the_ub04_code_and_written_back() -> None:
    case = _case(INPATIENT)
    assert case.patient == Patient(age=82, sex="female", discharge="03")
    assert case.patient.discharge_name == "snf"
    assert _case(write_item(case)) == case
    quoted = _case(INPATIENT.replace("discharge: snf", 'discharge: "62"'))
    assert quoted.patient == Patient(82, "female", "62") and "discharge: rehab" in write_item(quoted)


def test_the_patient_changes_the_content_hash_but_a_case_without_one_keeps_its_hash() -> None:
    case = _case(INPATIENT)
    assert _case(INPATIENT.replace("age: 82", "age: 83")).content_hash != case.content_hash
    without = _case(INPATIENT.replace(PATIENT_LINES, ""))
    assert without.patient is None
    # the hash this case had before the extension (computed with the model of ee6108e): no new version on import
    assert without.content_hash == "d9ef6fa0b4fa9c987657ae9486b3a1c7ec985c167de56c768ef53abc024f846f"
    assert "patient:" not in write_item(without)


def test_a_valid_patient_block_has_no_problem(problems: Run) -> None:  # noqa: F811
    assert problems(INPATIENT) == []
    assert problems(INPATIENT.replace("discharge: snf", 'discharge: "03"')) == []
    assert problems(INPATIENT.replace(PATIENT_LINES, PATIENT_LINES + 'drg_note: "drgpy has no age input"\n')) == []


def test_an_inpatient_case_with_pcs_lines_needs_a_patient(problems: Run) -> None:  # noqa: F811
    assert problems(INPATIENT.replace(PATIENT_LINES, "")) == [
        "case-test-001.md:6: an inpatient case with ICD-10-PCS lines needs 'patient:' with age, sex and discharge "
        "(the MS-DRG grouper's facts), e.g. patient: {age: 82, sex: female, discharge: snf}"
    ]
    # without PCS lines it is optional (a diagnosis-only inpatient case stays valid)
    no_pcs = INPATIENT.replace(PATIENT_LINES, "").replace('  pcs:\n    - "0SR9019"\n', "")
    assert problems(no_pcs) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("age: 82", "age: 130", "case-test-001.md:8: patient age must be whole years at admission, 0 to 124, not 130"),
        ("age: 82", "age: eighty", "case-test-001.md:8: patient age must be whole years at admission, 0 to 124, not 'eighty'"),
        ("sex: female", "sex: femal", "case-test-001.md:9: patient sex must be female or male, not 'femal' (did you mean 'female'?)"),
        (
            "discharge: snf",
            "discharge: 03",
            "case-test-001.md:10: patient discharge must be a discharge status name (home, short-term-hospital, snf, "
            "custodial, other-facility, home-health, against-advice, expired, law-enforcement, hospice-home, "
            "hospice-facility, swing-bed, rehab, ltch, nursing-facility, psych, cah) or its two-digit UB-04 code as a "
            'quoted string, not 3 (write the code as a quoted string: "03")',
        ),
        ("  discharge: snf\n", "", "case-test-001.md:7: missing required key 'discharge' in patient"),
        ("  sex: female\n", "  sex: female\n  weight: 60\n", "case-test-001.md:10: unknown key 'weight' in patient"),
    ],
)
def test_bad_patient_values_name_the_line(problems: Run, old: str, new: str, expected: str) -> None:  # noqa: F811
    assert problems(INPATIENT.replace(old, new)) == [expected]


def test_patient_and_drg_note_belong_to_inpatient_cases(problems: Run) -> None:  # noqa: F811
    text = INPATIENT.replace("setting: inpatient", "setting: outpatient-facility").replace('  pcs:\n    - "0SR9019"\n', "")
    assert problems(text) == ["case-test-001.md:7: patient belongs to inpatient cases (setting: inpatient) only"]
    assert problems(INPATIENT.replace(PATIENT_LINES, PATIENT_LINES + "drg_note: 12\n")) == [
        "case-test-001.md:11: drg_note must be text: why a second MS-DRG grouper disagrees with the key's"
    ]
