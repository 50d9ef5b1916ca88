"""Grade report JSON: both forms, numbers without float noise."""

from __future__ import annotations

from study.grading.results import GradeLine, GradeReport


def test_line_json_after_and_during() -> None:
    line = GradeLine("diagnosis", None, "N18.31", "missing", 0.0, "Missing diagnosis: N18.31.", "A diagnosis is missing.")
    assert line.to_json(True) == {
        "kind": "diagnosis",
        "submitted": None,
        "expected": "N18.31",
        "verdict": "missing",
        "points": 0.0,
        "message": "Missing diagnosis: N18.31.",
    }
    assert line.to_json(False)["expected"] is None and line.to_json(False)["message"] == "A diagnosis is missing."


def test_correct_lines_keep_expected_during_the_attempt() -> None:
    line = GradeLine("procedure", "25600", "25600", "correct", 1.0, "25600 is correct.")
    assert line.to_json(False)["expected"] == "25600"
    assert line.to_json(False)["message"] == "25600 is correct."  # no separate during-message needed


def test_report_numbers_are_clean() -> None:
    report = GradeReport("c", 66.7, 0.1 + 0.2, 0.0, 3.0, (GradeLine("units", "2", "4", "wrong", -0.0, "m"),))
    data = report.to_json()
    assert data["earned"] == 0.3 and data["lines"][0]["points"] == 0.0
    assert report.verdicts() == ["wrong"] and report.lines_of("units")[0].expected == "4"
