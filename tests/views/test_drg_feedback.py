"""The MS-DRG comparison on the case result page: shown with the key after grading, never before
(an open attempt; an assignment whose feedback waits for the due date)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import Assignment, Attempt
from study.services import assignments, cohorts
from study.services import cases as case_service
from tests.factories import make_user
from tests.services.test_drg import real_bank  # noqa: F401 (the fixture)
from tests.support import start_case

NOW = datetime.now(timezone.utc)
CASE = "case-ip-009"  # key: MS-DRG 291 Heart Failure and Shock with MCC (I50.33)
WITHOUT_MCC = "I13.0, E11.22, N18.32, Z79.4, E78.5"
KEY_DRG = "291 Heart Failure and Shock with MCC"


def _page(client, attempt_id: int) -> str:
    response = client.get(f"/cases/attempts/{attempt_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_comparison_appears_only_after_grading(client, login_as, real_bank):  # noqa: F811
    login_as("learner")
    url = start_case(client, CASE, {"dx": WITHOUT_MCC.split(", ")})
    attempt_id = int(url.rstrip("/").rsplit("/", 1)[1])
    before = _page(client, attempt_id)
    assert "MS-DRG" not in before and "291" not in before and "Heart Failure and Shock" not in before
    assert client.post(f"/cases/attempts/{attempt_id}", data={"paste_dx": WITHOUT_MCC, "action": "grade-now"}).status_code == 302
    after = _page(client, attempt_id)
    assert "MS-DRG: your codes and the key" in after and KEY_DRG in after
    assert "I50.33" in after and "an MCC (major complication or comorbidity), is missing from your codes" in after
    assert "vs 1.2838 (the key&#39;s)" in after or "vs 1.2838 (the key's)" in after


@pytest.mark.parametrize("feedback", ["attempt", "due"])
def test_an_assignment_holds_the_comparison_until_its_feedback_policy_allows(client, login_as, real_bank, feedback):  # noqa: F811
    teacher = make_user("instructor")
    cohort = cohorts.create_cohort(teacher, "Class", "CCS")
    spec = assignments.AssignmentSpec(
        "cases", "Inpatient", NOW - timedelta(hours=1), NOW + timedelta(days=1), feedback=feedback, items=[CASE]
    )
    assignment = assignments.create_assignment(teacher, cohort.id, spec)
    learner = login_as("learner")
    cohorts.join_cohort(learner, cohort.join_code)
    assert client.post(f"/assignments/{assignment.id}/start", data={"case": CASE}).status_code == 302
    attempt_id = db.session.scalar(sa.select(Attempt.id))
    assert client.post(f"/cases/attempts/{attempt_id}", data={"paste_dx": WITHOUT_MCC, "action": "grade-now"}).status_code == 302
    page = _page(client, attempt_id)
    assert (KEY_DRG in page) is (feedback == "attempt")
    assert ("MS-DRG" in page) is (feedback == "attempt")
    db.session.get(Assignment, assignment.id).due_at = NOW - timedelta(minutes=1)
    db.session.commit()
    assert KEY_DRG in _page(client, attempt_id)


def test_the_result_page_with_the_comparison_stays_within_its_query_budget(app, login_as, real_bank):  # noqa: F811
    from study.models import User
    from tests.learner_states import measure
    from tests.views.test_query_budgets import BUDGETS

    learner = login_as("learner")
    with_drg = case_service.grade_draft(learner, NOW, key=CASE, rows={"diagnoses": WITHOUT_MCC.split(", ")})
    counts = measure(app, db.session.get(User, learner.id), {"report": ("GET", f"/cases/attempts/{with_drg.id}", {})})
    # the case attempt report's budget, plus the one primary-key read of the key's stored MS-DRG
    assert counts["report"] <= BUDGETS["case attempt report"] + 1 <= 12, counts
