"""Multiple-choice grading: single best answer and multiple response."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from study.bank.model import McqItem, McqOption
from study.grading.mcq import grade_mcq, normalize_selection

OPTIONS = tuple(McqOption(letter, f"option {letter}") for letter in "ABCD")
SINGLE = McqItem("cpc-icd-0007", ("CPC",), "icd-10-cm", "Which?", OPTIONS, ("B",), "Because.")
MULTIPLE = McqItem("cpc-icd-0008", ("CPC",), "icd-10-cm", "Select two.", OPTIONS, ("A", "C"), "Because.", multiple=True)


def test_single_answer_right_and_wrong() -> None:
    right = grade_mcq(SINGLE, "b")
    assert (right.correct, right.score, right.selected, right.message) == (True, 1.0, ("B",), "Correct.")
    wrong = grade_mcq(SINGLE, "C")
    assert (wrong.correct, wrong.score, wrong.message) == (False, 0.0, "Not correct.")
    assert grade_mcq(SINGLE, "B, C").correct is False  # two letters for a single-answer item


def test_per_option_correctness() -> None:
    result = grade_mcq(MULTIPLE, ["a", "b"])
    assert [(o.letter, o.selected, o.correct, o.right) for o in result.options] == [
        ("A", True, True, True),
        ("B", True, False, False),
        ("C", False, True, False),
        ("D", False, False, True),
    ]


def test_multiple_response_is_all_or_nothing_by_default() -> None:
    assert grade_mcq(MULTIPLE, "A, C").score == 1.0
    assert grade_mcq(MULTIPLE, "C A").correct
    half = grade_mcq(MULTIPLE, "A")
    assert (half.correct, half.score) == (False, 0.0)
    assert half.message == "Not quite: this question asks for 2 answers; 1 were chosen."


def test_multiple_response_partial_credit() -> None:
    assert grade_mcq(MULTIPLE, "A", partial_credit=True).score == 0.5
    assert grade_mcq(MULTIPLE, "A, B", partial_credit=True).score == 0.0  # one right, one wrong
    assert grade_mcq(MULTIPLE, "A, B, C, D", partial_credit=True).score == 0.0
    assert grade_mcq(MULTIPLE, "A, C", partial_credit=True).score == 1.0


def test_unknown_letters_and_empty_answers() -> None:
    result = grade_mcq(SINGLE, "B, Z")
    assert result.unknown == ("Z",) and not result.correct
    assert result.message == "Not correct. Z is not an option."
    assert grade_mcq(SINGLE, "").message == "No answer was given."
    assert grade_mcq(SINGLE, None).selected == ()


def test_json_hides_the_answer_during_the_attempt() -> None:
    result = grade_mcq(SINGLE, "C")
    assert result.to_json(after_attempt=False) == {"item_id": "cpc-icd-0007", "selected": ["C"]}
    after = result.to_json(after_attempt=True)
    assert after["answer"] == ["B"] and after["correct"] is False
    assert after["options"][1] == {"letter": "B", "selected": False, "correct": True}


def test_normalize_selection() -> None:
    assert normalize_selection("c, a, a") == ("A", "C")
    assert normalize_selection(["b", " d "]) == ("B", "D")
    assert normalize_selection(5) == ("5",)


@given(st.one_of(st.text(), st.lists(st.text()), st.none(), st.integers()))
def test_never_raises(selected: object) -> None:
    for item in (SINGLE, MULTIPLE):
        result = grade_mcq(item, selected, partial_credit=True)
        assert 0.0 <= result.score <= 1.0
