"""A fictional claim for the billing tests: Marisol Quill, seen at the (fictional) Juniper Row Clinic
for high blood pressure and a sprained left ankle. Every name, number and address is made up; the
NPIs are fictional (valid check digit, starting with 9)."""

from __future__ import annotations

import copy
from typing import Any

from study.billing.claim import Claim, parse_claim
from study.billing.npi import make_fictional

RENDERING_NPI = make_fictional(1)
BILLING_NPI = make_fictional(2)
FACILITY_NPI = make_fictional(3)

#: real, billable FY2026 ICD-10-CM codes and what they mean, for the pointer messages
DESCRIPTIONS = {"I10": "essential hypertension", "S93.402A": "sprain of left ankle"}

RAW: dict[str, Any] = {
    "insurance_type": "group",
    "insured_id": "XJH-44 1902",
    "patient_name": "QUILL, MARISOL T",
    "patient_dob": "03/14/1981",
    "patient_sex": "F",
    "insured_name": "QUILL, MARISOL T",
    "relationship": "self",
    "other_insured_name": "",
    "other_policy": "",
    "other_plan": "",
    "employment": False,
    "auto_accident": False,
    "accident_state": "",
    "other_accident": True,
    "insured_group": "GRP-5521",
    "plan_name": "Harbor Mutual PPO",
    "other_plan_exists": False,
    "referring_qualifier": "",
    "referring_name": "",
    "referring_npi": "",
    "icd_indicator": "0",
    "diagnoses": ["I10", "S93.402A"],
    "resubmission_code": "",
    "original_ref": "",
    "prior_auth": "",
    "lines": [
        {
            "from": "03/02/2026",
            "to": "03/02/2026",
            "pos": "11",
            "emg": "",
            "code": "99213",
            "modifiers": ["25"],
            "pointers": ["B", "A"],
            "charges": 125.00,
            "units": 1,
            "npi": RENDERING_NPI,
        },
        {
            "from": "03/02/2026",
            "to": "03/02/2026",
            "pos": "11",
            "emg": "",
            "code": "29540",
            "modifiers": ["LT"],
            "pointers": ["B"],
            "charges": 80,
            "units": 1,
            "npi": RENDERING_NPI,
        },
    ],
    "tax_id": "12-3456789",
    "tax_id_type": "EIN",
    "accept_assignment": True,
    "total_charge": "205.00",
    "facility_name": "Juniper Row Clinic",
    "facility_address": "14 Juniper Row, Dalton Falls, OR 97000",
    "facility_npi": FACILITY_NPI,
    "billing_name": "Juniper Row Clinic",
    "billing_address": "14 Juniper Row, Dalton Falls, OR 97000",
    "billing_phone": "(541) 555-0142",
    "billing_npi": BILLING_NPI,
}


def raw() -> dict[str, Any]:
    """A fresh deep copy of ``RAW`` to change in a test."""
    return copy.deepcopy(RAW)


def claim(**changes: Any) -> Claim:
    """The sample claim, parsed (with top-level ``changes`` applied to the raw mapping first)."""
    data = raw()
    data.update(changes)
    parsed, problems = parse_claim(data, require_all=True)
    assert parsed is not None, problems
    return parsed


def describe(code: str) -> str | None:
    return DESCRIPTIONS.get(code)


def no_code_problem(system: str, code: str) -> str | None:
    return None
