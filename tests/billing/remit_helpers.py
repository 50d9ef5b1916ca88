"""Builders of remittance exercises for the billing and grading tests (fictional payer and patient)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st


def cents(value: int) -> str:
    """1234 -> "12.34" (the way a bank file writes an amount)."""
    return f"{Decimal(value) / 100:.2f}"


def remit_raw(*lines: dict[str, Any], **extra: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "payer": "Brightwater Mutual Health",
        "claim_number": "BMH-2026-000417",
        "patient": "QUILLON, MARA",
        "paid_date": "11/02/2026",
        "check_number": "EFT-88120",
        "lines": [dict(line, line=n) for n, line in enumerate(lines, start=1)],
    }
    raw.update(extra)
    return raw


#: allowed $80.00, paid $64.00, coinsurance $16.00, contractual write-off $70.00
OFFICE_VISIT: dict[str, Any] = {
    "dos": "10/01/2026",
    "code": "99213",
    "modifiers": [],
    "billed": "150.00",
    "allowed": "80.00",
    "deductible": "0.00",
    "coinsurance": "16.00",
    "copay": "0.00",
    "paid": "64.00",
    "adjustments": [{"group": "CO", "carc": "45", "amount": "70.00"}, {"group": "PR", "carc": "2", "amount": "16.00"}],
    "remarks": [],
}

#: denied for want of a prior authorization: all $60.00 written off (CO-197)
DENIED_ECG: dict[str, Any] = {
    "dos": "10/01/2026",
    "code": "93000",
    "modifiers": [],
    "billed": "60.00",
    "allowed": "0.00",
    "deductible": "0.00",
    "coinsurance": "0.00",
    "copay": "0.00",
    "paid": "0.00",
    "adjustments": [{"group": "CO", "carc": "197", "amount": "60.00"}],
    "remarks": ["N130"],
}

KEY: dict[str, Any] = {
    "lines": [
        {
            "patient_responsibility": "16.00",
            "write_off": "70.00",
            "action": [{"action": "bill-patient", "credit": 1}, {"action": "accept", "credit": 0.5}],
        },
        {"patient_responsibility": "0.00", "write_off": "60.00", "action": "appeal", "evidence": "prior-authorization"},
    ]
}


@st.composite
def consistent_lines(draw: st.DrawFn) -> dict[str, Any]:
    """A remit line with random amounts (in cents) that add up, written as strings, ints or floats."""
    billed = draw(st.integers(min_value=0, max_value=5_000_000))
    allowed = draw(st.integers(min_value=0, max_value=billed))
    deductible = draw(st.integers(min_value=0, max_value=allowed))
    coinsurance = draw(st.integers(min_value=0, max_value=allowed - deductible))
    copay = draw(st.integers(min_value=0, max_value=allowed - deductible - coinsurance))
    paid = allowed - deductible - coinsurance - copay
    sequestration = draw(st.integers(min_value=0, max_value=paid))
    paid -= sequestration
    adjustments = []
    if billed - allowed:
        adjustments.append(("CO", "45", billed - allowed))
    for carc, amount in (("1", deductible), ("2", coinsurance), ("3", copay)):
        if amount:
            adjustments.append(("PR", carc, amount))
    if sequestration:
        adjustments.append(("CO", "253", sequestration))
    style = draw(st.sampled_from(["str", "num"]))

    def amount(value: int) -> object:
        if style == "str":
            return cents(value)
        return value // 100 if value % 100 == 0 else value / 100

    return {
        "dos": "10/01/2026",
        "code": draw(st.sampled_from(["99213", "93000", "J1100", "36415", "0001U"])),
        "modifiers": draw(st.sampled_from([[], ["25"], ["59"]])),
        "billed": amount(billed),
        "allowed": amount(allowed),
        "deductible": amount(deductible),
        "coinsurance": amount(coinsurance),
        "copay": amount(copay),
        "paid": amount(paid),
        "adjustments": [{"group": g, "carc": c, "amount": amount(a)} for g, c, a in adjustments],
        "remarks": draw(st.sampled_from([[], ["N130"], ["M15", "N20"]])),
    }
