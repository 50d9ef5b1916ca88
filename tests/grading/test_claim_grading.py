"""The claim grader: verdicts, weights, line matching, messages, the report's JSON."""

from __future__ import annotations

from dataclasses import replace

from study.grading.claim import ClaimReport, grade_claim, rule_of, weight_of
from tests.billing.samples import claim, describe

KEY = claim()
POSSIBLE = 36 + 2 * (9 + 2)  # 36 scored top-level fields; per line 9 fields of 1 and the code of 2


def _verdict(report: ClaimReport, path: str) -> str:
    return next(f.verdict for f in report.fields if f.path == path)


def _field(report: ClaimReport, path: str):  # type: ignore[no-untyped-def]
    return next(f for f in report.fields if f.path == path)


def test_the_key_against_itself_is_full_marks() -> None:
    report = grade_claim(KEY, KEY)
    assert report.score_pct == 100.0 and report.correct and report.score == 1.0
    assert report.possible == POSSIBLE and report.penalties == 0
    assert {f.verdict for f in report.fields} == {"correct"}


def test_weights_and_rules_lookup() -> None:
    assert weight_of("lines.1.code", {}) == 2 and weight_of("plan_name", {}) == 1
    assert weight_of("lines.2.units", {"lines.units": 0.5}) == 0.5
    assert weight_of("lines.2.units", {"lines.units": 0.5, "lines.2.units": 3}) == 3
    assert rule_of("lines.2.pos", {"lines.pos": "office visits are POS 11"}) == "office visits are POS 11"
    assert rule_of("plan_name", {}) == ""


def test_a_wrong_field_with_its_rule() -> None:
    answer = replace(KEY, insurance_type="medicare")
    rule = "Medicare Advantage plans are billed as Group Health Plan, not Medicare"
    report = grade_claim(KEY, answer, rules={"insurance_type": rule})
    field = _field(report, "insurance_type")
    assert field.verdict == "wrong" and field.points == 0 and field.possible == 1
    assert field.message == f"box 1 (type of insurance) should be group, not medicare. {rule}"
    assert field.given == "medicare" and field.expected == "group" and field.rule == rule
    assert report.earned == POSSIBLE - 1 and not report.correct


def test_blank_is_missing_and_a_filled_blank_box_is_wrong() -> None:
    report = grade_claim(KEY, replace(KEY, plan_name="", prior_auth="PA-1"))
    assert _verdict(report, "plan_name") == "missing"
    assert "was left blank" in _field(report, "plan_name").message
    assert _verdict(report, "prior_auth") == "wrong"
    assert "must be left blank" in _field(report, "prior_auth").message


def test_normalised_values_are_correct() -> None:
    answer = replace(KEY, insured_id="xjh441902", patient_name="quill , marisol t", diagnoses=("i10", "S93402A"))
    assert grade_claim(KEY, answer).correct


def test_the_pointer_message_names_the_diagnoses() -> None:
    line = replace(KEY.lines[1], pointers=("A",))
    answer = replace(KEY, lines=(KEY.lines[0], line))
    report = grade_claim(KEY, answer, describe=describe)
    field = _field(report, "lines.2.pointers")
    assert field.verdict == "wrong"
    assert field.message == (
        "box 24E points to the diagnosis that supports this line: B (sprain of left ankle), not A (essential hypertension)"
    )


def test_pointer_order_matters() -> None:
    line = replace(KEY.lines[0], pointers=("A", "B"))
    report = grade_claim(KEY, replace(KEY, lines=(line, KEY.lines[1])), describe=describe)
    assert _verdict(report, "lines.1.pointers") == "wrong"
    assert "the order matters" in _field(report, "lines.1.pointers").message


def test_modifiers_compare_as_sets() -> None:
    line = replace(KEY.lines[0], modifiers=("25",))
    assert grade_claim(KEY, replace(KEY, lines=(line, KEY.lines[1]))).correct
    line = replace(KEY.lines[1], modifiers=("RT",))
    report = grade_claim(KEY, replace(KEY, lines=(KEY.lines[0], line)))
    assert _verdict(report, "lines.2.modifiers") == "wrong"


def test_lines_match_by_code_whatever_their_order() -> None:
    answer = replace(KEY, lines=(KEY.lines[1], KEY.lines[0]))
    assert grade_claim(KEY, answer).correct


def test_a_wrong_code_matches_by_order() -> None:
    line = replace(KEY.lines[1], code="29515")
    report = grade_claim(KEY, replace(KEY, lines=(KEY.lines[0], line)))
    assert _verdict(report, "lines.2.code") == "wrong"
    assert report.earned == POSSIBLE - 2
    assert [f.path for f in report.fields if f.verdict != "correct"] == ["lines.2.code"]


def test_a_missing_line_and_an_extra_line() -> None:
    report = grade_claim(KEY, replace(KEY, lines=(KEY.lines[0],)))
    missing = [f for f in report.fields if f.path.startswith("lines.2.")]
    assert len(missing) == 10 and {f.verdict for f in missing} == {"missing"}
    assert report.earned == POSSIBLE - 11
    extra = replace(KEY.lines[1], code="97110")
    report = grade_claim(KEY, replace(KEY, lines=(*KEY.lines, extra)))
    assert report.penalties == 1 and report.earned == POSSIBLE
    assert report.score_pct == round(100 * (POSSIBLE - 1) / POSSIBLE, 1)
    assert [f.verdict for f in report.fields if f.path == "lines.3"] == ["extra"]


def test_the_score_never_goes_below_zero() -> None:
    extras = tuple(replace(KEY.lines[0], code=str(97000 + n)) for n in range(6))
    report = grade_claim(KEY, replace(KEY, insured_id="x", lines=extras), weights={"lines.code": 0})
    assert report.penalties == 4 and report.score_pct >= 0


def test_json_hides_the_key_during_the_attempt() -> None:
    rule = "an emergency indicator is for true emergencies"
    answer = replace(KEY, insurance_type="medicare")
    report = grade_claim(KEY, answer, rules={"insurance_type": rule})
    during = report.to_json(after_attempt=False)
    text = str(during)
    assert "expected" not in text and rule not in text and "should be group" not in text
    field = next(f for f in during["fields"] if f["path"] == "insurance_type")
    assert field["verdict"] == "wrong" and field["given"] == "medicare" and "not right yet" in field["message"]
    after = report.to_json(after_attempt=True)
    assert ClaimReport.from_json(after) == report
    assert after["score_pct"] == report.score_pct
