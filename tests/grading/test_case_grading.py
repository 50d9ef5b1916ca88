"""The case grader on hand-worked examples (the bank format's "Grading" section).

Each example states the key, what the learner wrote, and the arithmetic of the expected score.
Default weights: diagnosis/procedure/pcs 1, partial 0.5, sequencing 1, modifiers 0.5, units 0.5,
extra penalty 0.5.
"""

from __future__ import annotations

import pytest

from study.codes.checking import CodeChecker
from study.codes.normalize import parse_submission
from study.grading.case import grade_case, round_half_up
from study.grading.results import GradeReport
from tests.grading.helpers import case, line

# The format's own example: a closed distal radius fracture.
FRACTURE = case(
    diagnoses=["S52.501A", line("W01.0XXA", optional=True)],
    procedures=[line("25600", modifiers=["RT"])],
    not_reportable={"M79.631": "Pain is integral to the fracture and is not coded separately."},
    case_id="case-pro-0003",
)
# Two required diagnoses: possible = 1 + 1 + sequencing 1 = 3.
DIABETES = case(diagnoses=["E11.22", "N18.31"])
# Knee injection: possible = dx 1 + procedure 1 + modifiers 0.5 = 2.5.
KNEE = case(diagnoses=["M17.11"], procedures=[line("20610", modifiers=["RT"])])
# Drug units: possible = dx 1 + procedure 1 + units 0.5 = 2.5.
DRUG = case(diagnoses=["M17.11"], procedures=[line("J1100", units=4)])


def grade(item, checker: CodeChecker, dx: str = "", px: str = "", pcs: str = "") -> GradeReport:  # type: ignore[no-untyped-def]
    return grade_case(item, parse_submission(dx, px, pcs), checker)


def summary(report: GradeReport) -> tuple[float, float, float, float]:
    return (report.score_pct, report.earned, report.penalties, report.possible)


def verdicts(report: GradeReport) -> list[tuple[str, str | None, str]]:
    return [(ln.kind, ln.submitted, ln.verdict) for ln in report.lines]


# --- the format's example and the basic verdicts --------------------------------------------------


def test_01_spec_example_json_exactly(checker: CodeChecker) -> None:
    # earned 1 (dx) + 1 (sequencing: 2 key lines incl. the optional one) + 1 (procedure) = 3 of 3.5
    report = grade(FRACTURE, checker, "S52.501A", "25600")
    data = report.to_json(after_attempt=True)
    assert {k: data[k] for k in ("case_id", "score_pct", "earned", "penalties", "possible")} == {
        "case_id": "case-pro-0003",
        "score_pct": 85.7,
        "earned": 3.0,
        "penalties": 0.0,
        "possible": 3.5,
    }
    assert [{k: v for k, v in ln.items() if k != "message"} for ln in data["lines"]] == [
        {
            "kind": "diagnosis",
            "submitted": "S52.501A",
            "expected": "S52.501A",
            "verdict": "correct",
            "points": 1.0,
        },
        {
            "kind": "sequencing",
            "submitted": "S52.501A",
            "expected": "S52.501A",
            "verdict": "correct",
            "points": 1.0,
        },
        {"kind": "procedure", "submitted": "25600", "expected": "25600", "verdict": "correct", "points": 1.0},
        {"kind": "modifiers", "submitted": "", "expected": "RT", "verdict": "missing", "points": 0.0},
    ]
    assert data["lines"][3]["message"] == "25600 needs modifier RT (Right side)."  # its meaning, from the modifier list


def test_02_exact_key_scores_100(checker: CodeChecker) -> None:
    report = grade(FRACTURE, checker, "S52.501A, W01.0XXA", "25600-RT")
    assert summary(report) == (100.0, 3.5, 0.0, 3.5)
    optional = report.lines[1]
    assert (optional.submitted, optional.verdict, optional.points) == ("W01.0XXA", "correct", 0.0)
    assert "optional" in optional.message


def test_03_optional_line_left_out_costs_nothing(checker: CodeChecker) -> None:
    assert summary(grade(FRACTURE, checker, "S52.501A", "25600-RT")) == (100.0, 3.5, 0.0, 3.5)


