"""A code typed into the list of another code set, told by its shape (issue 14): the pure core's
`wrong_system`, used by the live check, the grading confirmation and the grader."""

from __future__ import annotations

import pytest

from study.codes.checking import code_systems_by_shape, wrong_system

DX_HERE_PCS = "diagnoses go in the diagnosis list, and procedures here are ICD-10-PCS."
DX_HERE_CPT = "diagnoses go in the diagnosis list, and procedures here are CPT or HCPCS Level II."
PCS_CODE = "0DTJ4ZZ is an ICD-10-PCS procedure code;"

CASES = [
    # row, typed, setting, message (None: may belong to the row)
    ("pcs", "99213", "inpatient", "99213 is a CPT code; inpatient facility procedures are reported with ICD-10-PCS."),
    ("pcs", "0075t", "inpatient", "0075T is a CPT code; inpatient facility procedures are reported with ICD-10-PCS."),
    ("pcs", "J1100", "inpatient", "J1100 is a HCPCS Level II code; inpatient facility procedures are reported with ICD-10-PCS."),
    ("pcs", "E11.22", None, f"E11.22 is an ICD-10-CM diagnosis code; {DX_HERE_PCS}"),
    ("pcs", "0SRC0J9", "inpatient", None),
    ("pcs", "S7221XA", None, f"S72.21XA is an ICD-10-CM diagnosis code; {DX_HERE_PCS}"),
    ("pcs", "B24BZZ4", None, None),  # a PCS shape (imaging) that is an ICD-10-CM shape too
    ("pcs", "hello", None, None),  # no code set at all: the checker's message
    ("icd10cm", "0SRC0J9", None, "0SRC0J9 is an ICD-10-PCS procedure code; diagnoses are ICD-10-CM."),
    ("icd10cm", "BW28ZZZ", None, "BW28ZZZ is an ICD-10-PCS procedure code; diagnoses are ICD-10-CM."),
    ("icd10cm", "99213", None, "99213 is a CPT code; diagnoses are ICD-10-CM."),
    ("icd10cm", "992.13", None, "99213 is a CPT code; diagnoses are ICD-10-CM."),  # as the diagnosis list normalises it
    ("icd10cm", "0SR.C0J9", None, "0SRC0J9 is an ICD-10-PCS procedure code; diagnoses are ICD-10-CM."),
    ("icd10cm", "J1100", None, None),  # J11.00 without its dot
    ("icd10cm", "e11.22", None, None),
    ("icd10cm", "S7221XA", None, None),
    ("procedure", "E11.22", "professional", f"E11.22 is an ICD-10-CM diagnosis code; {DX_HERE_CPT}"),
    ("procedure", "I10", None, f"I10 is an ICD-10-CM diagnosis code; {DX_HERE_CPT}"),
    ("procedure", "E1122", None, None),  # HCPCS shape
    ("procedure", "J1100X4", None, None),  # HCPCS with units, not J11.00X4
    ("procedure", "0DTJ4ZZ", "professional", f"{PCS_CODE} professional services are reported with CPT or HCPCS Level II."),
    ("procedure", "0DTJ4ZZ", "outpatient-facility", f"{PCS_CODE} outpatient facility procedures are reported with CPT or HCPCS Level II."),
    ("procedure", "0DTJ4ZZ", "inpatient", f"{PCS_CODE} it goes in the ICD-10-PCS list, and this list is for CPT or HCPCS Level II codes."),
    ("procedure", "0DTJ4ZZ", None, f"{PCS_CODE} this list is for CPT or HCPCS Level II codes."),
    ("procedure", "99213", "professional", None),
    ("procedure", "G0439", "professional", None),
    ("modifier", "99213", None, None),  # not a row of a case answer
    ("pcs", None, None, None),
    ("pcs", "", None, None),
]


@pytest.mark.parametrize(("row", "typed", "setting", "expected"), CASES)
def test_wrong_system(row, typed, setting, expected):
    assert wrong_system(row, typed, setting) == expected


def test_shapes():
    assert code_systems_by_shape("J1100") == {"icd10cm", "hcpcs"}
    assert code_systems_by_shape("99213") == {"cpt"}
    assert code_systems_by_shape("0SRC0J9") == {"pcs"}
    assert code_systems_by_shape("J1100X4") == {"icd10cm"}  # J is no PCS section
    assert code_systems_by_shape("S7221XA") == {"icd10cm"}
    assert code_systems_by_shape("B24BZZ4") == {"icd10cm", "pcs"}
