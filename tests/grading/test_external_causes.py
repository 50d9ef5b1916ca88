"""Voluntary external cause codes (V00-Y99): a valid, reportable one the key does not list is
``accepted_voluntary`` (no points, no penalty) unless the case says ``external_causes: required``
or lists it under ``not_reportable``."""

from __future__ import annotations

import pytest

from study.codes.normalize import parse_submission
from study.grading.case import grade_case
from tests.grading.helpers import case, line

VOLUNTARY_MESSAGE = "accepted: voluntary — external cause codes are optional for this case"
FALL = dict(diagnoses=["S52.501A"], procedures=["25600"])


def _lines(report, kind="diagnosis"):
    return [ln for ln in report.lines if ln.kind == kind]


def test_unlisted_external_cause_code_is_accepted_without_penalty(checker):
    report = grade_case(case(**FALL), parse_submission("S52.501A, W01.0XXA, Y92.009", "25600"), checker)
    verdicts = {ln.submitted: (ln.verdict, ln.points, ln.message) for ln in _lines(report)}
    assert verdicts["W01.0XXA"] == ("accepted_voluntary", 0.0, VOLUNTARY_MESSAGE)
    assert verdicts["Y92.009"] == ("accepted_voluntary", 0.0, VOLUNTARY_MESSAGE)
    assert report.score_pct == 100.0 and report.penalties == 0 and report.earned == report.possible


def test_the_message_during_the_attempt_is_the_same(checker):
    report = grade_case(case(**FALL), parse_submission("S52.501A, W01.0XXA", "25600"), checker)
    during = report.to_json(after_attempt=False)["lines"]
    line_json = next(ln for ln in during if ln["submitted"] == "W01.0XXA")
    assert line_json["verdict"] == "accepted_voluntary" and line_json["message"] == VOLUNTARY_MESSAGE


def test_required_external_causes_keep_the_extra_penalty(checker):
    report = grade_case(case(**FALL, external_causes="required"), parse_submission("S52.501A, W01.0XXA", "25600"), checker)
    extra = next(ln for ln in _lines(report) if ln.submitted == "W01.0XXA")
    assert extra.verdict == "extra" and extra.points == -0.5
    assert report.score_pct < 100


def test_not_reportable_wins_over_voluntary(checker):
    key = case(**FALL, not_reportable={"W01.0XXA": "The fall is not coded on this encounter."})
    report = grade_case(key, parse_submission("S52.501A, W01.0XXA", "25600"), checker)
    nr = next(ln for ln in _lines(report) if ln.submitted == "W01.0XXA")
    assert nr.verdict == "not_reportable" and nr.points == -0.5


@pytest.mark.parametrize(
    "submitted, verdict",
    [
        ("W01", "incomplete"),  # a header, not reportable: as today
        ("W01.0XXA, W01.0XXA", "extra"),  # listed twice: the second is an extra, as today
        ("E11.9", "extra"),  # not an external cause code
    ],
)
def test_only_reportable_external_cause_codes_listed_once_are_voluntary(checker, submitted, verdict):
    report = grade_case(case(**FALL), parse_submission(f"S52.501A, {submitted}", "25600"), checker)
    assert _lines(report)[-1].verdict == verdict


def test_a_listed_external_cause_code_still_scores(checker):
    key = case(diagnoses=["S52.501A", "W01.0XXA"], procedures=["25600"])
    report = grade_case(key, parse_submission("S52.501A, W01.0XXA", "25600"), checker)
    assert [ln.verdict for ln in _lines(report)] == ["correct", "correct"]
    optional = case(diagnoses=["S52.501A", line("W01.0XXA", optional=True)], procedures=["25600"])
    report = grade_case(optional, parse_submission("S52.501A, W01.0XXA", "25600"), checker)
    assert [ln.verdict for ln in _lines(report)] == ["correct", "correct"]


def test_a_sibling_of_a_listed_external_cause_is_a_partial_match_not_voluntary(checker):
    key = case(diagnoses=["S52.501A", "W01.0XXA"], procedures=["25600"])
    report = grade_case(key, parse_submission("S52.501A, W01.10XA", "25600"), checker)
    assert _lines(report)[1].verdict == "partial"