def test_04_not_reportable_shows_the_why_and_costs_the_extra_penalty(checker: CodeChecker) -> None:
    # 3.5 earned - 0.5 penalty = 3 of 3.5
    report = grade(FRACTURE, checker, "S52.501A, M79.631", "25600-RT")
    assert summary(report) == (85.7, 3.5, 0.5, 3.5)
    nr = report.lines[1]
    assert (nr.verdict, nr.points, nr.expected) == ("not_reportable", -0.5, None)
    assert nr.message == "Pain is integral to the fracture and is not coded separately. (-0.5 points)"


def test_05_partial_diagnosis_same_category(checker: CodeChecker) -> None:
    # partial 0.5 + sequencing 1 (the partial match is to the first key line) + 1 + 0.5 = 3 of 3.5
    report = grade(FRACTURE, checker, "S52.509A", "25600-RT")
    assert summary(report) == (85.7, 3.0, 0.0, 3.5)
    assert verdicts(report)[:2] == [
        ("diagnosis", "S52.509A", "partial"),
        ("sequencing", "S52.509A", "correct"),
    ]
    assert report.lines[0].message == (
        "S52.509A is in the right category (S52) but the key has S52.501A: partial credit."
        " Laterality (character 6): 9 is “unspecified”; the key's 1 is “right”."
    )
    assert report.lines[0].message_during == ("S52.509A is in the right category (S52) but is not the most accurate code: partial credit.")


def test_06_incomplete_code_scores_nothing_and_costs_nothing(checker: CodeChecker) -> None:
    # procedure 1 + modifiers 0.5 = 1.5 of 3.5; the key's diagnosis is missing, sequencing wrong
    report = grade(FRACTURE, checker, "S52.501", "25600-RT")
    assert summary(report) == (42.9, 1.5, 0.0, 3.5)
    assert verdicts(report)[:3] == [
        ("diagnosis", "S52.501", "incomplete"),
        ("diagnosis", None, "missing"),
        ("sequencing", "S52.501", "wrong"),
    ]
    assert report.lines[0].message.startswith("S52.501 needs a 7th character (A initial encounter for closed fracture")
    assert report.lines[0].message.endswith("No points, no penalty.")


def test_07_incomplete_subcategory_message(checker: CodeChecker) -> None:
    report = grade(DIABETES, checker, "E11.2, N18.31")
    assert report.lines[0].verdict == "incomplete"
    assert report.lines[0].message == (
        "E11.2 is a subcategory: a 5th character is required (E11.21, E11.22, E11.29). No points, no penalty."
    )
    # N18.31 correct (1); E11.22 missing; sequencing wrong: 1 of 3
    assert summary(report) == (33.3, 1.0, 0.0, 3.0)


def test_08_invalid_code_costs_the_extra_penalty(checker: CodeChecker) -> None:
    # 1.5 earned - 0.5 = 1 of 3.5
    report = grade(FRACTURE, checker, "S52.5Q1A", "25600-RT")
    assert summary(report) == (28.6, 1.5, 0.5, 3.5)
    invalid = report.lines[0]
    assert (invalid.verdict, invalid.points) == ("invalid", -0.5)
    assert invalid.message.startswith("S52.5Q1A is not an ICD-10-CM code. Nearest codes: ")
    assert "Nearest codes" not in invalid.message_during


def test_09_skipped_placeholder_is_invalid_with_a_hint(checker: CodeChecker) -> None:
    report = grade(case(diagnoses=["S72.21XA"]), checker, "S7221A")
    assert report.lines[0].verdict == "invalid"
    assert "placeholder X: S72.21XA" in report.lines[0].message


def test_10_extra_valid_code(checker: CodeChecker) -> None:
    # 3.5 - 0.5 = 3 of 3.5
    report = grade(FRACTURE, checker, "S52.501A, I10", "25600-RT")
    assert summary(report) == (85.7, 3.5, 0.5, 3.5)
    extra = report.lines[1]
    assert (extra.verdict, extra.points) == ("extra", -0.5)
    assert extra.message == (
        "I10 (Essential (primary) hypertension) is a valid code, but this case does not support reporting it. (-0.5 points)"
    )


