"""Progress rules the hand mutation audit found untested: which answers and exams feed an exam's
dashboard and readiness (its own exam only; an item in two exams counts for both; a simulation
left mostly empty measures nothing), and which case errors the error table counts (a missing
modifier and missing or wrong units)."""

from datetime import datetime, timedelta, timezone

import pytest

from study.readiness import MIN_EVIDENCE, predict
from study.services import attempts as attempt_service
from study.services import bank, cases, practice, progress, rollups
from tests.factories import item_by_key, make_attempt, make_user
from tests.learning_bank import write_learning_bank

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
CASE = "case-pro-0003"  # key: S52.501A, W01.0XXA (optional); 25600-RT


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def two_exam_bank(app, tmp_path):
    """The learning bank with learn-icd-001 in CPC and CCS, and learn-icd-002 in CCS only."""
    root = write_learning_bank(tmp_path / "bank")
    folder = root / "cpc" / "icd-10-cm"
    _edit(folder / "learn-icd-001.md", "exams: [CPC]", "exams: [CPC, CCS]")
    _edit(folder / "learn-icd-002.md", "exams: [CPC]", "exams: [CCS]")
    bank.import_bank(root)
    return root


def _answer(user, key, correct=True, when=NOW):
    """One practice answer on `key`, through the practice service (so the rollups are the real ones)."""
    attempt = make_attempt(user, [item_by_key(key)], exam="CPC", started_at=when)
    ai = attempt.items[0]
    item = attempt_service.version_item(ai)
    letters = list(item.answer) if correct else [o for o in "ABCD" if o not in item.answer][:1]
    practice.answer(user, attempt.id, 1, attempt_service.to_shown(ai, item, letters), 30.0, when)


def test_an_item_in_two_exams_counts_on_both_dashboards(two_exam_bank):
    user = make_user()
    _answer(user, "learn-icd-001")
    assert progress.dashboard(user, "CPC", NOW).total_answers == 1
    assert progress.dashboard(user, "CCS", NOW).total_answers == 1


def test_another_exams_answers_are_not_counted(two_exam_bank):
    user = make_user()
    _answer(user, "learn-icd-002")  # a CCS item only
    cpc = progress.dashboard(user, "CPC", NOW)
    assert cpc.total_answers == 0 and cpc.weeks == [] and all(s.evidence.answers == 0 for s in cpc.sections)
    assert progress.dashboard(user, "CCS", NOW).total_answers == 1


def _simulation(user, exam, served, answered, score, when=NOW - timedelta(days=1)):
    return make_attempt(
        user,
        kind="exam",
        exam=exam,
        started_at=when,
        status="submitted",
        submitted_at=when + timedelta(hours=1),
        served_count=served,
        answered_count=answered,
        score_pct=score,
    )


def test_another_exams_simulations_are_not_counted(learning_bank):
    user = make_user()
    _simulation(user, "CCS", 10, 10, 90.0)
    board = progress.dashboard(user, "CPC", NOW)
    assert board.exams == [] and board.readiness.verdict == "not enough evidence"


@pytest.mark.parametrize("answered, counted", [(4, False), (5, True), (10, True)])
def test_only_simulations_at_least_half_answered_feed_readiness(learning_bank, answered, counted):
    user = make_user()
    attempt = _simulation(user, "CPC", 10, answered, 10.0 * answered)
    board = progress.dashboard(user, "CPC", NOW)
    assert [a.id for a in board.exams] == [attempt.id]  # listed either way
    assert board.exam_counts == {attempt.id: (10, answered)}
    assert board.total_answers < MIN_EVIDENCE  # no practice: readiness rests on the simulation alone
    evidence = [s.evidence for s in board.sections]
    if counted:
        assert board.readiness == predict(evidence, 70, [10.0 * answered]) and board.readiness.verdict != "not enough evidence"
    else:
        assert board.readiness.verdict == "not enough evidence" and board.readiness.score == 0.0


def test_a_mostly_empty_simulation_does_not_pull_a_prediction_down(learning_bank):
    user = make_user()
    for key in [f"learn-icd-00{i}" for i in range(1, 9)]:
        _answer(user, key)
    alone = progress.dashboard(user, "CPC", NOW).readiness
    _simulation(user, "CPC", 100, 3, 3.0)
    assert progress.dashboard(user, "CPC", NOW).readiness == alone


@pytest.fixture
def units_bank(app, tmp_path):
    """The learning bank with a second procedure line on the case: 20610 x2 (scored on units)."""
    root = write_learning_bank(tmp_path / "bank")
    _edit(
        root / "cases" / "professional" / f"{CASE}.md",
        '    - {code: "25600", modifiers: [RT]}\n',
        '    - {code: "25600", modifiers: [RT]}\n    - {code: "20610", units: 2}\n',
    )
    bank.import_bank(root)
    return root


def _case_errors(user, procedures, diagnoses=("S52.501A",)):
    attempt = cases.start_case(user, CASE, NOW)
    cases.submit_case(user, attempt.id, {"diagnoses": list(diagnoses), "procedures": list(procedures), "pcs": []}, NOW)
    return progress.dashboard(user, "CPC", NOW).case_errors


NONE = dict.fromkeys(progress.ERROR_KINDS, 0)


def test_a_missing_modifier_is_a_modifier_error(learning_bank):
    assert _case_errors(make_user(), ["25600"]) == NONE | {"modifiers": 1}
    assert _case_errors(make_user(), ["25600-LT"]) == NONE | {"modifiers": 1}
    assert _case_errors(make_user(), ["25600-RT"]) == NONE


def test_missing_and_wrong_units_are_unit_errors(units_bank):
    assert _case_errors(make_user(), ["25600-RT", "20610x2"]) == NONE
    assert _case_errors(make_user(), ["25600-RT", "20610"]) == NONE | {"units": 1}
    # the procedure left out: a missed code, and its units are missing too
    assert _case_errors(make_user(), ["25600-RT"]) == NONE | {"missing": 1, "units": 1}
    # the modifier of a procedure left out is missing as well
    assert _case_errors(make_user(), ["20610x2"]) == NONE | {"missing": 1, "modifiers": 1}


def test_the_error_table_adds_up_over_attempts(units_bank):
    user = make_user()
    _case_errors(user, ["25600", "20610"])
    assert _case_errors(user, ["25600-RT"], diagnoses=()) == NONE | {"modifiers": 1, "units": 2, "missing": 2}


@pytest.mark.parametrize("kind", ["modifiers", "units"])
@pytest.mark.parametrize("verdict, counted", [("wrong", 1), ("missing", 1), ("correct", 0)])
def test_case_errors_of_modifier_and_unit_lines(kind, verdict, counted):
    errors = rollups.case_errors({"lines": [{"kind": kind, "verdict": verdict}]})
    assert errors == dict.fromkeys(rollups.CASE_ERROR_COLUMNS, 0) | {kind: counted}
