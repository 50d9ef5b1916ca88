""" "Review due" over HTTP: the home page's number is what the queue serves (MCQs and cases), with
and without an assignment holding keys; a due case is coded and graded inside the review flow."""

from __future__ import annotations

import re
from datetime import timedelta

from study.extensions import db
from study.models import Attempt
from study.services import assignments
from study.services.attempts import schedule_review
from tests.factories import item_by_key as _item
from tests.factories import make_assignment, make_cohort, make_user
from tests.support import sign_in

KEYS = ["learn-icd-001", "learn-icd-002", "learn-icd-003", "case-pro-0003", "case-ip-0001"]


def _home_count(client) -> int:
    page = client.get("/").get_data(as_text=True)
    found = re.search(r"<strong>(\d+)</strong> items? \(questions, cases and exercises\) due for review", page)
    return int(found.group(1)) if found else 0


def _start_due(client) -> Attempt:
    form = client.get("/practice?mode=due").get_data(as_text=True)
    size = re.search(r'name="size"[^>]*value="(\d+)"', form) or re.search(r'value="(\d+)"[^>]*name="size"', form)
    assert size is not None
    started = client.post("/practice", data={"mode": "due", "size": size.group(1)})
    assert started.status_code == 302, started.get_data(as_text=True)[:500]
    attempt_id = int(re.search(r"/practice/(\d+)/q/1", started.headers["Location"]).group(1))
    return db.session.get(Attempt, attempt_id)


def _due_case(client, key: str) -> Attempt:
    """A new learner, signed in, with one case `key` due long ago, in the review set they start."""
    from study.learner import now

    learner = make_user()
    schedule_review(learner.id, _item(key).id, 0.0, 30, now() - timedelta(days=90), 144)
    db.session.commit()
    sign_in(client, learner)
    return _start_due(client)


def _reviewed(learner, now):
    for n, key in enumerate(KEYS):
        schedule_review(learner.id, _item(key).id, 0.0 if n % 2 else 1.0, 30, now - timedelta(days=90) + timedelta(minutes=n), 144)
    db.session.commit()


def test_the_home_count_is_what_review_serves_cases_included(app, client, learning_bank):
    from study.learner import now

    learner = make_user()
    _reviewed(learner, now())
    sign_in(client, learner)
    count = _home_count(client)
    attempt = _start_due(client)
    served = [ai.item_id for ai in attempt.items]
    assert count == len(served) == len(KEYS)
    assert {_item("case-pro-0003").id, _item("case-ip-0001").id} <= set(served)


def test_the_home_count_leaves_out_what_an_assignment_holds(app, client, learning_bank):
    from study.learner import now

    learner, owner = make_user(), make_user("instructor")
    _reviewed(learner, now())
    cohort = make_cohort(owner, [learner])
    held = make_assignment(cohort, config={"items": ["learn-icd-001"]}, feedback="attempt", opens_at=now() - timedelta(hours=1))
    assignments.start_assignment(learner, held.id, now())
    case = make_assignment(cohort, kind="cases", config={"items": ["case-ip-0001"]}, feedback="due", opens_at=now() - timedelta(hours=1))
    assignments.start_assignment(learner, case.id, now(), case_key="case-ip-0001")
    sign_in(client, learner)
    count = _home_count(client)
    attempt = _start_due(client)
    served = {ai.item_id for ai in attempt.items}
    assert count == len(served) == len(KEYS) - 2
    assert not {_item("learn-icd-001").id, _item("case-ip-0001").id} & served


def test_a_due_case_is_coded_and_graded_in_the_review_flow(app, client, learning_bank):
    attempt = _due_case(client, "case-ip-0001")
    page = client.get(f"/practice/{attempt.id}/q/1").get_data(as_text=True)
    assert 'name="dx"' in page and 'name="pcs"' in page  # the code rows, PCS for an inpatient case
    assert "Rationale" not in page  # no key before the answer
    answered = client.post(f"/practice/{attempt.id}/q/1", data={"dx": ["", "K35.80"], "pcs": ["0DTJ4ZZ"], "seconds": "40"})
    assert answered.status_code == 302
    db.session.expire_all()
    response = db.session.get(Attempt, attempt.id).items[0].response
    assert response is not None and response.report is not None and response.answer["diagnoses"] == ["K35.80"]
    page = client.get(f"/practice/{attempt.id}/q/1").get_data(as_text=True)
    assert "Grade report" in page and "Rationale" in page and "Your answer and the key" in page
    summary = client.get(f"/practice/{attempt.id}/summary").get_data(as_text=True)
    assert "Coding case" in summary


def test_a_case_form_with_too_many_codes_is_refused_and_changes_nothing(app, client, learning_bank):
    attempt = _due_case(client, "case-pro-0003")
    client.get(f"/practice/{attempt.id}/q/1").get_data(as_text=True)
    refused = client.post(f"/practice/{attempt.id}/q/1", data={"dx": ["S52.501A"] * 500})
    assert refused.status_code in (400, 413)
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).items[0].response is None