def test_11_missing_line_names_the_code_only_after_the_attempt(checker: CodeChecker) -> None:
    report = grade(DIABETES, checker, "E11.22")
    missing = next(ln for ln in report.lines if ln.verdict == "missing")
    assert missing.message == "Missing diagnosis: N18.31 (Chronic kidney disease, stage 3a)."
    assert missing.message_during == "A required diagnosis is missing."
    during = missing.to_json(after_attempt=False)
    assert during["expected"] is None and "N18.31" not in during["message"]
    assert missing.to_json(after_attempt=True)["expected"] == "N18.31"


# --- sequencing ------------------------------------------------------------------------------------


def test_12_sequencing_right(checker: CodeChecker) -> None:
    assert summary(grade(DIABETES, checker, "E11.22, N18.31")) == (100.0, 3.0, 0.0, 3.0)


def test_13_sequencing_wrong(checker: CodeChecker) -> None:
    # both codes correct (2) but the first-listed is wrong: 2 of 3
    report = grade(DIABETES, checker, "N18.31, E11.22")
    assert summary(report) == (66.7, 2.0, 0.0, 3.0)
    sequencing = report.lines_of("sequencing")[0]
    assert (sequencing.submitted, sequencing.expected, sequencing.verdict) == ("N18.31", "E11.22", "wrong")
    assert sequencing.message == "The first-listed diagnosis is E11.22; N18.31 was listed first."
    assert sequencing.to_json(after_attempt=False)["expected"] is None


def test_14_inpatient_says_principal(checker: CodeChecker) -> None:
    report = grade(case(diagnoses=["E11.22", "N18.31"], setting="inpatient"), checker, "N18.31, E11.22")
    assert report.lines_of("sequencing")[0].message == "The principal diagnosis is E11.22; N18.31 was listed first."


def test_15_no_sequencing_line_for_a_single_diagnosis(checker: CodeChecker) -> None:
    report = grade(KNEE, checker, "M17.11", "20610-RT")
    assert report.lines_of("sequencing") == [] and report.possible == 2.5


def test_16_nothing_submitted(checker: CodeChecker) -> None:
    report = grade(DIABETES, checker)
    assert summary(report) == (0.0, 0.0, 0.0, 3.0)
    assert verdicts(report) == [
        ("diagnosis", None, "missing"),
        ("diagnosis", None, "missing"),
        ("sequencing", None, "missing"),
    ]
    assert report.lines[0].message_during == "A required diagnosis is missing (the first-listed diagnosis)."


# --- matching ------------------------------------------------------------------------------------


def test_17_exact_matches_before_partial_ones(checker: CodeChecker) -> None:
    # E11.29 is written first but E11.22 takes the first key line exactly; E11.29 is then extra.
    # earned 2 (E11.22, N18.31), penalty 0.5, sequencing wrong: 1.5 of 3
    report = grade(DIABETES, checker, "E11.29, E11.22, N18.31")
    assert verdicts(report) == [
        ("diagnosis", "E11.29", "extra"),
        ("diagnosis", "E11.22", "correct"),
        ("diagnosis", "N18.31", "correct"),
        ("sequencing", "E11.29", "wrong"),
    ]
    assert summary(report) == (50.0, 2.0, 0.5, 3.0)


def test_18_partial_matches_are_one_to_one(checker: CodeChecker) -> None:
    # key E11.22, E11.65: E11.29 takes the first line partially, E11.649 the second; sequencing right
    # 0.5 + 0.5 + 1 = 2 of 3
    report = grade(case(diagnoses=["E11.22", "E11.65"]), checker, "E11.29, E11.649")
    assert [(ln.submitted, ln.expected, ln.verdict) for ln in report.lines] == [
        ("E11.29", "E11.22", "partial"),
        ("E11.649", "E11.65", "partial"),
        ("E11.29", "E11.22", "correct"),
    ]
    assert summary(report) == (66.7, 2.0, 0.0, 3.0)


def test_19_a_third_code_of_the_same_category_is_extra(checker: CodeChecker) -> None:
    # E11.22 exact; E11.29 and E11.9 share no category with the unmatched N18.31 line: both extra
    report = grade(DIABETES, checker, "E11.22, E11.29, E11.9")
    assert verdicts(report)[:3] == [
        ("diagnosis", "E11.22", "correct"),
        ("diagnosis", "E11.29", "extra"),
        ("diagnosis", "E11.9", "extra"),
    ]
    # earned 1 + sequencing 1 = 2, penalties 1: 1 of 3
    assert summary(report) == (33.3, 2.0, 1.0, 3.0)


