"""Exam mode (issue 18): during an exam attempt the site's navigation is replaced by the exam's
header (its name or the set's title, the time left, review, submit through the confirmation); the
code book panel beside every question, MCQs too, with no key in it; the flag toggle without
JavaScript, saying what it did (a flag is no saved answer); the palette's states in text."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from study.extensions import db
from study.kinds import AttemptStatus
from study.models import Attempt, AttemptItem, Response
from study.services import assignments
from tests.factories import make_cohort, make_user
from tests.views.test_assignment_feedback import LEAK
from tests.views.test_exams import _start

HREF = re.compile(r'<a\b[^>]*\bhref="([^"]*)"[^>]*>')


def _mcq_position(attempt_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.min(AttemptItem.position)).where(AttemptItem.attempt_id == attempt_id, AttemptItem.section_key != "cases")
    )


def _header(page: str) -> str:
    match = re.search(r'<header class="exam-header".*?</header>', page, re.S)
    assert match, "no exam header"
    return match.group(0)


def _leaving_links(page: str, attempt_id: int) -> list[str]:
    """The links of a page that leave the attempt in this tab: not to its own pages, not an
    anchor, not opened in a new tab (the code book panel's)."""
    leaving = []
    for tag in HREF.finditer(page):
        href = tag.group(1)
        if href.startswith("#") or href.startswith(f"/exams/attempts/{attempt_id}/") or 'target="_blank"' in tag.group(0):
            continue
        leaving.append(href)
    return leaving


def test_an_exam_question_has_the_exam_header_instead_of_the_site_navigation(client, login_as, learning_bank):
    login_as("learner")
    attempt_id = _start(client)
    page = client.get(f"/exams/attempts/{attempt_id}/q/1").get_data(as_text=True)
    assert 'aria-label="Main"' not in page and "Sign out" not in page and 'class="brand"' not in page
    assert _leaving_links(page, attempt_id) == []
    header = _header(page)
    title = db.session.get(Attempt, attempt_id).config["title"]
    assert f'<p class="exam-name">{title}</p>' in header
    assert re.search(r"Time left: <span data-time-display>\d:\d\d:\d\d</span>", header)
    assert "href=" not in header  # on a question page review and submit are the form's buttons: the answer is saved on the way
    assert 'form="exam-form" name="action" value="review"' in header and ">Review answers</button>" in header
    assert 'form="exam-form" name="action" value="submit"' in header and ">Submit exam…</button>" in header
    # the first of the form's buttons in the page (Enter in a field) saves and stays
    assert header.index('value="save" hidden') < header.index('value="review"')


def test_the_headers_submit_goes_to_the_confirmation_and_submits_nothing(client, login_as, learning_bank):
    login_as("learner")
    attempt_id = _start(client)
    position = _mcq_position(attempt_id)
    moved = client.post(f"/exams/attempts/{attempt_id}/q/{position}", data={"answer": "B", "action": "submit"})
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/exams/attempts/{attempt_id}/review#submit-exam")
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.status == AttemptStatus.OPEN
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1  # the answer on the page was saved
    review = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    header = _header(review)
    assert f'href="/exams/attempts/{attempt_id}/review" aria-current="page">Review answers</a>' in header
    assert 'href="#submit-exam">Submit exam…</a>' in header
    assert f'action="/exams/attempts/{attempt_id}/submit" id="submit-exam"' in review
    assert 'aria-label="Main"' not in review and "Sign out" not in review
    assert _leaving_links(review, attempt_id) == []


def test_a_timed_set_shows_its_title_in_the_exam_header(client, login_as, learning_bank):
    learner, teacher = login_as("learner"), make_user("instructor")
    cohort = make_cohort(teacher, [learner])
    now = datetime.now(timezone.utc)
    chosen = ["learn-icd-001", "learn-icd-002"]
    quiz = assignments.AssignmentSpec("practice", "Week 3 quiz", now - timedelta(hours=1), now + timedelta(days=1), chosen, minutes=10)
    attempt = assignments.start_assignment(learner, assignments.create_assignment(teacher, cohort.id, quiz).id, now)
    assert attempt.kind == "exam"
    page = client.get(f"/exams/attempts/{attempt.id}/q/1").get_data(as_text=True)
    assert '<p class="exam-name">Week 3 quiz</p>' in _header(page)
    assert 'aria-label="Main"' not in page and _leaving_links(page, attempt.id) == []


def test_the_site_navigation_stays_on_other_pages(client, login_as, learning_bank):
    login_as("learner")
    page = client.get("/exams").get_data(as_text=True)
    assert 'aria-label="Main"' in page and 'class="exam-header"' not in page


def test_flagging_an_unanswered_question_without_javascript_says_flagged_not_saved(client, login_as, learning_bank):
    login_as("learner")
    attempt_id = _start(client)
    position = _mcq_position(attempt_id)
    url = f"/exams/attempts/{attempt_id}/q/{position}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="flag" class="button secondary flag-toggle" aria-pressed="false"' in page
    assert "<span data-flag-text>Flag for review</span>" in page

    flagged = client.post(url, data={"action": "flag"})
    assert flagged.status_code == 302 and flagged.headers["Location"].endswith(url)  # back to the question
    page = client.get(url).get_data(as_text=True)
    assert "Flagged for review." in page and "Answer saved." not in page
    assert 'value="unflag" class="button secondary flag-toggle" aria-pressed="true"' in page
    assert "<span data-flag-text>Flagged: remove flag</span>" in page
    assert f'aria-label="Question {position}, unanswered, flagged"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0

    # the toggle's value is the state it sets: a repeated post changes nothing more
    client.post(url, data={"action": "flag"})
    db.session.expire_all()
    assert db.session.scalar(sa.select(AttemptItem.flagged).where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == position))

    client.post(url, data={"action": "unflag"})
    page = client.get(url).get_data(as_text=True)
    assert "Flag removed." in page and "Answer saved." not in page
    assert 'aria-pressed="false"' in page and f'aria-label="Question {position}, unanswered"' in page


