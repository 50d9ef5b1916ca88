"""The remittance grader and its report."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from study.billing.remittance import KeyLine, LineAnswer, Remit, parse_remit, parse_remit_key
from study.grading.remittance import RemittanceReport, grade_remittance
from tests.billing.remit_helpers import DENIED_ECG, KEY, OFFICE_VISIT, consistent_lines, remit_raw


def _exercise() -> tuple[Remit, list[KeyLine]]:
    remit, problems = parse_remit(remit_raw(OFFICE_VISIT, DENIED_ECG))
    assert remit is not None and problems == []
    key, problems = parse_remit_key(KEY, remit)
    assert problems == []
    return remit, key


PERFECT = [
    LineAnswer("16.00", "70.00", "bill-patient", ""),
    LineAnswer("0", "$60", "appeal", "prior-authorization"),
]


def test_the_key_answered_exactly_scores_100() -> None:
    remit, key = _exercise()
    report = grade_remittance(remit, key, PERFECT)
    assert report.score_pct == 100.0 and report.score == 1.0 and report.correct
    assert report.earned == report.possible == 6.5
    assert [f.path for f in report.fields] == [
        "lines.1.patient_responsibility",
        "lines.1.write_off",
        "lines.1.action",
        "lines.2.patient_responsibility",
        "lines.2.write_off",
        "lines.2.action",
        "lines.2.evidence",
    ]


def test_the_working_is_shown_in_plain_words_after_the_attempt() -> None:
    remit, key = _exercise()
    report = grade_remittance(remit, key, PERFECT)
    message = report.field(1, "patient_responsibility").message  # type: ignore[union-attr]
    assert "allowed $80.00 − paid $64.00 = $16.00 coinsurance, the patient's share" in message
    write_off = report.field(1, "write_off").message  # type: ignore[union-attr]
    assert "billed $150.00 − allowed $80.00 = $70.00 (CO-45)" in write_off
    assert "patient owes $0.00" in report.field(2, "patient_responsibility").message  # type: ignore[union-attr]


def test_wrong_missing_and_junk_answers() -> None:
    remit, key = _exercise()
    answers = [
        LineAnswer("17.00", "seventy", "accept", ""),
        {"patient_responsibility": "", "action": "write-off", "evidence": "medical-records"},
    ]
    report = grade_remittance(remit, key, answers, rules={"lines.1.patient_responsibility": "The patient owes only the PR adjustments."})
    verdicts = report.verdicts()
    assert verdicts == {
        "lines.1.patient_responsibility": "wrong",
        "lines.1.write_off": "wrong",
        "lines.1.action": "partial",
        "lines.2.patient_responsibility": "missing",
        "lines.2.write_off": "missing",
        "lines.2.action": "wrong",
        "lines.2.evidence": "wrong",
    }
    assert report.earned == 0.5 and report.possible == 6.5 and report.score_pct == 7.7
    first = report.field(1, "patient_responsibility")
    assert first is not None and first.submitted == "$17.00" and "Rule: The patient owes only the PR adjustments." in first.message
    junk = report.field(1, "write_off")
    assert junk is not None and "“seventy” is not an amount" in junk.message and "not an amount" in junk.message_during
    evidence = report.field(2, "evidence")
    assert evidence is not None and "only with an appeal" in evidence.message


def test_the_action_earns_its_credit_and_evidence_needs_an_appeal() -> None:
    remit, key = _exercise()
    report = grade_remittance(remit, key, [LineAnswer("16", "70", "ACCEPT", ""), LineAnswer("0", "60", "appeal", "")])
    action = report.field(1, "action")
    assert action is not None and action.points == 0.5 and action.verdict == "partial" and "50%" in action.message
    assert report.field(2, "evidence").verdict == "missing"  # type: ignore[union-attr]
    assert report.earned == 5.5


def test_no_answers_at_all_are_all_missing() -> None:
    remit, key = _exercise()
    report = grade_remittance(remit, key, [])
    assert set(report.verdicts().values()) == {"missing"}
    assert report.score_pct == 0.0 and report.score == 0.0 and not report.correct


def test_nothing_to_score_is_100() -> None:
    remit, _key = _exercise()
    report = grade_remittance(remit, [], [])
    assert report.score_pct == 100.0 and report.score == 1.0 and report.correct


def test_during_the_attempt_expected_values_and_the_working_are_hidden() -> None:
    remit, key = _exercise()
    report = grade_remittance(remit, key, [LineAnswer("17.00", "70.00", "accept", ""), LineAnswer("0", "60", "write-off", "")])
    during = report.to_json(after_attempt=False)
    by_path = {f"lines.{f['line']}.{f['field']}": f for f in during["fields"]}
    wrong = by_path["lines.1.patient_responsibility"]
    assert wrong["expected"] is None and "16" not in wrong["message"] and wrong["message"] == "$17.00 is not the patient responsibility"
    assert by_path["lines.1.write_off"]["expected"] == "$70.00"  # the learner wrote it
    assert by_path["lines.1.action"]["expected"] is None and "bill-patient" not in by_path["lines.1.action"]["message"]
    assert by_path["lines.2.evidence"]["expected"] is None and "prior-authorization" not in by_path["lines.2.evidence"]["message"]
    assert all("message_during" not in f for f in during["fields"])
    after = report.to_json(after_attempt=True)
    assert after["fields"][0]["expected"] == "$16.00" and "$16.00" in after["fields"][0]["message"]


def test_the_report_round_trips_through_json() -> None:
    remit, key = _exercise()
    report = grade_remittance(remit, key, [LineAnswer("17.00", "x", "accept", ""), LineAnswer("0", "60", "appeal", "referral")])
    assert RemittanceReport.from_json(report.to_json(after_attempt=True)) == report


# --- properties ----------------------------------------------------------------------------------


ACTIONS = ["accept", "correct-resubmit", "appeal", "bill-secondary", "bill-patient", "write-off"]


@st.composite
def exercises(draw: st.DrawFn) -> tuple[Remit, list[KeyLine]]:
    lines = draw(st.lists(consistent_lines(), min_size=1, max_size=5))
    remit, problems = parse_remit(remit_raw(*lines))
    assert remit is not None and problems == []
    key_raw = []
    for line in remit.lines:
        action = draw(st.sampled_from(ACTIONS))
        entry: dict[str, Any] = {
            "patient_responsibility": f"{line.patient_responsibility:.2f}",
            "write_off": f"{line.write_off:.2f}",
            "action": action,
        }
        if action == "appeal" and draw(st.booleans()):
            entry["evidence"] = draw(st.sampled_from(["medical-records", "prior-authorization", "timely-filing-proof"]))
        key_raw.append(entry)
    key, problems = parse_remit_key({"lines": key_raw}, remit)
    assert problems == []
    return remit, key


def _exact(key: list[KeyLine]) -> list[LineAnswer]:
    return [LineAnswer(f"{k.patient_responsibility:.2f}", f"{k.write_off:.2f}", k.best_action, k.evidence or "") for k in key]


@given(exercises())
def test_property_the_key_answered_exactly_scores_100(exercise: tuple[Remit, list[KeyLine]]) -> None:
    remit, key = exercise
    report = grade_remittance(remit, key, _exact(key))
    assert report.score_pct == 100.0 and report.correct and report.earned == report.possible


@given(exercises(), st.data())
def test_property_an_amount_off_by_one_cent_loses_exactly_that_point(exercise: tuple[Remit, list[KeyLine]], data: st.DataObject) -> None:
    remit, key = exercise
    answers = _exact(key)
    index = data.draw(st.integers(min_value=0, max_value=len(key) - 1))
    name = data.draw(st.sampled_from(["patient_responsibility", "write_off"]))
    cent = Decimal("0.01") * data.draw(st.sampled_from([1, -1]))
    changed = dataclasses.replace(answers[index], **{name: f"{getattr(key[index], name) + cent:.2f}"})
    answers[index] = changed
    report = grade_remittance(remit, key, answers)
    assert report.earned == report.possible - 1
    assert [f.path for f in report.fields if f.verdict != "correct"] == [f"lines.{index + 1}.{name}"]


@given(
    exercises(), st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8), st.sampled_from([*ACTIONS, "", "pay"]), st.text(max_size=8)))
)
def test_property_score_pct_is_between_0_and_100(exercise: tuple[Remit, list[KeyLine]], typed: list[tuple[str, str, str, str]]) -> None:
    remit, key = exercise
    report = grade_remittance(remit, key, [LineAnswer(*answer) for answer in typed])
    assert 0.0 <= report.score_pct <= 100.0
    assert 0.0 <= report.score <= 1.0
    assert 0.0 <= report.earned <= report.possible
    assert RemittanceReport.from_json(report.to_json(True)) == report