def test_20_duplicate_code_is_extra(checker: CodeChecker) -> None:
    # 3 - 0.5 = 2.5 of 3
    report = grade(DIABETES, checker, "E11.22, e1122, N18.31")
    assert verdicts(report)[1] == ("diagnosis", "E11.22", "extra")
    assert report.lines[1].message == "E11.22 is listed twice; a code is reported once. (-0.5 points)"
    assert summary(report) == (83.3, 3.0, 0.5, 3.0)


def test_21_alternates_are_correct(checker: CodeChecker) -> None:
    report = grade(case(diagnoses=[line("E11.22", alternates=["E11.21"])]), checker, "E11.21")
    assert summary(report) == (100.0, 1.0, 0.0, 1.0)
    correct = report.lines[0]
    assert correct.expected == "E11.22" and "accepted alternate" in correct.message
    assert correct.to_json(after_attempt=False)["expected"] is None  # would reveal the key's own code
    assert "E11.22" not in correct.message_during


def test_22_optional_line_is_never_extra_and_earns_nothing(checker: CodeChecker) -> None:
    # only the optional code: 0 for it, S52.501A missing, sequencing wrong, procedure 1.5: 1.5 of 3.5
    report = grade(FRACTURE, checker, "W01.0XXA", "25600-RT")
    assert verdicts(report)[:3] == [
        ("diagnosis", "W01.0XXA", "correct"),
        ("diagnosis", None, "missing"),
        ("sequencing", "W01.0XXA", "wrong"),
    ]
    assert summary(report) == (42.9, 1.5, 0.0, 3.5)


# --- procedures, modifiers, units ------------------------------------------------------------------


def test_23_modifiers_wrong(checker: CodeChecker) -> None:
    # 1 + 1 of 2.5
    report = grade(KNEE, checker, "M17.11", "20610-LT")
    modifiers = report.lines_of("modifiers")[0]
    assert (modifiers.submitted, modifiers.expected, modifiers.verdict) == ("LT", "RT", "wrong")
    assert modifiers.message == (
        "20610: modifiers LT were reported; the key has RT. Missing: RT (Right side); not supported here: LT (Left side)."
    )
    assert modifiers.message_during == "20610: the modifiers LT are not right for this case."
    assert summary(report) == (80.0, 2.0, 0.0, 2.5)


def test_24_modifier_added_where_the_key_has_none(checker: CodeChecker) -> None:
    # the added modifier creates a modifiers line: 2 of 2.5
    report = grade(case(diagnoses=["M17.11"], procedures=["99214"]), checker, "M17.11", "99214-25")
    modifiers = report.lines_of("modifiers")[0]
    assert (modifiers.submitted, modifiers.expected, modifiers.verdict) == ("25", "", "wrong")
    assert summary(report) == (80.0, 2.0, 0.0, 2.5)


def test_25_modifier_order_is_ignored(checker: CodeChecker) -> None:
    item = case(diagnoses=["M17.11"], procedures=[line("20610", modifiers=["RT", "59"])])
    assert grade(item, checker, "M17.11", "20610-59-RT").score_pct == 100.0


def test_26_missing_procedure_scores_its_modifiers_and_units_lines_as_missing(checker: CodeChecker) -> None:
    # key 20610-RT and J1100x4: possible 1 + 1 + 0.5 + 1 + 0.5 = 4; only the diagnosis: 1 of 4
    item = case(diagnoses=["M17.11"], procedures=[line("20610", modifiers=["RT"]), line("J1100", units=4)])
    report = grade(item, checker, "M17.11")
    assert verdicts(report)[1:] == [
        ("procedure", None, "missing"),
        ("modifiers", None, "missing"),
        ("procedure", None, "missing"),
        ("units", None, "missing"),
    ]
    assert report.lines[1].message == "Missing procedure: 20610-RT."
    assert report.lines[3].message == "Missing procedure: J1100 x4 (Dexamethasone injection, per 1 mg)."
    assert report.lines[1].message_during == "A required procedure (CPT or HCPCS Level II) is missing."
    assert summary(report) == (25.0, 1.0, 0.0, 4.0)


