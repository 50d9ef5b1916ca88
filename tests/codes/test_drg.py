"""The pure MS-DRG comparison: why two groupings differ, in plain words (no grouper, no database)."""
from __future__ import annotations

from study.bank.model import CaseItem, CaseKey, KeyLine, Patient
from study.codes.drg import Grouping, SeverityCode, answer_claim, compare, dotted, key_claim, weights

KEY = Grouping(
    drg=177, title="Respiratory Infections and Inflammations with MCC", mdc=4, mdc_title="Respiratory System", severity="MCC",
    pdx="J18.9", pdx_title="Pneumonia, unspecified organism",
    severity_codes=(SeverityCode("J96.01", "MCC", True, "Acute respiratory failure with hypoxia"),), weight=1.5627,
)


def test_weights_are_the_fy2026_table() -> None:
    table = weights()
    assert table[177].weight == 1.5627 and table[179].weight == 0.755 and len(table) > 700


def test_a_missing_mcc_is_named_with_the_weights() -> None:
    yours = Grouping(drg=179, title="Respiratory Infections and Inflammations without CC/MCC", mdc=4, mdc_title="Respiratory System",
                     severity="NONE", pdx="J18.9", weight=0.755)
    found = compare(KEY, yours)
    assert found.reasons == (
        "J96.01 Acute respiratory failure with hypoxia, an MCC (major complication or comorbidity), is missing from your codes.",
        "Relative weight 0.7550 (yours) vs 1.5627 (the key's).",
    )


def test_a_wrong_principal_diagnosis_names_the_mdc() -> None:
    yours = Grouping(drg=291, title="Heart Failure and Shock with MCC", mdc=5, mdc_title="Circulatory System", severity="MCC",
                     pdx="I50.9", pdx_title="Heart failure, unspecified", severity_codes=KEY.severity_codes, weight=1.2838)
    first = compare(KEY, yours).reasons[0]
    assert first.startswith("Your principal diagnosis I50.9 Heart failure, unspecified moves the case to MDC 5 (Circulatory System)")


def test_same_drg_and_no_grouping() -> None:
    assert compare(KEY, KEY).same and compare(KEY, KEY).reasons == ()
    assert compare(KEY, None).reasons == ("Your codes cannot be grouped: there is no valid principal diagnosis.",)


def test_claims_leave_out_optional_key_lines_and_invalid_answers() -> None:
    case = CaseItem(
        id="c", exams=("CCS",), topic="t", setting="inpatient", documentation="d", rationale="r",
        patient=Patient(80, "female", "03"),
        key=CaseKey(diagnoses=(KeyLine("J18.9"), KeyLine("Z79.4", optional=True), KeyLine("J96.01")), pcs=(KeyLine("0BH17EZ"),)),
    )
    claim = key_claim(case)
    assert claim is not None and (claim.pdx, claim.sdx, claim.procedures) == ("J189", ("J9601",), ("0BH17EZ",))
    claim, left = answer_claim(case, {"diagnoses": ["J99.99", "J18.9"], "pcs": [], "procedures": ["99223"]}, {"J9999"})
    assert claim is not None and claim.pdx == "J189" and left == ("J99.99", "99223")
    assert dotted("J9601") == "J96.01" and dotted("0BH17EZ") == "0BH17EZ"


def test_a_key_mcc_the_learner_has_but_that_does_not_count_is_explained_and_key_codes_are_never_extra() -> None:
    key = Grouping(drg=291, title="Heart Failure and Shock with MCC", mdc=5, mdc_title="Circulatory System", severity="MCC",
                   pdx="I13.0", severity_codes=(SeverityCode("I50.33", "MCC", True),), weight=1.2838,
                   diagnoses=("I13.0", "I50.33", "N18.32"))
    yours = Grouping(drg=683, title="Renal Failure with CC", mdc=11, mdc_title="Kidney and Urinary Tract", severity="CC",
                     pdx="N18.32", severity_codes=(SeverityCode("I13.0", "CC", True), SeverityCode("I50.33", "MCC", False)),
                     weight=0.8758, diagnoses=("N18.32", "I13.0", "I50.33"))
    reasons = compare(key, yours).reasons
    assert reasons[0].startswith("Your principal diagnosis N18.32 moves the case to MDC 11")
    assert reasons[1] == (
        "I50.33 is in your codes but does not count as an MCC (major complication or comorbidity) with your principal "
        "diagnosis (a CC exclusion, or your MS-DRG has no severity levels)."
    )
    assert not any("is not in the key" in r for r in reasons)  # I13.0 is the key's principal diagnosis
