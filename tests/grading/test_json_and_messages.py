"""The exact JSON of MCQ results and grade reports, and the MCQ messages: what the pages and the API
show is read from these keys, so a renamed key or a changed default is a visible change."""

from __future__ import annotations

import math

from study.grading.mcq import grade_mcq
from study.grading.results import GradeLine, GradeReport
from tests.grading.helpers import multiple_response

MULTI = multiple_response("cpc-x-002")


def test_mcq_result_json_after_the_attempt_is_the_default():
    result = grade_mcq(MULTI, "A, Z")
    assert (
        result.to_json()
        == result.to_json(after_attempt=True)
        == {
            "item_id": "cpc-x-002",
            "selected": ["A", "Z"],
            "correct": False,
            "score": 0.0,
            "answer": ["A", "C"],
            "options": [
                {"letter": "A", "selected": True, "correct": True},
                {"letter": "B", "selected": False, "correct": False},
                {"letter": "C", "selected": False, "correct": True},
                {"letter": "D", "selected": False, "correct": False},
            ],
            "unknown": ["Z"],
            "message": "Not correct. Z is not an option.",
        }
    )
    assert result.to_json(after_attempt=False) == {"item_id": "cpc-x-002", "selected": ["A", "Z"]}


def test_mcq_messages_name_every_unknown_letter():
    assert grade_mcq(MULTI, "A, C, X").message == "Not quite: this question asks for 2 answers; 3 were chosen. X is not an option."
    assert grade_mcq(MULTI, "X, Y").message == "Not correct. X, Y are not options."
    assert grade_mcq(MULTI, "B, Q, X").message == "Not quite: this question asks for 2 answers; 3 were chosen. Q, X are not options."
    assert grade_mcq(MULTI, "").message == "No answer was given."
    assert grade_mcq(MULTI, "C a").message == "Correct."
    assert grade_mcq(MULTI, "B, D").message == "Not correct."


def _line(**fields) -> GradeLine:
    base = dict(
        kind="diagnosis",
        submitted="E11.9",
        expected="E11.22",
        verdict="partial",
        points=1 / 3,
        message="E11.9: the key has E11.22.",
        message_during="E11.9 is not specific enough.",
    )
    base.update(fields)
    return GradeLine(**base)


def test_grade_line_json_after_the_attempt_is_the_default():
    line = _line()
    assert (
        line.to_json()
        == line.to_json(after_attempt=True)
        == {
            "kind": "diagnosis",
            "submitted": "E11.9",
            "expected": "E11.22",
            "verdict": "partial",
            "points": 0.3333,
            "message": "E11.9: the key has E11.22.",
        }
    )
    assert line.to_json(after_attempt=False) == {
        "kind": "diagnosis",
        "submitted": "E11.9",
        "expected": None,
        "verdict": "partial",
        "points": 0.3333,
        "message": "E11.9 is not specific enough.",
    }


def test_numbers_are_rounded_to_four_places_and_never_negative_zero():
    assert _line(points=0.123456).to_json()["points"] == 0.1235
    zero = _line(points=-0.0).to_json()["points"]
    assert zero == 0.0 and math.copysign(1.0, zero) == 1.0
    report = GradeReport("case-x", -0.0, 0.1 + 0.2, -0.0, 2 / 3)
    data = report.to_json()
    assert data == {"case_id": "case-x", "score_pct": 0.0, "earned": 0.3, "penalties": 0.0, "possible": 0.6667, "lines": []}
    assert math.copysign(1.0, data["score_pct"]) == 1.0 and math.copysign(1.0, data["penalties"]) == 1.0


def test_report_json_after_the_attempt_is_the_default_and_passes_it_to_every_line():
    report = GradeReport("case-x", 50.0, 1.0, 0.0, 2.0, (_line(), _line(kind="modifiers", verdict="missing")))
    assert report.to_json() == report.to_json(after_attempt=True)
    assert [line["expected"] for line in report.to_json()["lines"]] == ["E11.22", "E11.22"]
    assert [line["expected"] for line in report.to_json(after_attempt=False)["lines"]] == [None, None]


def test_verdicts_and_lines_of_one_kind():
    report = GradeReport("case-x", 50.0, 1.0, 0.0, 2.0, (_line(), _line(kind="modifiers", verdict="missing"), _line(verdict="correct")))
    assert report.verdicts() == ["partial", "missing", "correct"]
    assert report.verdicts("diagnosis") == ["partial", "correct"]
    assert report.verdicts("modifiers") == ["missing"]
    assert report.verdicts("units") == []
    assert [line.verdict for line in report.lines_of("diagnosis")] == ["partial", "correct"]