def test_27_units_right(checker: CodeChecker) -> None:
    report = grade(DRUG, checker, "M17.11", "J1100x4")
    assert summary(report) == (100.0, 2.5, 0.0, 2.5)
    assert verdicts(report)[-1] == ("units", "4", "correct")


def test_28_units_wrong_or_not_written(checker: CodeChecker) -> None:
    wrong = grade(DRUG, checker, "M17.11", "J1100 x 2")
    assert verdicts(wrong)[-1] == ("units", "2", "wrong") and wrong.score_pct == 80.0
    assert wrong.lines[-1].message == (
        "J1100: 2 unit(s) reported; the key has 4."
        " One unit of J1100 is 1 mg (Dexamethasone injection, per 1 mg): count the units from the dose given."
    )
    unwritten = grade(DRUG, checker, "M17.11", "J1100")
    assert verdicts(unwritten)[-1] == ("units", "1", "wrong") and unwritten.score_pct == 80.0


def test_29_zero_units_are_flagged(checker: CodeChecker) -> None:
    report = grade(DRUG, checker, "M17.11", "J1100x0")
    procedure = report.lines_of("procedure")[0]
    assert procedure.verdict == "correct" and "units start at 1" in procedure.message
    assert verdicts(report)[-1] == ("units", "0", "wrong")


def test_30_units_on_a_one_unit_line_are_noted_but_not_scored(checker: CodeChecker) -> None:
    report = grade(KNEE, checker, "M17.11", "20610-RTx3")
    assert report.score_pct == 100.0 and report.lines_of("units") == []
    assert "3 units were reported" in report.lines_of("procedure")[0].message


def test_31_several_procedures_in_any_order(checker: CodeChecker) -> None:
    # possible: dx 1 + 3 procedures + 2 modifiers lines (1) + 1 units line (0.5) = 5.5
    item = case(
        diagnoses=["M17.11"],
        procedures=[line("99214", modifiers=["25"]), line("20610", modifiers=["RT"]), line("J1100", units=4)],
    )
    report = grade(item, checker, "M17.11", "J1100x4, 20610-RT, 99214-25")
    assert summary(report) == (100.0, 5.5, 0.0, 5.5)


def test_32_same_code_on_two_key_lines_pairs_by_modifiers(checker: CodeChecker) -> None:
    item = case(diagnoses=["M17.0"], procedures=[line("20610", modifiers=["RT"]), line("20610", modifiers=["LT"])])
    # possible 1 + 2 + 2 * 0.5 = 4
    assert summary(grade(item, checker, "M17.0", "20610-LT, 20610-RT")) == (100.0, 4.0, 0.0, 4.0)
    assert summary(grade(item, checker, "M17.0", "20610-RT, 20610-LT")) == (100.0, 4.0, 0.0, 4.0)


def test_33_invalid_procedures(checker: CodeChecker) -> None:
    # KNEE: 1 (dx) - 3 * 0.5 = 0 (floor), plus the procedure and modifiers lines missing
    report = grade(KNEE, checker, "M17.11", "9921, J9999, x4")
    assert [ln.verdict for ln in report.lines_of("procedure")][:3] == ["invalid", "invalid", "invalid"]
    messages = [ln.message for ln in report.lines_of("procedure")][:3]
    assert messages[0].startswith("9921 is not a CPT or HCPCS Level II code")
    assert messages[1].startswith("J9999 is not in the HCPCS Level II codes this site knows")
    assert messages[2].startswith("X4: a modifier or units without a procedure code")
    assert summary(report) == (0.0, 1.0, 1.5, 2.5)


def test_34_not_reportable_procedure(checker: CodeChecker) -> None:
    item = case(
        diagnoses=["M17.11"],
        procedures=["20610"],
        not_reportable={"99211": "The visit is part of the injection."},
    )
    report = grade(item, checker, "M17.11", "20610, 99211")
    nr = report.lines_of("procedure")[1]
    assert (nr.verdict, nr.message) == ("not_reportable", "The visit is part of the injection. (-0.5 points)")
    assert summary(report) == (75.0, 2.0, 0.5, 2.0)


