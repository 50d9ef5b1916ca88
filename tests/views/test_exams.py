"""Exam pages: case answers saved through the autosave JSON and the form (and cleared), one open
exam per blueprint offered to resume, abandoning without JavaScript, abandoned exams in the history."""

import re
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from study.extensions import db
from study.kinds import AttemptStatus
from study.models import Attempt, AttemptItem, Response
from study.services import assignments, cohorts
from tests.factories import make_user
from tests.support import count_statements

ROW_VALUE = 'name="dx" value="{code}"'


def _start(client) -> int:
    start = client.post("/exams/CPC")
    assert start.status_code == 302
    return int(re.search(r"/attempts/(\d+)/q/", start.headers["Location"]).group(1))


def _case_position(attempt_id: int) -> int:
    return db.session.scalar(
        sa.select(AttemptItem.position).where(AttemptItem.attempt_id == attempt_id, AttemptItem.section_key == "cases")
    )


def _responses() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Response))


def _status(attempt_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Attempt, attempt_id).status


def test_case_codes_sent_by_the_autosave_come_back_on_the_page(client, login_as, learning_bank):
    login_as("learner")
    attempt_id = _start(client)
    position = _case_position(attempt_id)
    url = f"/api/exams/{attempt_id}/answers"
    case = {"diagnoses": ["M17.11", "I10"], "procedures": ["20610-RT-59x2"], "pcs": []}
    saved = client.post(url, json={"position": position, "case": case})
    assert saved.status_code == 200 and saved.get_json()["answered"] == 1
    page = client.get(f"/exams/attempts/{attempt_id}/q/{position}").get_data(as_text=True)
    assert ROW_VALUE.format(code="M17.11") in page and ROW_VALUE.format(code="I10") in page
    assert 'name="px" value="20610"' in page and 'value="RT 59"' in page and 'name="px_units" value="2"' in page
    assert f'aria-label="Question {position}, answered' in page  # the palette follows case answers
    # every row cleared: the saved answer goes, the question is unanswered again
    cleared = client.post(url, json={"position": position, "case": {"diagnoses": [], "procedures": [], "pcs": []}})
    assert cleared.status_code == 200 and cleared.get_json()["answered"] == 0
    assert _responses() == 0
    page = client.get(f"/exams/attempts/{attempt_id}/q/{position}").get_data(as_text=True)
    assert f'aria-label="Question {position}, unanswered' in page and "M17.11" not in page


def test_the_case_autosave_stays_strict(client, login_as, learning_bank):
    login_as("learner")
    attempt_id = _start(client)
    position = _case_position(attempt_id)
    url = f"/api/exams/{attempt_id}/answers"
    for body in ({"position": position, "case": {"diagnoses": "I10"}}, {"position": position, "case": {"codes": ["I10"]}}):
        refused = client.post(url, json=body)
        assert refused.status_code == 400 and refused.get_json()["error"]
    huge = client.post(url, json={"position": position, "case": {"diagnoses": ["I10" + " " * 20_000]}})
    assert huge.status_code == 413
    assert _responses() == 0
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline_at = datetime.now(timezone.utc) - timedelta(hours=1)
    db.session.commit()
    late = client.post(url, json={"position": position, "case": {"diagnoses": ["I10"]}})
    assert late.status_code == 409 and _responses() == 0


def test_case_rows_posted_without_javascript_are_saved_and_cleared(client, login_as, learning_bank):
    login_as("learner")
    attempt_id = _start(client)
    position = _case_position(attempt_id)
    url = f"/exams/attempts/{attempt_id}/q/{position}"
    rows = {"dx": ["E11.22", "", ""], "px": ["99214", ""], "px_mod": ["25", ""], "px_units": ["", ""], "action": "next"}
    assert client.post(url, data=rows).status_code == 302
    answer = db.session.scalar(sa.select(Response)).answer
    assert answer["diagnoses"] == ["E11.22"] and answer["procedures"] == ["99214-25"]
    blank = {"dx": ["", "", ""], "px": ["", ""], "px_mod": ["", ""], "px_units": ["", ""], "action": "prev"}
    assert client.post(url, data=blank).status_code == 302
    assert _responses() == 0  # clearing every row cleared the saved answer
    assert client.post(url, data=blank).status_code == 302  # and passing by an empty question stores nothing
    assert _responses() == 0


