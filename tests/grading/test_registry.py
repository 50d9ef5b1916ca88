"""The grader registry: item type -> grader."""

from __future__ import annotations

import pytest

from study.bank.model import McqItem, McqOption
from study.codes.checking import CodeChecker
from study.codes.normalize import parse_submission
from study.grading.mcq import McqResult
from study.grading.registry import CaseGrader, GraderRegistry, McqGrader, get_grader, grade, registry
from study.grading.results import GradeReport
from tests.grading.helpers import case

MCQ = McqItem("cpc-x-001", ("CPC",), "em", "Which?", (McqOption("A", "a"), McqOption("B", "b")), ("A",), "Because.")
CASE = case(diagnoses=["E11.22"], procedures=["99214"])


def test_default_registry_knows_every_item_type() -> None:
    assert registry.types() == ("case", "claim", "mcq", "remittance", "scrubber")
    assert isinstance(get_grader("mcq"), McqGrader) and isinstance(get_grader("case"), CaseGrader)


def test_grade_dispatches_on_the_item_type(checker: CodeChecker) -> None:
    assert isinstance(grade(MCQ, "A"), McqResult)
    report = grade(CASE, parse_submission("E11.22", "99214"), checker)
    assert isinstance(report, GradeReport) and report.score_pct == 100.0
    from_text = grade(CASE, {"dx": "e1122", "px": "99214"}, checker)
    assert from_text == report


def test_case_grading_needs_a_checker_and_a_case() -> None:
    with pytest.raises(ValueError, match="needs a CodeChecker"):
        grade(CASE, {"dx": "E11.22"})
    with pytest.raises(TypeError):
        CaseGrader().grade(MCQ, {}, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        McqGrader().grade(CASE, "A")  # type: ignore[arg-type]


def test_registering_a_new_type() -> None:
    class EssayGrader:
        item_type = "essay"

        def grade(self, item, response, checker=None):  # type: ignore[no-untyped-def]
            return len(response)

    local = GraderRegistry()
    local.register(EssayGrader())
    assert local.get("essay").grade(None, "abc") == 3
    with pytest.raises(ValueError, match="already registered"):
        local.register(EssayGrader())
    local.register(EssayGrader(), replace=True)
    with pytest.raises(KeyError, match="no grader for item type 'matching'"):
        local.get("matching")


def test_stored_answers_grade_like_what_the_learner_typed(checker: CodeChecker) -> None:
    """The services grade stored answers: the case code lists and the MCQ's ``{"selected": [...]}``."""
    typed = grade(CASE, {"dx": "E11.22", "px": "99214"}, checker)
    stored = grade(CASE, {"diagnoses": ["", " e11.22 ", "  "], "procedures": ["99214", ""], "pcs": []}, checker)
    assert stored == typed and stored.score_pct == 100.0
    assert grade(CASE, {"pcs": ["", " "], "diagnoses": ["E11.22"]}, checker).lines_of("pcs") == []
    assert grade(MCQ, {"selected": ["A"]}) == grade(MCQ, "A")
    assert grade(MCQ, {}).selected == ()


def test_clean_case_answer_is_the_one_stored_form() -> None:
    from study.grading.answers import MAX_CODE_CHARS, MAX_CODES, clean_case_answer

    assert clean_case_answer({"diagnoses": ["", " E11.22 ", None, "   "], "procedures": "99214", "other": ["x"]}) == {
        "diagnoses": ["E11.22"],
        "procedures": ["99214"],
        "pcs": [],
    }
    long_list = [""] * 40 + [f"A{i:02d}" for i in range(MAX_CODES + 5)]
    cleaned = clean_case_answer({"pcs": long_list})["pcs"]
    assert cleaned == [f"A{i:02d}" for i in range(MAX_CODES)]  # blank rows dropped before the cap
    assert clean_case_answer({"diagnoses": [" " * 50 + "E" * 60]})["diagnoses"] == ["E" * MAX_CODE_CHARS]
    assert clean_case_answer(None) == clean_case_answer({}) == {"diagnoses": [], "procedures": [], "pcs": []}