def test_35_unknown_modifier_is_explained(checker: CodeChecker) -> None:
    report = grade(KNEE, checker, "M17.11", "20610-QQ")
    assert "QQ is not a known modifier." in report.lines_of("procedure")[0].message
    assert report.lines_of("modifiers")[0].verdict == "wrong"


# --- ICD-10-PCS ----------------------------------------------------------------------------------

HIP = case(diagnoses=["M16.11"], pcs=["0SR9019", "0DB68ZX"], setting="inpatient")


def test_36_pcs_sequencing(checker: CodeChecker) -> None:
    # possible: dx 1 + pcs 2 + pcs sequencing 1 = 4; principal procedure second: 3 of 4
    report = grade(HIP, checker, "M16.11", "", "0DB68ZX 0SR9019")
    assert summary(report) == (75.0, 3.0, 0.0, 4.0)
    assert report.lines_of("sequencing")[0].message == "The principal procedure is 0SR9019; 0DB68ZX was listed first."


def test_37_pcs_partial_on_the_first_four_characters(checker: CodeChecker) -> None:
    # 0SR901Z shares 0SR9 with 0SR9019: 0.5, + 0DB68ZX 1 + sequencing 1 + dx 1 = 3.5 of 4
    report = grade(HIP, checker, "M16.11", "", "0SR901Z, 0DB68ZX")
    assert verdicts(report)[1:] == [
        ("pcs", "0SR901Z", "partial"),
        ("pcs", "0DB68ZX", "correct"),
        ("sequencing", "0SR901Z", "correct"),
    ]
    assert summary(report) == (87.5, 3.5, 0.0, 4.0)


def test_38_invalid_pcs(checker: CodeChecker) -> None:
    report = grade(HIP, checker, "M16.11", "", "0SR90I9")
    assert report.lines_of("pcs")[0].verdict == "invalid"
    assert "never uses the letters I and O" in report.lines_of("pcs")[0].message


# --- overrides, floor, rounding ------------------------------------------------------------------


def test_39_scoring_overrides(checker: CodeChecker) -> None:
    # diagnosis 2, sequencing 0, extra penalty 1: possible 2 + 2 + 0 = 4; earned 2, penalty 1: 1 of 4
    item = case(diagnoses=["E11.22", "N18.31"], scoring={"diagnosis": 2, "sequencing": 0, "extra_penalty": 1})
    report = grade(item, checker, "E11.22, I10")
    assert summary(report) == (25.0, 2.0, 1.0, 4.0)


def test_40_partial_weight_override(checker: CodeChecker) -> None:
    # partial 0.25: 0.25 + 1 + sequencing 1 = 2.25 of 3
    item = case(diagnoses=["E11.22", "E11.65"], scoring={"partial": 0.25})
    assert summary(grade(item, checker, "E11.29, E11.65")) == (75.0, 2.25, 0.0, 3.0)


def test_41_partial_never_earns_more_than_the_line(checker: CodeChecker) -> None:
    item = case(diagnoses=["E11.22"], scoring={"partial": 5})
    assert grade(item, checker, "E11.29").score_pct == 100.0


def test_42_score_floor_at_zero(checker: CodeChecker) -> None:
    report = grade(DIABETES, checker, "I10, J45.909, K21.9, R52")
    assert summary(report) == (0.0, 0.0, 2.0, 3.0)


def test_43_rounding_is_half_up(checker: CodeChecker) -> None:
    # partial 0.1 of a diagnosis worth 8: 0.1 / 8 = 1.25% -> 1.3 (round() would give 1.2)
    item = case(diagnoses=["E11.22"], scoring={"diagnosis": 8, "partial": 0.1})
    assert grade(item, checker, "E11.29").score_pct == 1.3
    from fractions import Fraction

    assert round_half_up(Fraction(2, 3) * 100) == 66.7
    assert round_half_up(Fraction(1, 3) * 100) == 33.3
    assert round_half_up(Fraction(8575, 100)) == 85.8