def test_a_second_start_offers_to_resume_the_open_exam(client, login_as, learning_bank):
    user = login_as("learner")
    attempt_id = _start(client)
    again = client.post("/exams/CPC")
    assert again.status_code == 302 and again.headers["Location"].endswith("/exams/CPC")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt).where(Attempt.user_id == user.id)) == 1
    page = client.get("/exams/CPC").get_data(as_text=True)
    assert "still open" in page and re.search(r"Resume \(0:[0-5]\d left\)", page) and "Abandon it" in page
    assert f"/exams/attempts/{attempt_id}/abandon" in page and "Start the exam now" not in page
    listing = client.get("/exams").get_data(as_text=True)
    assert re.search(r"Resume \(0:[0-5]\d left\)", listing) and f"/exams/attempts/{attempt_id}/q/1" in listing
    home = client.get("/").get_data(as_text=True)
    assert re.search(r"resume \(0:[0-5]\d left\)", home)


def test_abandon_without_javascript(client, login_as, learning_bank):
    login_as("learner")
    attempt_id = _start(client)
    confirm = client.get(f"/exams/attempts/{attempt_id}/abandon")
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True)
    assert "not scored" in text and 'method="post"' in text and _status(attempt_id) == AttemptStatus.OPEN
    done = client.post(f"/exams/attempts/{attempt_id}/abandon")
    assert done.status_code == 302 and done.headers["Location"].endswith("/exams")
    assert _status(attempt_id) == AttemptStatus.ABANDONED
    assert "was abandoned" in client.get("/exams").get_data(as_text=True)
    again = client.post(f"/exams/attempts/{attempt_id}/abandon", follow_redirects=True)
    assert "abandoned already" in again.get_data(as_text=True)
    result = client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "exam abandoned" in result and "score report" not in result
    question = client.get(f"/exams/attempts/{attempt_id}/q/1")
    assert question.status_code == 302 and question.headers["Location"].endswith(f"/exams/attempts/{attempt_id}/result")
    history = client.get("/progress?exam=CPC").get_data(as_text=True)
    assert re.search(r"Exam \(CPC\)</td>\s*<td>abandoned</td>", history)
    assert _start(client) != attempt_id  # a fresh exam may start at once


def test_an_assigned_exam_cannot_be_abandoned(client, login_as, learning_bank):
    teacher, learner = make_user("instructor"), login_as("learner")
    cohort = cohorts.create_cohort(teacher, "CPC", "CPC")
    cohorts.join_cohort(learner, cohort.join_code)
    now = datetime.now(timezone.utc)
    spec = assignments.AssignmentSpec(
        kind="exam", title="Mock", opens_at=now - timedelta(hours=1), due_at=now + timedelta(days=1), exam="CPC"
    )
    attempt_id = assignments.start_assignment(learner, assignments.create_assignment(teacher, cohort.id, spec).id, now).id
    page = client.get(f"/exams/attempts/{attempt_id}/abandon").get_data(as_text=True)
    assert "cannot be abandoned" in page and "Abandon this exam" not in page
    refused = client.post(f"/exams/attempts/{attempt_id}/abandon", follow_redirects=True)
    assert "cannot be abandoned" in refused.get_data(as_text=True)
    assert _status(attempt_id) == AttemptStatus.OPEN
    assert "Abandon this exam" not in client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)


def test_another_learners_exam_cannot_be_abandoned(client, login_as, app, learning_bank):
    from tests.support import sign_in

    owner_client = app.test_client()
    sign_in(owner_client, make_user())
    attempt_id = _start(owner_client)
    login_as("learner")
    assert client.get(f"/exams/attempts/{attempt_id}/abandon").status_code == 403
    assert client.post(f"/exams/attempts/{attempt_id}/abandon").status_code == 403
    assert _status(attempt_id) == AttemptStatus.OPEN


def test_one_autosave_reads_the_answers_with_a_bounded_number_of_queries(client, login_as, learning_bank):
    """The autosave's "answered" count is one aggregate query, not a lazy load per question."""
    login_as("learner")
    attempt_id = _start(client)
    url = f"/api/exams/{attempt_id}/answers"
    total = db.session.scalar(sa.select(sa.func.count()).select_from(AttemptItem).where(AttemptItem.attempt_id == attempt_id))
    assert total >= 5
    for position in range(1, total + 1):
        client.post(url, json={"position": position, "flag": True})
    with count_statements() as statements:
        saved = client.post(url, json={"position": 1, "flag": False})
    assert saved.status_code == 200
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM response" in s]
    assert len(reads) <= 2, reads
