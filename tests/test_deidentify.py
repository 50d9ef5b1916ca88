"""De-identification warnings: each kind of identifier is found; clinical text is left alone."""

import ast
from pathlib import Path

import pytest

from study.deidentify import find_identifiers, warnings_for


def kinds(text):
    return [f.kind for f in find_identifiers(text)]


@pytest.mark.parametrize(
    "text, kind, found",
    [
        ("Patient SSN 123-45-6789 on file.", "ssn", "123-45-6789"),
        ("Call (555) 123-4567 with results.", "phone", "(555) 123-4567"),
        ("Daughter's cell 555-987-6543.", "phone", "555-987-6543"),
        ("Phone +1 555.987.6543 after 5pm.", "phone", "+1 555.987.6543"),
        ("Send to jane.doe@example.com today.", "email", "jane.doe@example.com"),
        ("MRN 00482913 admitted to 4 West.", "mrn", "00482913"),
        ("MRN: A1234567", "mrn", "A1234567"),
        ("Medical record number 5512345.", "mrn", "5512345"),
        ("Account 88812345 billed to Medicare.", "mrn", "88812345"),
        ("DOB 03/14/1962, presents with cough.", "dob", "03/14/1962"),
        ("DOB: 1962-03-14", "dob", "1962-03-14"),
        ("She was born on March 14, 1962 in Ohio.", "dob", "March 14, 1962"),
        ("Date of birth 14 Mar 1950.", "dob", "14 Mar 1950"),
    ],
)
def test_each_kind_is_found(text, kind, found):
    findings = find_identifiers(text)
    assert [(f.kind, f.text) for f in findings] == [(kind, found)]
    assert warnings_for(text) and found in warnings_for(text)[0]


@pytest.mark.parametrize(
    "text",
    [
        "Type 2 diabetes with diabetic CKD: E11.22 and N18.31.",
        "Established patient, moderate MDM: CPT 99214, modifier 25 with 20610.",
        "PCS 0DTJ4ZZ laparoscopic appendectomy.",
        "Metformin 500 mg twice daily; insulin glargine 10 units at bedtime.",
        "BP 142/88, HR 96, RR 18, Temp 101.2 F, SpO2 94% on room air, weight 82 kg.",
        "Seen on 03/14/2025 for follow-up; labs drawn 2025-03-10.",  # visit dates are not DOB
        "A 62-year-old woman, G2P2, with 3 cm laceration repaired with 12 sutures.",
        "HbA1c 8.2%, glucose 245 mg/dL, creatinine 1.4, eGFR 52.",
        "Units: 2; J1885 x 30 mg; 96372.",
    ],
)
def test_clinical_text_is_not_flagged(text):
    assert find_identifiers(text) == []


def test_several_in_order_and_empty_text():
    text = "DOB 01/02/1980. SSN 123-45-6789. Email a@b.org"
    assert kinds(text) == ["dob", "ssn", "email"]
    assert find_identifiers("") == [] and find_identifiers(None) == []


def test_module_is_pure():
    tree = ast.parse(Path("study/deidentify.py").read_text(encoding="utf-8"))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not imported & {"flask", "sqlalchemy", "study"}