def test_44_nothing_to_score(checker: CodeChecker) -> None:
    item = case(diagnoses=[line("Z79.4", optional=True)])
    assert grade(item, checker, "").score_pct == 100.0
    assert grade(item, checker, "I10").score_pct == 0.0


# --- explanations from the classification --------------------------------------------------------


def test_45_excludes1_is_explained_on_the_offending_line(checker: CodeChecker) -> None:
    # E10.9 is extra (-0.5): 2.5 of 3; the explanation costs nothing more
    report = grade(DIABETES, checker, "E11.22, N18.31, E10.9")
    assert summary(report) == (83.3, 3.0, 0.5, 3.0)
    offending = report.lines[2]
    assert offending.submitted == "E10.9" and "Excludes1: E11.22 and E10.9 are never coded together" in offending.message
    assert "Excludes1" not in report.lines[0].message


def test_46_manifestation_first_is_explained_on_the_sequencing_line(checker: CodeChecker) -> None:
    report = grade(case(diagnoses=["E85.1", "G63"]), checker, "G63, E85.1")
    sequencing = report.lines_of("sequencing")[0]
    assert sequencing.verdict == "wrong"
    assert "G63 is a manifestation code" in sequencing.message and "never listed first" in sequencing.message_during


def test_47_every_verdict_is_a_known_word(checker: CodeChecker) -> None:
    report = grade(FRACTURE, checker, "S52.509A, S52.501, M79.631, I10, Q99.99X", "25600-LT, 9921")
    assert {ln.verdict for ln in report.lines} == {
        "partial",
        "incomplete",
        "not_reportable",
        "extra",
        "invalid",
        "correct",
        "wrong",
    }


@pytest.mark.parametrize("after", [True, False])
def test_48_report_json_shape(checker: CodeChecker, after: bool) -> None:
    data = grade(FRACTURE, checker, "S52.509A", "").to_json(after_attempt=after)
    assert set(data) == {"case_id", "score_pct", "earned", "penalties", "possible", "lines"}
    for item in data["lines"]:
        assert set(item) == {"kind", "submitted", "expected", "verdict", "points", "message"}
        assert item["kind"] in ("diagnosis", "procedure", "pcs", "sequencing", "modifiers", "units")
    hidden = [ln for ln in data["lines"] if ln["expected"] is not None]
    if not after:
        assert all(ln["expected"] == ln["submitted"] for ln in hidden)
        assert not any("S52.501A" in ln["message"] or "25600" in ln["message"] for ln in data["lines"])


# ------------------------------------------------------------------ a code of another code set (issue 14)
def test_a_code_in_the_list_of_another_code_set_is_wrong_system(checker):
    item = case(diagnoses=["E11.9"], pcs=["0SRC0J9"], setting="inpatient")
    report = grade(item, checker, dx="E11.9, 0SRC0J9, 99213", pcs="0SRC0J9, 99213")
    # (the diagnosis list shows a code as its normalisation wrote it, the message as it was meant)
    wrong = [(ln.kind, ln.submitted, ln.points, ln.message) for ln in report.lines if ln.verdict == "wrong_system"]
    assert wrong == [
        ("diagnosis", "0SR.C0J9", -0.5, "0SRC0J9 is an ICD-10-PCS procedure code; diagnoses are ICD-10-CM. (-0.5 points)"),
        ("diagnosis", "992.13", -0.5, "99213 is a CPT code; diagnoses are ICD-10-CM. (-0.5 points)"),
        ("pcs", "99213", -0.5, "99213 is a CPT code; inpatient facility procedures are reported with ICD-10-PCS. (-0.5 points)"),
    ]
    # scored as invalid: the same penalty as before the verdict existed
    assert report.penalties == 1.5


def test_a_pcs_or_diagnosis_code_in_the_cpt_list_is_wrong_system(checker):
    item = case(diagnoses=["E11.9"], procedures=["99213"], setting="professional")
    report = grade(item, checker, dx="E11.9", px="99213, 0SRC0J9, E11.9")
    verdicts = {ln.submitted: (ln.verdict, ln.points) for ln in report.lines if ln.kind == "procedure"}
    assert verdicts == {"99213": ("correct", 1.0), "0SRC0J9": ("wrong_system", -0.5), "E11.9": ("wrong_system", -0.5)}
