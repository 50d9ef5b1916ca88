"""Partial-credit feedback names the exact difference, from the code set itself (issue 18): the
7th character, laterality, an unspecified code, a PCS axis. Over real ICD-10-CM descriptions (the
whole code set in memory) and real FY2026 PCS titles (the derived data file)."""

from __future__ import annotations

import pytest

from study.codes.normalize import parse_submission
from study.codes.pcs_data import read_pcs_data
from study.grading.case import grade_case
from study.grading.explain import description_difference, differing_positions, explain_icd10cm, explain_pcs
from tests.grading.helpers import case


@pytest.fixture(scope="module")
def pcs_titles() -> dict[str, str]:
    return dict(read_pcs_data().codes)


def _explain(checker, submitted: str, key: str) -> str:
    return explain_icd10cm(
        submitted, key, checker.check("icd10cm", submitted).description, checker.check("icd10cm", key).description
    )


def test_positions_and_words():
    assert differing_positions("S52.531D", "S52.531A") == [7]
    assert differing_positions("N18.3", "N18.31") == [5]  # N18.3 has no 5th character
    assert description_difference("Fracture of left wrist, initial", "Fracture of right wrist, initial") == ("left", "right")
    assert description_difference("Same words", "Same words") == ("", "")


def test_wrong_seventh_character_names_both_meanings(checker):
    text = _explain(checker, "S52.531D", "S52.531A")
    assert text.startswith("Right code, wrong 7th character: D is “subsequent encounter for closed fracture with routine healing”")
    assert "the key's A is “initial encounter for closed fracture”" in text


def test_laterality(checker):
    text = _explain(checker, "S62.102A", "S62.101A")
    assert text == "Laterality (character 6): 2 is “left”; the key's 1 is “right”."


def test_unspecified_against_the_documented_stage(checker):
    text = _explain(checker, "N18.30", "N18.31")
    assert text.startswith("Specificity (character 5): N18.30 is unspecified")
    assert "“stage 3a”" in text


def test_other_differences_quote_the_words(checker):
    text = _explain(checker, "E11.65", "E11.9")
    assert text.startswith("They differ at characters 4, 5:") and "E11.65 says" in text


def test_pcs_approach_names_the_axis_and_both_values(pcs_titles):
    text = explain_pcs("0FT44ZZ", "0FT40ZZ", pcs_titles["0FT44ZZ"], pcs_titles["0FT40ZZ"])
    assert text == "Different approach 4 vs the key's 0: 0FT44ZZ says “Percutaneous Endoscopic”; the key's code says “Open”."


def test_pcs_device(pcs_titles):
    text = explain_pcs("0SRC0JZ", "0SRC0J9", pcs_titles["0SRC0JZ"], pcs_titles["0SRC0J9"])
    assert text.startswith("Different qualifier Z vs the key's 9:") and "Cemented" in text


def test_the_graded_case_carries_the_explanation_with_the_key_only(checker):
    item = case(diagnoses=["S52.531A"], case_id="case-colles")
    report = grade_case(item, parse_submission("S52.531D", ""), checker)
    line = next(ln for ln in report.lines if ln.submitted == "S52.531D")
    assert line.verdict == "partial"
    assert "wrong 7th character: D is" in line.message
    assert "7th character" not in line.message_during  # during the attempt the key's code is not told
