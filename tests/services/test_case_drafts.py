"""Coding cases outside exams (issue 14): opening a case stores nothing, the learner's rows are kept
server-side as a draft on the open attempt until they choose to grade it, and grading is once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import Attempt, Response
from study.services import Conflict
from study.services import cases as case_service
from tests.factories import make_user
from tests.services.test_learning import _concurrently, _learner

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PRO, IP = "case-pro-0003", "case-ip-0001"


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_opening_a_case_stores_nothing(learning_bank):
    user = make_user()
    page = case_service.case_page(user, PRO, T0)
    assert page.attempt is None and page.draft is None and page.case.id == PRO
    assert _count(Attempt) == 0 and _count(Response) == 0
    assert case_service.open_drafts(user) == {}


def test_the_first_draft_opens_the_attempt_and_comes_back_with_its_rows(learning_bank):
    user = make_user()
    rows = {"diagnoses": ["S52.501A", "", " W01.0XXA "], "procedures": ["25600-RT"], "pcs": []}
    attempt = case_service.save_draft(user, T0, rows, key=PRO)
    assert attempt.is_open and attempt.open_key == f"case:{PRO}"
    again = case_service.save_draft(user, T0, {"diagnoses": ["S52.501A", "", "W01.0XXA", "M79.631"]}, key=PRO)
    assert again.id == attempt.id and _count(Attempt) == 1
    assert _count(Response) == 0  # a draft is never a response (responses mean "graded")

    db.session.expire_all()  # another device: what the database holds
    page = case_service.case_page(_learner(user.id), PRO, T0)
    assert page.attempt.id == attempt.id
    assert page.draft.answer == {"diagnoses": ["S52.501A", "W01.0XXA", "M79.631"], "procedures": [], "pcs": []}
    assert page.draft.entry_rows()["diagnoses"] == ["S52.501A", "", "W01.0XXA", "M79.631"]  # the gap is kept
    assert case_service.open_drafts(user) == {PRO: attempt.id}


def test_a_draft_is_stored_as_clean_case_answer_normalises_it(learning_bank):
    user = make_user()
    long = "X" * 100
    attempt = case_service.save_draft(user, T0, {"diagnoses": [long] + ["I10"] * 40, "procedures": None}, key=PRO)
    draft = case_service.Draft.from_json(attempt.draft_json)
    assert draft.answer["diagnoses"][0] == "X" * 40 and len(draft.answer["diagnoses"]) == 30
    assert draft.answer["procedures"] == [] and len(draft.rows["diagnoses"]) == 30
    assert case_service.Draft.from_json("not json") is None
    assert case_service.Draft.from_json('{"answer": {"diagnoses": ["I10"]}, "rows": {"diagnoses": [1, 2]}}').rows["diagnoses"] == [0]


def test_grading_the_draft_is_once_and_later_drafts_are_refused(learning_bank):
    user = make_user()
    attempt = case_service.save_draft(user, T0, {"diagnoses": ["S52.501A"], "procedures": ["25600-RT"]}, key=PRO)
    graded = case_service.grade_draft(user, T0 + timedelta(minutes=5), attempt_id=attempt.id)
    assert graded.id == attempt.id
    db.session.refresh(attempt)
    assert not attempt.is_open and attempt.score_pct == 100.0 and attempt.draft_json is None
    assert attempt.items[0].response.answer == {"diagnoses": ["S52.501A"], "procedures": ["25600-RT"], "pcs": []}
    with pytest.raises(Conflict):
        case_service.grade_draft(user, T0 + timedelta(minutes=6), attempt_id=attempt.id)
    with pytest.raises(Conflict):
        case_service.save_draft(user, T0 + timedelta(minutes=6), {"diagnoses": ["R52"]}, attempt_id=attempt.id)
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).draft_json is None and _count(Response) == 1
    # the case itself opens a new attempt on the next draft
    retry = case_service.save_draft(user, T0 + timedelta(minutes=7), {"diagnoses": ["R52"]}, key=PRO)
    assert retry.id != attempt.id and retry.is_open


def test_simultaneous_first_drafts_open_one_attempt(app, learning_bank):
    user_id = make_user().id
    jobs = [lambda i=i: case_service.save_draft(_learner(user_id), T0, {"diagnoses": [f"S52.50{i}A"]}, key=PRO).id for i in range(6)]
    outcomes = _concurrently(app, jobs)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert len(set(outcomes)) == 1
    assert _count(Attempt) == 1
    stored = db.session.get(Attempt, outcomes[0])
    assert stored.open_key == f"case:{PRO}" and case_service.Draft.from_json(stored.draft_json) is not None


def test_a_draft_racing_the_grading_is_graded_or_refused(app, learning_bank):
    user_id = make_user().id
    attempt_id = case_service.save_draft(_learner(user_id), T0, {"diagnoses": ["R52"]}, key=PRO).id
    db.session.commit()

    def grade():
        return case_service.grade_draft(_learner(user_id), T0, attempt_id=attempt_id).id

    def draft():
        return case_service.save_draft(_learner(user_id), T0, {"diagnoses": ["S52.501A"]}, attempt_id=attempt_id).id

    outcomes = _concurrently(app, [grade, draft, draft, grade])
    graded = [o for o in outcomes[::3] if not isinstance(o, Exception)]
    assert len(graded) == 1 and all(isinstance(o, (int, Conflict)) for o in outcomes), outcomes
    db.session.expire_all()
    assert _count(Response) == 1 and db.session.get(Attempt, attempt_id).draft_json is None


def test_the_summary_counts_lists_gaps_and_flags_codes_of_another_set(learning_bank):
    user = make_user()
    attempt = case_service.save_draft(user, T0, {"diagnoses": ["M16.11", "", "99213"], "pcs": ["99213", "0SR9019"]}, key=IP)
    _, case = case_service.case_of(attempt)
    summary = case_service.summarize(case, case_service.draft_of(attempt))
    assert summary.lists == ("diagnoses", "pcs")  # inpatient: no CPT/HCPCS block
    assert summary.counts == {"diagnoses": 2, "procedures": 0, "pcs": 2}
    assert summary.gap_labels == ["Diagnosis 2"]
    flagged = {(f.label, f.status): f.message for f in summary.flagged}
    assert flagged == {
        ("Diagnosis 3", "wrong_system"): "99213 is a CPT code; diagnoses are ICD-10-CM.",
        ("PCS 1", "wrong_system"): "99213 is a CPT code; inpatient facility procedures are reported with ICD-10-PCS.",
    }


def test_entry_lists_follow_the_setting_and_the_key(learning_bank):
    user = make_user()
    assert case_service.entry_lists(case_service.case_page(user, PRO, T0).case) == ("diagnoses", "procedures")
    assert case_service.entry_lists(case_service.case_page(user, IP, T0).case) == ("diagnoses", "pcs")


def test_the_case_list_shows_titles_and_minutes_from_the_bank(learning_bank):
    path = next(learning_bank.rglob(f"{PRO}.md"))
    path.write_text(path.read_text().replace("minutes: 15\n", 'minutes: 15\ntitle: "ED visit: wrist fracture"\n'))
    from study.services import bank

    bank.import_bank(learning_bank)
    items = {item.key: item for item in case_service.list_cases()}
    assert (items[PRO].title, items[PRO].minutes) == ("ED visit: wrist fracture", 15)
    assert items[IP].title is None
