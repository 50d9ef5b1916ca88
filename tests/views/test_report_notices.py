"""'Your report was answered' on a learner's home page (issue 17, Notifications): shown for each of
their reports an instructor resolved, with the answer and a link, until the learner dismisses it
(a POST with CSRF) or opens the reported item from it; stored, once, and only their own."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from study.extensions import db
from study.models import ItemReport
from study.services import attempts as attempt_service
from study.services import practice, reports
from tests.factories import make_user
from tests.support import sign_in

NOW = datetime.now(timezone.utc).replace(microsecond=0)
NOTICE = "Your report was answered"


def _answered_practice(learner):
    attempt = practice.start_practice(learner, practice.PracticeChoice("CPC", ["icd-10-cm"], None, 2, "all"), NOW)
    ai = attempt.items[1]
    item = attempt_service.version_item(ai)
    practice.answer(learner, attempt.id, ai.position, attempt_service.to_shown(ai, item, list(item.answer)), 20, NOW)
    return attempt, ai, item.id  # the bank key


def test_the_notice_shows_the_answer_and_a_link_until_dismissed(app, client, login_as, learning_bank):
    lee = login_as("learner")
    attempt, ai, key = _answered_practice(lee)
    report = attempt_service.report_problem(lee, key, "unclear", "Which code first?", ai.id)
    other = attempt_service.report_problem(lee, "learn-icd-003", "typo", "")
    assert NOTICE not in client.get("/").get_data(as_text=True)  # not answered yet
    teacher = make_user("instructor")
    reports.resolve_report(teacher, report.id, "replied", "Sequence the <b>etiology</b> first.", NOW)
    home = client.get("/").get_data(as_text=True)
    assert home.count(NOTICE) == 1 and "Sequence the &lt;b&gt;etiology&lt;/b&gt; first." in home  # escaped
    assert f'href="/my/reports/{report.id}/item"' in home and f"/my/reports/{other.id}" not in home
    # a dismissal without its CSRF token is refused by the app (tests/views/test_security.py); here: dismiss
    assert client.post(f"/my/reports/{report.id}/dismiss").status_code == 302
    db.session.expire_all()
    assert db.session.get(ItemReport, report.id).learner_read_at is not None
    assert NOTICE not in client.get("/").get_data(as_text=True)
    assert "Sequence the" in client.get("/my/reports").get_data(as_text=True)  # the reply stays in their list


def test_opening_the_item_from_the_notice_marks_it_read_once(app, client, login_as, learning_bank):
    lee = login_as("learner")
    attempt, ai, key = _answered_practice(lee)
    report = attempt_service.report_problem(lee, key, "wrong-key", "", ai.id)
    # an open report: the link opens the item and marks nothing
    response = client.get(f"/my/reports/{report.id}/item")
    assert response.status_code == 302 and response.headers["Location"] == f"/practice/{attempt.id}/q/{ai.position}"
    db.session.expire_all()
    assert db.session.get(ItemReport, report.id).learner_read_at is None
    reports.resolve_report(make_user("instructor"), report.id, "fixed", "Corrected, thank you.", NOW)
    assert client.get(f"/my/reports/{report.id}/item").headers["Location"] == f"/practice/{attempt.id}/q/{ai.position}"
    db.session.expire_all()
    first = db.session.get(ItemReport, report.id).learner_read_at
    assert first is not None and NOTICE not in client.get("/").get_data(as_text=True)
    reports.read_answer(lee, report.id, NOW + timedelta(hours=1))  # read again: the first time is kept
    db.session.expire_all()
    assert db.session.get(ItemReport, report.id).learner_read_at == first


def test_a_report_without_an_attempt_opens_the_list_of_reports(app, client, login_as, learning_bank):
    lee = login_as("learner")
    report = attempt_service.report_problem(lee, "learn-icd-003", "typo", "")
    reports.resolve_report(make_user("instructor"), report.id, "dismissed", "It reads correctly.", NOW)
    response = client.get(f"/my/reports/{report.id}/item")
    assert response.headers["Location"] == f"/my/reports#report-{report.id}"
    assert f'id="report-{report.id}"' in client.get("/my/reports").get_data(as_text=True)


def test_only_the_reporter_reads_or_dismisses(app, client, login_as, learning_bank):
    lee = make_user()
    report = attempt_service.report_problem(lee, "learn-icd-003", "typo", "")
    reports.resolve_report(make_user("instructor"), report.id, "replied", "Fixed.", NOW)
    login_as("learner")
    assert client.post(f"/my/reports/{report.id}/dismiss").status_code == 404
    assert client.get(f"/my/reports/{report.id}/item").status_code == 404
    db.session.expire_all()
    assert db.session.get(ItemReport, report.id).learner_read_at is None
    owner = app.test_client()
    sign_in(owner, lee)
    assert NOTICE in owner.get("/").get_data(as_text=True)


def test_a_reply_waits_while_the_items_key_is_held_by_a_running_exam(app, client, login_as, learning_bank):
    """An instructor's reply may name the key: while the learner's exam holding the item runs, the
    reply is neither on their home page nor in their list, and cannot be read; after the exam it is."""
    from study.services import exams as exam_service

    lee = login_as("learner")
    exam = exam_service.start_exam(lee, "CPC", NOW)
    ai = exam.items[0]
    key = attempt_service.version_item(ai).id
    report = attempt_service.report_problem(lee, key, "wrong-key", "Is B really right?", ai.id)
    reports.resolve_report(make_user("instructor"), report.id, "fixed", "The key is now C, see the note.", NOW)
    assert NOTICE not in client.get("/").get_data(as_text=True)
    listed = client.get("/my/reports").get_data(as_text=True)
    assert "The key is now C" not in listed and "The reply is shown when this question" in listed
    assert client.get(f"/my/reports/{report.id}/item").status_code == 404
    db.session.expire_all()
    assert db.session.get(ItemReport, report.id).learner_read_at is None
    exam_service.submit(lee, exam.id, NOW + timedelta(minutes=5))
    assert "The key is now C" in client.get("/").get_data(as_text=True)
    assert "The key is now C" in client.get("/my/reports").get_data(as_text=True)
