"""The grader registry's exact contract: a fresh default registry, the forms of a case response
(the three text boxes, each optional; one text; a Submission), partial credit passed through to
the MCQ grader, and the error messages."""

from __future__ import annotations

import pytest

from study.codes.checking import CodeChecker
from study.codes.normalize import parse_submission
from study.grading.registry import CaseGrader, GraderRegistry, McqGrader, default_registry
from tests.grading.helpers import case, multiple_response

MULTI = multiple_response("cpc-x-003")
CASE = case(diagnoses=["M16.11"], procedures=["99214"], pcs=["0SR9019"], setting="inpatient")


def test_default_registry_is_new_each_time_and_knows_every_type():
    first, second = default_registry(), default_registry()
    assert first is not second and isinstance(first, GraderRegistry)
    assert first.types() == second.types() == ("case", "claim", "mcq", "remittance", "scrubber")
    assert isinstance(first.get("mcq"), McqGrader) and isinstance(first.get("case"), CaseGrader)
    assert first.get("mcq").partial_credit is False


def test_an_unknown_type_names_the_known_ones():
    with pytest.raises(KeyError) as caught:
        default_registry().get("essay")
    assert caught.value.args[0] == "no grader for item type 'essay' (known: case, claim, mcq, remittance, scrubber)"
    with pytest.raises(KeyError) as caught:
        GraderRegistry().get("mcq")
    assert caught.value.args[0] == "no grader for item type 'mcq' (known: none)"


def test_the_graders_refuse_the_other_type_by_name():
    with pytest.raises(TypeError) as caught:
        CaseGrader().grade(MULTI, {}, None)  # type: ignore[arg-type]
    assert str(caught.value) == "the case grader cannot grade McqItem"
    with pytest.raises(TypeError) as caught:
        McqGrader().grade(CASE, "A")  # type: ignore[arg-type]
    assert str(caught.value) == "the mcq grader cannot grade CaseItem"
    with pytest.raises(ValueError) as caught:
        CaseGrader().grade(CASE, {})
    assert str(caught.value) == "grading a coding case needs a CodeChecker"


def test_partial_credit_is_passed_to_the_mcq_grader():
    assert McqGrader().grade(MULTI, "A").score == 0.0
    assert McqGrader(partial_credit=True).grade(MULTI, "A").score == 0.5
    assert McqGrader(True).partial_credit is True


def _verdicts(report) -> dict[str, list[str]]:
    return {kind: report.verdicts(kind) for kind in ("diagnosis", "procedure", "pcs") if report.verdicts(kind)}


@pytest.mark.parametrize(
    "boxes, verdicts",
    [
        ({"dx": "M16.11", "px": "99214", "pcs": "0SR9019"}, {"diagnosis": ["correct"], "procedure": ["correct"], "pcs": ["correct"]}),
        ({"px": "99214"}, {"diagnosis": ["missing"], "procedure": ["correct"], "pcs": ["missing"]}),
        ({"dx": "M16.11"}, {"diagnosis": ["correct"], "procedure": ["missing"], "pcs": ["missing"]}),
        ({"pcs": "0SR9019"}, {"diagnosis": ["missing"], "procedure": ["missing"], "pcs": ["correct"]}),
        ({}, {"diagnosis": ["missing"], "procedure": ["missing"], "pcs": ["missing"]}),
    ],
)
def test_each_text_box_is_optional(checker: CodeChecker, boxes, verdicts):
    assert _verdicts(CaseGrader().grade(CASE, boxes, checker)) == verdicts


def test_one_text_is_read_as_diagnoses_and_nothing_as_an_empty_answer(checker: CodeChecker):
    one_text = CaseGrader().grade(CASE, "M16.11", checker)
    assert _verdicts(one_text) == {"diagnosis": ["correct"], "procedure": ["missing"], "pcs": ["missing"]}
    assert CaseGrader().grade(CASE, None, checker) == CaseGrader().grade(CASE, {}, checker)
    submission = parse_submission("M16.11", "99214", "0SR9019")
    assert CaseGrader().grade(CASE, submission, checker) == CaseGrader().grade(
        CASE, {"dx": "M16.11", "px": "99214", "pcs": "0SR9019"}, checker
    )