def test_an_answer_and_a_flag_posted_together_say_both(client, login_as, learning_bank):
    login_as("learner")
    attempt_id = _start(client)
    position = _mcq_position(attempt_id)
    url = f"/exams/attempts/{attempt_id}/q/{position}"
    client.post(url, data={"answer": "C", "action": "flag"})
    page = client.get(url).get_data(as_text=True)
    assert "Answer saved. Flagged for review." in page
    assert f'aria-label="Question {position}, answered, flagged"' in page
    assert 'id="opt-C" checked' in page
    # the other buttons leave the flag as it is
    client.post(url, data={"answer": "D", "action": "save"})
    page = client.get(url).get_data(as_text=True)
    assert "Flagged for review." not in page and 'aria-pressed="true"' in page


def test_the_code_book_panel_is_beside_an_mcq_and_shows_no_key(client, login_as, learning_bank):
    login_as("learner")
    attempt_id = _start(client)
    position = _mcq_position(attempt_id)
    page = client.get(f"/exams/attempts/{attempt_id}/q/{position}").get_data(as_text=True)
    assert 'name="answer"' in page  # an MCQ
    assert '<details class="codebook-panel">' in page and 'id="panel-q"' in page
    assert "js/codebook.js" in page
    assert not LEAK.search(page), LEAK.search(page)
    # what the panel fetches is the code book's search, which knows nothing of the exam
    searched = client.get("/codes?partial=1&panel=1&q=E11")
    assert searched.status_code == 200
    results = searched.get_data(as_text=True)
    assert "Type 2 diabetes mellitus" in results and not LEAK.search(results) and "learn-icd" not in results


def test_the_palette_says_each_state_in_text(client, login_as, learning_bank):
    login_as("learner")
    attempt_id = _start(client)
    page = client.get(f"/exams/attempts/{attempt_id}/q/1").get_data(as_text=True)
    assert 'aria-label="Question 1, unanswered" aria-current="true"' in page
    for state in ("answered (✓)", "flagged (⚑)", "current (outlined, underlined)"):
        assert state in page


def test_the_abandon_confirmation_stays_in_exam_mode(client, login_as, learning_bank):
    """The page that asks whether to abandon the exam keeps the exam header: no site navigation,
    and its review and submit lead back into the exam."""
    login_as("learner")
    attempt_id = _start(client)
    page = client.get(f"/exams/attempts/{attempt_id}/abandon").get_data(as_text=True)
    assert 'aria-label="Main"' not in page and 'aria-label="Main menu"' not in page and 'class="brand"' not in page
    header = _header(page)
    assert re.search(rf'href="/exams/attempts/{attempt_id}/review"\s*>Review answers</a>', header)
    assert f'href="/exams/attempts/{attempt_id}/review#submit-exam">Submit exam…</a>' in header
