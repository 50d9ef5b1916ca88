"""Issue 12: an assignment's keys, rationales and per-answer correctness reach the learner only when
its policy allows (after each answer in a practice set; else when the attempt ends, or after the
due date), on every page and JSON the learner can reach for the attempt."""

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from study.extensions import db
from study.models import Assignment, Attempt
from study.services import assignments, cohorts
from tests.factories import make_user

NOW = datetime.now(timezone.utc).replace(microsecond=0)

# what only a key, a rationale or a verdict shows: MCQ rationales and why-nots of the learning bank,
# the practice feedback, the key and rationale of case-pro-0003, grade reports, the exam review,
# and per-answer correctness in the data export
LEAK = re.compile(
    r"SECRET-(RATIONALE|WHY)|The answer is|>Answer</span>|Not quite|>Correct<|>Missed<|Full review|Grade report"
    r"|S52\.501A|25600|integral to the fracture|\"correct\": (true|false)"
)


def _setup(login_as, kind, feedback):
    teacher = make_user("instructor")
    cohort = cohorts.create_cohort(teacher, "Class", "CPC")
    spec = {"practice": dict(items=["learn-icd-001", "learn-icd-002"]), "cases": dict(items=["case-pro-0003"]), "exam": dict(exam="CPC")}[
        kind
    ]
    assignment = assignments.create_assignment(
        teacher,
        cohort.id,
        assignments.AssignmentSpec(kind, "Graded", NOW - timedelta(hours=1), NOW + timedelta(days=1), feedback=feedback, **spec),
    )
    learner = login_as("learner")
    cohorts.join_cohort(learner, cohort.join_code)
    return assignment.id


def _pages(attempt):
    pages = ["/assignments", "/", "/progress", "/account/data.json", "/account/data.csv"]
    if attempt.kind == "practice":
        pages += [f"/practice/{attempt.id}/q/{ai.position}" for ai in attempt.items]
        pages += [f"/practice/{attempt.id}", f"/practice/{attempt.id}/summary"]
    elif attempt.kind == "case":
        pages += [f"/cases/attempts/{attempt.id}"]
    else:
        pages += [f"/exams/attempts/{attempt.id}/q/{ai.position}" for ai in attempt.items]
        pages += [f"/exams/attempts/{attempt.id}/review", f"/exams/attempts/{attempt.id}/result", f"/api/exams/{attempt.id}/clock"]
    return pages


def _leaks(client, attempt_id) -> dict[str, str]:
    """Every page and JSON of the attempt that shows something only the key would tell."""
    attempt = db.session.get(Attempt, attempt_id)
    found = {}
    for url in _pages(attempt):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        match = LEAK.search(response.get_data(as_text=True))
        if match:
            found[url] = match.group(0)
    return found


def _check(client, attempt_id, allowed: bool, stage: str):
    found = _leaks(client, attempt_id)
    if allowed:
        assert found, f"{stage}: the policy allows the keys, but no page shows them"
    else:
        assert found == {}, f"{stage}: keys shown before the policy allows: {found}"


def _past_due(assignment_id):
    db.session.get(Assignment, assignment_id).due_at = NOW - timedelta(minutes=1)
    db.session.commit()


@pytest.mark.parametrize("feedback", ["each", "attempt", "due"])
def test_practice_assignment_pages_hold_the_keys_until_the_policy_allows(client, login_as, learning_bank, feedback):
    assignment_id = _setup(login_as, "practice", feedback)
    start = client.post(f"/assignments/{assignment_id}/start")
    assert start.status_code == 302
    attempt_id = db.session.scalar(sa.select(Attempt.id))
    _check(client, attempt_id, False, "not answered yet")
    answered = client.post(f"/practice/{attempt_id}/q/1", data={"answer": "A", "seconds": "5"})
    assert answered.status_code == 302
    page = client.get(f"/practice/{attempt_id}/q/1").get_data(as_text=True)
    assert ("Answer recorded" in page) is (feedback != "each")
    _check(client, attempt_id, feedback == "each", "one answer given")
    assert client.post(f"/practice/{attempt_id}/end").status_code == 302
    _check(client, attempt_id, feedback in ("each", "attempt"), "attempt ended, before the due date")
    _past_due(assignment_id)
    _check(client, attempt_id, True, "after the due date")
    assert "SECRET-RATIONALE-" in client.get(f"/practice/{attempt_id}/q/1").get_data(as_text=True)


@pytest.mark.parametrize("feedback", ["each", "attempt", "due"])
def test_case_assignment_pages_hold_the_key_and_report_until_the_policy_allows(client, login_as, learning_bank, feedback):
    assignment_id = _setup(login_as, "cases", feedback)
    assert client.post(f"/assignments/{assignment_id}/start", data={"case": "case-pro-0003"}).status_code == 302
    attempt_id = db.session.scalar(sa.select(Attempt.id))
    _check(client, attempt_id, False, "open")
    assert client.post(f"/cases/attempts/{attempt_id}", data={"paste_dx": "R52", "action": "grade-now"}).status_code == 302
    assert db.session.get(Attempt, attempt_id).status == "submitted"
    _check(client, attempt_id, feedback in ("each", "attempt"), "submitted, before the due date")
    # no retake to paste the key into: the default policy allows one attempt
    again = client.post(f"/assignments/{assignment_id}/start", data={"case": "case-pro-0003"})
    assert again.status_code == 302 and again.headers["Location"] == "/assignments"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1
    _past_due(assignment_id)
    _check(client, attempt_id, True, "after the due date")


@pytest.mark.parametrize("feedback", ["each", "attempt", "due"])
def test_exam_assignment_pages_hold_the_review_until_the_policy_allows(client, login_as, learning_bank, feedback):
    assignment_id = _setup(login_as, "exam", feedback)
    assert client.post(f"/assignments/{assignment_id}/start").status_code == 302
    attempt_id = db.session.scalar(sa.select(Attempt.id))
    saved = client.post(f"/api/exams/{attempt_id}/answers", json={"position": 1, "letters": ["A"]})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    _check(client, attempt_id, False, "open")
    assert client.post(f"/exams/attempts/{attempt_id}/submit").status_code == 302
    result = client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "score report" in result and "%" in result  # the score itself is shown at the end
    _check(client, attempt_id, feedback in ("each", "attempt"), "submitted, before the due date")
    _past_due(assignment_id)
    _check(client, attempt_id, True, "after the due date")
