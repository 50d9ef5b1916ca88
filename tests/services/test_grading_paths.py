"""One stored answer, every entry point that grades it: the same score, the same correct flag and
the same FSRS rating wherever it was given (practice, case attempt, exam, assignment, regrade, the
instructor's try-an-answer, ``flask bank check-answer``).

Past disagreements pinned here: (a) a case scoring 80-99% was rated Hard in practice but Again in an
exam (the exam wanted 100%); (b) an exam kept blank code rows that a case attempt dropped."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study import scheduling
from study.extensions import db
from study.models import Attempt, Item, ReviewLog
from study.services import assignments, authoring, bank, regrades
from study.services import cases as case_service
from study.services import exams as exam_service
from study.services import practice as practice_service
from study.services.grading import grade_response, parsed_version
from tests.factories import make_assignment, make_attempt, make_cohort, make_user

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
CASE_KEY, MCQ_KEY = "case-pro-0003", "learn-icd-001"  # key: S52.501A (W01.0XXA optional), 25600-RT: 3.5 points

# the same answers, as each entry point receives them (blank rows and spaces included)
ANSWERS = {
    "full marks": ({"diagnoses": ["", " S52.501A "], "procedures": ["25600-RT", " "], "pcs": [""]}, 100.0),
    "modifier missing (85.7%)": ({"diagnoses": ["S52.501A", ""], "procedures": ["", "25600"], "pcs": []}, 85.7),
    "procedure wrong": ({"diagnoses": ["S52.501A"], "procedures": ["99213", ""], "pcs": []}, None),
}


def _item(key: str) -> Item:
    return db.session.scalar(sa.select(Item).where(Item.key == key))


def _ratings(user_id: int, item_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(ReviewLog.rating).where(ReviewLog.user_id == user_id, ReviewLog.item_id == item_id)))


def _as_text(rows: list[str]) -> str:
    return "\n".join(rows)


def _exam_with(user, items, now: datetime) -> Attempt:
    config = {"pace_minutes_per_question": 2.4, "pass_percent": 70, "sections": []}
    return make_attempt(user, items, kind="exam", started_at=now, deadline_at=now + timedelta(hours=1), exam="CPC", config=config)


@pytest.mark.parametrize("name", list(ANSWERS))
def test_a_case_answer_grades_and_rates_the_same_through_every_entry_point(learning_bank, name):
    answer, expected_pct = ANSWERS[name]
    item = _item(CASE_KEY)
    reference = grade_response(item.current_version, answer)
    if expected_pct is not None:
        assert reference.report["score_pct"] == expected_pct
    seen: dict[str, tuple[float, bool]] = {}

    # a case attempt (case practice), unhurried: seconds below the case's 15 minutes
    learner = make_user()
    attempt = case_service.start_case(learner, CASE_KEY, T0)
    case_service.submit_case(learner, attempt.id, answer, T0, seconds=60)
    stored = attempt.items[0].response
    seen["case attempt"] = (stored.score, stored.correct)
    assert stored.answer == {
        "diagnoses": [r.strip() for r in answer["diagnoses"] if r.strip()],
        "procedures": [r.strip() for r in answer["procedures"] if r.strip()],
        "pcs": [],
    }

    # an exam: the same answer saved with its blank rows, graded at submission
    examinee = make_user()
    exam = _exam_with(examinee, [item], T0)
    exam_service.save_answer(examinee, exam.id, 1, T0 + timedelta(minutes=1), case=answer)
    exam_service.submit(examinee, exam.id, T0 + timedelta(minutes=2))
    db.session.refresh(exam)
    response = exam.items[0].response
    assert response.answer == stored.answer  # (b) blank rows dropped in exams as in cases
    assert json.loads(response.report_json) == stored.report
    seen["exam"] = (response.score, response.correct)

    # an assignment's case
    owner, member = make_user("instructor"), make_user()
    cohort = make_cohort(owner, [member])
    assignment = make_assignment(cohort, kind="cases", config={"items": [CASE_KEY]})
    assigned = assignments.start_assignment(member, assignment.id, T0, case_key=CASE_KEY)
    case_service.submit_case(member, assigned.id, answer, T0, seconds=60)
    seen["assignment"] = (assigned.items[0].response.score, assigned.items[0].response.correct)

    # the instructor's try-an-answer and `flask bank check-answer`, typed in the text boxes
    parsed = parsed_version(item.current_version)
    text = {"dx": _as_text(answer["diagnoses"]), "px": _as_text(answer["procedures"]), "pcs": _as_text(answer["pcs"])}
    tried = authoring.try_case(parsed, **text)
    checked = bank.check_answer(CASE_KEY, **text)
    seen["try an answer"] = (tried.score_pct / 100, tried.score_pct >= 100)
    seen["check-answer"] = (checked.score_pct / 100, checked.score_pct >= 100)
    assert tried == checked == reference.case_report

    assert set(seen.values()) == {(reference.score, reference.correct)}, seen
    # (a) one rating rule: the exam rates the case as the case attempt and the assignment do
    rating = scheduling.rating_for(reference.score, None, 15 * 60)
    for user in (learner, examinee, member):
        assert _ratings(user.id, item.id) == [rating]
    if expected_pct == 85.7:
        assert rating == scheduling.HARD


def test_a_regrade_gives_a_stored_case_answer_the_grade_every_other_path_gives(learning_bank):
    inst, learner = make_user("instructor"), make_user()
    answer, _ = ANSWERS["modifier missing (85.7%)"]
    exam = _exam_with(learner, [_item(CASE_KEY)], T0)
    exam_service.save_answer(learner, exam.id, 1, T0, case=answer)
    exam_service.submit(learner, exam.id, T0 + timedelta(minutes=1))
    path = learning_bank / "cases" / "professional" / f"{CASE_KEY}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("modifiers: [RT]", "modifiers: []"), encoding="utf-8")
    assert bank.import_bank(learning_bank).new_versions == 1
    _, log = regrades.regrade(inst, CASE_KEY, "new-key", T0 + timedelta(days=1))
    assert log is not None
    db.session.refresh(exam)
    response = exam.items[0].response
    fresh = grade_response(_item(CASE_KEY).current_version, answer)
    assert (response.score, response.correct, response.report) == (fresh.score, fresh.correct, fresh.report)
    assert exam.score_pct == 100.0 and fresh.correct


@pytest.mark.parametrize("letter, correct", [("A", True), ("B", False)])
def test_an_mcq_answer_grades_and_rates_the_same_in_practice_exam_assignment_and_try(learning_bank, letter, correct):
    item = _item(MCQ_KEY)
    reference = grade_response(item.current_version, {"selected": [letter]})
    assert reference.correct is correct
    scores = {}

    learner = make_user()
    practice = make_attempt(learner, [item], kind="practice", config={"mode": "all"})
    shown = next(o.letter for o in _shown(practice) if o.original == letter)
    practice_service.answer(learner, practice.id, 1, [shown], 20, T0)
    scores["practice"] = (practice.items[0].response.score, practice.items[0].response.correct)

    examinee = make_user()
    exam = _exam_with(examinee, [item], T0)
    shown = next(o.letter for o in _shown(exam) if o.original == letter)
    exam_service.save_answer(examinee, exam.id, 1, T0, letters=[shown])
    exam_service.submit(examinee, exam.id, T0 + timedelta(minutes=1))
    db.session.refresh(exam)
    scores["exam"] = (exam.items[0].response.score, exam.items[0].response.correct)

    owner, member = make_user("instructor"), make_user()
    assignment = make_assignment(make_cohort(owner, [member]), config={"items": [MCQ_KEY]}, feedback="attempt")
    assigned = assignments.start_assignment(member, assignment.id, T0)
    shown = next(o.letter for o in _shown(assigned) if o.original == letter)
    practice_service.answer(member, assigned.id, 1, [shown], 20, T0)  # deferred: graded as the set ends
    db.session.refresh(assigned)
    scores["assignment"] = (assigned.items[0].response.score, assigned.items[0].response.correct)

    tried = authoring.try_mcq(parsed_version(item.current_version), [letter])
    scores["try an answer"] = (float(tried.score), bool(tried.correct))
    assert set(scores.values()) == {(reference.score, reference.correct)}, scores
    rating = scheduling.rating_for(reference.score, None, 144)
    for user in (learner, examinee, member):
        assert _ratings(user.id, item.id) == [rating]


def _shown(attempt: Attempt):
    from study.services.attempts import shown_options, version_item

    ai = attempt.items[0]
    return shown_options(ai, version_item(ai))
