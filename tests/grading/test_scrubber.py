"""The scrubber grader: planted errors, found / corrected / missed, false alarms, the report's JSON."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from study.billing.claim import field_paths
from study.grading.scrubber import PlantedError, ScrubberReport, grade_scrubber, parse_errors, unplanted_problems
from tests.billing.samples import claim, raw

RAW_ERRORS = [
    {"field": "lines.1.modifiers", "kind": "missing-modifier", "correction": ["25"], "why": "a separate E/M on a procedure day needs 25"},
    {"field": "lines.2.pointers", "kind": "pointer", "correction": ["B"], "why": "the strapping treats the ankle sprain"},
    {"field": "lines.2.pos", "kind": "pos", "correction": "11", "why": "the visit was in the office"},
    {"field": "prior_auth", "kind": "other", "correction": "", "why": "no authorization was needed; the box stays blank"},
    {"field": "lines.2.units", "kind": "units", "correction": [1, "1"], "why": "one strapping"},
]


def _submitted():  # type: ignore[no-untyped-def]
    """The sample claim with the five errors planted."""
    data = raw()
    data["lines"][0]["modifiers"] = []
    data["lines"][1]["pointers"] = ["A"]
    data["lines"][1]["pos"] = "22"
    data["lines"][1]["units"] = 3
    data["prior_auth"] = "PA-7781"
    return claim(**{key: data[key] for key in ("lines", "prior_auth")})


SUBMITTED = _submitted()
ERRORS, PROBLEMS = parse_errors(RAW_ERRORS, SUBMITTED)
RIGHT = {"lines.1.modifiers": "25", "lines.2.pointers": "B", "lines.2.pos": "11", "prior_auth": "", "lines.2.units": "1"}


def test_parse_errors() -> None:
    assert PROBLEMS == []
    assert ERRORS[0] == PlantedError("lines.1.modifiers", "missing-modifier", ("25",), RAW_ERRORS[0]["why"])
    assert ERRORS[3].corrections == ("",)
    assert ERRORS[4].corrections == ("1", "1")


def test_parse_error_problems() -> None:
    bad = [
        {"field": "lines.9.code", "kind": "code", "correction": "99213", "why": "x"},
        {"field": "plan_name", "kind": "typo", "correction": "x", "why": "x"},
        {"field": "plan_name", "kind": "other", "correction": "x", "why": "x"},
        {"field": "plan_name", "kind": "other", "correction": "y", "why": "again"},
        {"field": "tax_id", "kind": "other", "why": "", "colour": 1},
        "nope",
    ]
    errors, problems = parse_errors(bad, SUBMITTED)
    assert [path for path, _ in problems] == [
        "errors.1.field",
        "errors.2.kind",
        "errors.4.field",
        "errors.5.colour",
        "errors.5.why",
        "errors.5.correction",
        "errors.6",
    ]
    assert [e.path for e in errors] == ["plan_name"]
    assert parse_errors([], SUBMITTED)[1] == [("errors", "must be a list of one or more planted errors")]


def test_alternatives_for_list_fields() -> None:
    errors, problems = parse_errors(
        [{"field": "lines.1.modifiers", "kind": "missing-modifier", "correction": [["25"], ["25", "59"]], "why": "w"}], SUBMITTED
    )
    assert problems == [] and errors[0].corrections == ("25", "25 59")
    report = grade_scrubber(SUBMITTED, errors, {"lines.1.modifiers": "59, 25"})
    assert report.correct


def test_everything_right_is_full_marks() -> None:
    report = grade_scrubber(SUBMITTED, ERRORS, RIGHT)
    assert report.score_pct == 100.0 and report.correct
    assert {e.verdict for e in report.errors} == {"corrected"}
    assert report.possible == 10


def test_found_with_a_wrong_correction_earns_one() -> None:
    report = grade_scrubber(SUBMITTED, ERRORS, {**RIGHT, "lines.2.pos": "21"})
    verdict = next(e for e in report.errors if e.path == "lines.2.pos")
    assert verdict.verdict == "found" and verdict.points == 1
    assert "should be 11, not 21" in verdict.message
    assert report.earned == 9


def test_missed_errors_show_why_and_false_alarms_cost_half() -> None:
    marked = {"lines.1.modifiers": "25", "plan_name": "Harbor Mutual"}
    report = grade_scrubber(SUBMITTED, ERRORS, marked)
    missed = [e for e in report.errors if e.verdict == "missed"]
    assert len(missed) == 4 and all(e.why in e.message for e in missed)
    assert [f.path for f in report.false_alarms] == ["plan_name"]
    assert report.earned == 2 and report.penalties == 0.5 and report.score_pct == 15.0


def test_json_before_the_end_gives_counts_only() -> None:
    report = grade_scrubber(SUBMITTED, ERRORS, {"lines.1.modifiers": "25", "plan_name": "x"})
    during = report.to_json(after_attempt=False)
    assert during["counts"] == {"errors": 5, "found": 1, "corrected": 1, "false_alarms": 1}
    assert "lines.2.pos" not in str(during) and "errors" not in during and "false_alarms" not in during
    after = report.to_json(after_attempt=True)
    assert ScrubberReport.from_json(after) == report


def test_no_planted_errors() -> None:
    assert grade_scrubber(SUBMITTED, [], {}).score_pct == 100.0
    assert grade_scrubber(SUBMITTED, [], {"plan_name": "x"}).score_pct == 0.0


marks = st.dictionaries(st.sampled_from(field_paths(SUBMITTED)), st.sampled_from(["", "11", "25", "B", "x"]), max_size=8)


def test_marking_nothing_is_zero() -> None:
    report = grade_scrubber(SUBMITTED, ERRORS, {})
    assert report.score_pct == 0.0 and report.earned == 0


@given(marks)
def test_score_is_a_percentage(marked: dict[str, str]) -> None:
    report = grade_scrubber(SUBMITTED, ERRORS, marked)
    assert 0 <= report.score_pct <= 100


@given(st.lists(st.sampled_from([p for p in field_paths(SUBMITTED) if p not in RIGHT]), min_size=1, max_size=5, unique=True))
def test_every_false_alarm_lowers_the_score(alarms: list[str]) -> None:
    marked = dict(RIGHT)
    previous = grade_scrubber(SUBMITTED, ERRORS, marked)
    for path in alarms:
        marked[path] = "x"
        report = grade_scrubber(SUBMITTED, ERRORS, marked)
        assert report.score_pct < previous.score_pct or previous.score_pct == 0
        assert report.penalties == previous.penalties + 0.5
        previous = report


corrections = st.sampled_from(["", "11", "25", "B", "03/02/2026", "12.50"])


@given(st.dictionaries(st.sampled_from(field_paths(SUBMITTED)), corrections, min_size=1, max_size=8))
def test_marking_exactly_the_planted_fields_with_their_corrections_is_full_marks(planted: dict[str, str]) -> None:
    errors = [PlantedError(path, "other", (correction,), "because") for path, correction in planted.items()]
    report = grade_scrubber(SUBMITTED, errors, planted)
    assert report.score_pct == 100.0 and report.correct
    assert grade_scrubber(SUBMITTED, errors, {}).score_pct == 0.0


def test_a_correction_that_changes_nothing_is_a_problem() -> None:
    errors, problems = parse_errors([{"field": "plan_name", "kind": "other", "correction": "harbor mutual  PPO", "why": "w"}], SUBMITTED)
    assert errors == [] and problems[0][0] == "errors.1.correction" and "nothing to correct" in problems[0][1]


def test_unplanted_problems() -> None:
    broken = SUBMITTED.with_value("lines.2.pos", "88").with_value("billing_npi", "1234567890")
    errors, _ = parse_errors([{"field": "lines.2.pos", "kind": "pos", "correction": "11", "why": "office"}], broken)
    assert list(unplanted_problems(broken, errors, lambda system, code: None)) == ["billing_npi"]
    bad_dx = SUBMITTED.with_value("diagnoses.B", "S93.40")
    errors, _ = parse_errors([{"field": "diagnoses", "kind": "code", "correction": ["I10", "S93.402A"], "why": "7th character"}], bad_dx)
    assert unplanted_problems(bad_dx, errors, lambda system, code: "not billable" if code == "S93.40" else None) == {}
