"""Item analysis pages: roles, ownership, the tables and their accessibility basics."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from study.extensions import db
from study.models import Item
from tests.factories import T0, make_assignment, make_cohort, make_user
from tests.services.test_item_analysis import FIVE_BY_FOUR, exam_attempt, mcqs
from tests.support import sign_in


@pytest.fixture
def classroom(app, learning_bank):
    """An instructor's cohort of five learners with the hand-computed exam attempts, and an
    assignment; flags from five responses on (the site's minimum is 20)."""
    app.config["ITEM_ANALYSIS_MIN_RESPONSES"] = 5
    owner = make_user("instructor", email="owner@example.org")
    learners = [make_user() for _ in FIVE_BY_FOUR]
    cohort = make_cohort(owner, learners)
    items = mcqs()
    assignment = make_assignment(cohort, "practice", "Mock CPC", {"items": []})
    for learner, marks in zip(learners, FIVE_BY_FOUR, strict=False):
        exam_attempt(learner, items, marks, selected={items[0].id: ["A"] if marks[0] else ["C"]})
        exam_attempt(learner, items, marks, assignment=assignment, kind="practice")
    return {"owner_id": owner.id, "items": items, "assignment_id": assignment.id}


def _check_tables(html: str) -> None:
    tables = re.findall(r"<table.*?</table>", html, re.S)
    assert tables
    for table in tables:
        assert "<caption>" in table
        assert all('scope="' in th for th in re.findall(r"<th(?:\s[^>]*)?>", table))


def test_learners_are_refused(client, login_as, classroom):
    login_as("learner")
    for url in (
        "/teach/analysis",
        "/teach/analysis/exam/CPC",
        f"/teach/analysis/exam/CPC/item/{classroom['items'][0].id}",
        f"/teach/analysis/assignment/{classroom['assignment_id']}",
    ):
        assert client.get(url).status_code == 403, url


def test_index_lists_exams_with_test_statistics(client, classroom):
    sign_in(client, classroom["owner_id"])
    response = client.get("/teach/analysis")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/teach/analysis/exam/CPC"' in html
    assert "20.5%" in html  # Cronbach's alpha of the hand-computed matrix
    assert "Unsatisfactory" in html
    assert "Mock CPC" in html
    _check_tables(html)
    # the instructor home links here
    assert 'href="/teach/analysis"' in client.get("/teach/").get_data(as_text=True)


def test_exam_detail_shows_items_with_statistics_and_flags(client, classroom):
    sign_in(client, classroom["owner_id"])
    html = client.get("/teach/analysis/exam/CPC").get_data(as_text=True)
    items = classroom["items"]
    assert "5 submitted attempts" in html
    for item in items:
        assert f'href="/teach/analysis/exam/CPC/item/{item.id}"' in html
    row_one = re.search(rf"<tr>\s*<th scope=\"row\"><a[^>]*>{items[0].key}</a>.*?</tr>", html, re.S).group(0)
    assert "80.0%" in row_one and "37.5" in row_one and "100.0%" in row_one  # facility, D, E
    row_four = re.search(rf"<tr>\s*<th scope=\"row\"><a[^>]*>{items[3].key}</a>.*?</tr>", html, re.S).group(0)
    assert "-49.0" in row_four and "Negative discrimination" in row_four
    assert "1 of 4 items flagged" in html
    _check_tables(html)
    assert client.get("/teach/analysis/exam/NOPE").status_code == 404


def test_item_page_shows_option_counts(client, classroom):
    sign_in(client, classroom["owner_id"])
    item = classroom["items"][0]
    response = client.get(f"/teach/analysis/exam/CPC/item/{item.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Choices, option by option" in html
    row_a = re.search(r"<tr><th scope=\"row\">A.*?</tr>", html, re.S).group(0)
    row_c = re.search(r"<tr><th scope=\"row\">C.*?</tr>", html, re.S).group(0)
    assert "Key" in row_a and "<td>4</td>" in row_a and "80.0%" in row_a
    assert "<td>1</td>" in row_c and "20.0%" in row_c
    _check_tables(html)
    assert client.get("/teach/analysis/exam/CPC/item/999999").status_code == 404


def test_another_instructor_sees_none_of_these_learners_and_not_the_assignment(client, classroom):
    other = make_user("instructor")
    sign_in(client, other.id)
    html = client.get("/teach/analysis").get_data(as_text=True)
    assert "No submitted exam attempts yet" in html and "Mock CPC" not in html
    assert "0 submitted attempts" in client.get("/teach/analysis/exam/CPC").get_data(as_text=True)
    item = classroom["items"][0]
    assert client.get(f"/teach/analysis/assignment/{classroom['assignment_id']}").status_code == 403
    assert client.get(f"/teach/analysis/assignment/{classroom['assignment_id']}/item/{item.id}").status_code == 403


def test_assignment_pages_for_the_owner_and_admins(client, classroom):
    sign_in(client, classroom["owner_id"])
    url = f"/teach/analysis/assignment/{classroom['assignment_id']}"
    html = client.get(url).get_data(as_text=True)
    assert "Mock CPC" in html and "5 submitted attempts" in html and "20.5%" in html
    item = classroom["items"][0]
    assert f'href="{url}/item/{item.id}"' in html
    assert client.get(f"{url}/item/{item.id}").status_code == 200
    assert client.get("/teach/analysis/assignment/999999").status_code == 404
    exam_attempt(make_user(), classroom["items"], [1, 1, 1, 1])  # a learner in no cohort
    admin = make_user("admin")
    sign_in(client, admin.id)
    assert client.get(url).status_code == 200
    # the admin sees every learner's exam attempts (the cohort's 5 and the outsider's)
    assert "6 submitted attempts" in client.get("/teach/analysis/exam/CPC").get_data(as_text=True)


def test_case_item_page_shows_verdicts_per_key_line(client, learning_bank):
    from study.services import attempts as attempt_service
    from study.services import exams as exam_service

    owner = make_user("instructor")
    learner = make_user()
    make_cohort(owner, [learner])
    attempt = exam_service.start_exam(learner, "CPC", T0)
    case_ai = next(ai for ai in attempt.items if ai.section_key == "cases")
    case = attempt_service.version_item(case_ai)
    exam_service.save_answer(learner, attempt.id, case_ai.position, T0 + timedelta(minutes=1), case={"diagnoses": ["R52"]})
    exam_service.submit(learner, attempt.id, T0 + timedelta(minutes=2))
    sign_in(client, owner.id)
    html = client.get(f"/teach/analysis/exam/CPC/item/{case_ai.item_id}").get_data(as_text=True)
    assert "Verdicts per key line" in html
    assert f"<code>{case.key.diagnoses[0].code}</code>" in html
    assert "Codes not on the key" in html
    _check_tables(html)


# ------------------------------------------------------------------ in a real browser (axe, CSP)


# ------------------------------------------------------------------ item visibility (issue 12: IDOR)
def _draft_of(author, item):
    item.origin, item.author_id, item.status = "web", author.id, "draft"
    db.session.commit()


def test_another_instructors_draft_is_404_on_every_analysis_route(client, classroom):
    """/teach/analysis/exam/<exam>/item/<id> showed another instructor's unpublished draft with its key."""
    rival = make_user("instructor")
    secret = db.session.scalar(db.select(Item).where(Item.key == "learn-icd-008"))  # served in no attempt
    _draft_of(rival, secret)
    served = classroom["items"][3]  # served to the cohort, then taken back to draft by its author
    _draft_of(rival, served)
    sign_in(client, classroom["owner_id"])
    for item in (secret, served):
        assert client.get(f"/teach/analysis/exam/CPC/item/{item.id}").status_code == 404
        assert client.get(f"/teach/analysis/assignment/{classroom['assignment_id']}/item/{item.id}").status_code == 404
    for url in ("/teach/analysis/exam/CPC", f"/teach/analysis/assignment/{classroom['assignment_id']}"):
        html = client.get(url).get_data(as_text=True)
        assert served.key not in html and f"/item/{served.id}" not in html
    assert "SECRET" not in client.get("/teach/analysis").get_data(as_text=True)
    # the author and admins still see them
    sign_in(client, rival.id)
    assert client.get(f"/teach/analysis/exam/CPC/item/{secret.id}").status_code == 200
    sign_in(client, make_user("admin").id)
    assert client.get(f"/teach/analysis/exam/CPC/item/{served.id}").status_code == 200
    assert served.key in client.get("/teach/analysis/exam/CPC").get_data(as_text=True)


def test_bank_items_stay_analysable_after_they_are_retired(client, classroom):
    """Items from bank files are every instructor's (as in the report queue): retiring one after a bad
    key must not hide the analysis that showed the problem."""
    item = classroom["items"][0]
    item.status = "retired"
    db.session.commit()
    sign_in(client, classroom["owner_id"])
    assert client.get(f"/teach/analysis/exam/CPC/item/{item.id}").status_code == 200


def _own_web_item(item: Item, author_id: int) -> None:
    item.origin, item.author_id = "web", author_id
    db.session.commit()


def test_below_the_minimum_items_say_not_enough_responses_yet(client, learning_bank):
    owner = make_user("instructor")
    learners = [make_user() for _ in FIVE_BY_FOUR]
    make_cohort(owner, learners)
    items = mcqs()
    for learner, marks in zip(learners, FIVE_BY_FOUR, strict=False):
        exam_attempt(learner, items, marks)
    sign_in(client, owner.id)
    html = client.get("/teach/analysis/exam/CPC").get_data(as_text=True)
    assert html.count("Not enough responses yet (5 of 20)") == 4
    assert "Negative discrimination" not in html and "0 of 4 items flagged" in html
    assert "-49.0" in html  # the figures are still shown
    item_page = client.get(f"/teach/analysis/exam/CPC/item/{items[3].id}").get_data(as_text=True)
    assert "Not enough responses yet (5 of 20)" in item_page and "Possible wrong key" not in item_page
    index = client.get("/teach/analysis").get_data(as_text=True)
    assert "Unsatisfactory" not in index and "not enough responses yet to judge" in index


def test_the_figures_are_labelled_by_their_definitions(client, classroom):
    sign_in(client, classroom["owner_id"])
    for url in ("/teach/analysis", "/teach/analysis/exam/CPC"):
        html = client.get(url).get_data(as_text=True)
        assert 'id="how-computed">How these figures are computed</h2>' in html
        assert "Discrimination index</strong> (Moodle's definition)" in html
        assert "Moodle statistics" not in html and "Moodle's quiz statistics on" not in html
        assert "No flag is raised on a question with fewer than 5 responses" in html
    item_page = client.get(f"/teach/analysis/exam/CPC/item/{classroom['items'][0].id}").get_data(as_text=True)
    assert "<dt>Facility index (Moodle's definition)</dt>" in item_page and 'href="/teach/analysis#how-computed"' in item_page


def test_the_wrong_key_signal_shows_at_the_top_of_the_item_page_and_in_the_item_list(client, learning_bank):
    from tests.services.test_item_analysis_signals import plant_miskeyed_mcq

    owner = make_user("instructor")
    items, suspect = plant_miskeyed_mcq(owner)
    _own_web_item(suspect, owner.id)
    _own_web_item(items[0], owner.id)
    sign_in(client, owner.id)
    page = client.get(f"/teach/analysis/exam/CPC/item/{suspect.id}").get_data(as_text=True)
    notice = page.index("Possible wrong key: 12 of the 12 strongest learners chose B, 0 chose the key C.")
    assert page.index("<h1>") < notice < page.index('class="stem"') < page.index("Facility index")
    detail = client.get("/teach/analysis/exam/CPC").get_data(as_text=True)
    assert detail.index('id="wrong-keys-heading"') < detail.index("<caption>Items")
    assert f'href="/teach/analysis/exam/CPC/item/{suspect.id}">{suspect.key}</a>: Possible wrong key' in detail
    listing = client.get("/teach/items").get_data(as_text=True)
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a[^>]*>{suspect.key}</a>.*?</tr>", listing, re.S).group(0)
    assert f'href="/teach/analysis/exam/CPC/item/{suspect.id}"' in row and "Possible wrong key (CPC)" in row
    other = re.search(rf"<tr>\s*<th scope=\"row\"><a[^>]*>{items[0].key}</a>.*?</tr>", listing, re.S).group(0)
    assert "Possible wrong key" not in other
    assert "1 item may have a wrong key" in listing
    _check_tables(listing)


def _statements(client, url: str) -> int:
    from tests.support import count_statements

    client.get(url)  # warm per-process caches
    with count_statements() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_analysis_pages_and_the_item_list_run_the_same_statements_for_more_learners_and_items(client, learning_bank):
    """Query budget: the statements do not grow with the responses nor with the items analysed and
    listed (24 learners x 4 items, then 48 x 8)."""
    from tests.services.test_item_analysis_signals import plant_miskeyed_mcq

    counts = []
    for n, n_items in ((24, 4), (48, 8)):
        owner = make_user("instructor")
        items, suspect = plant_miskeyed_mcq(owner, n, n_items)
        for item in items:
            _own_web_item(item, owner.id)
        sign_in(client, owner.id)
        urls = ("/teach/analysis", "/teach/analysis/exam/CPC", f"/teach/analysis/exam/CPC/item/{suspect.id}", "/teach/items")
        counts.append({url: _statements(client, url) for url in urls})
    assert counts[0] == counts[1], counts
    # the budgets as measured: the session and the user, then for the item list the items and
    # their exams, the exam scores, the answers, the versions; the exam page's analysis reads the
    # scores, the items and their versions, the answers (the item page adds the item, its version
    # and its answers with their counts)
    assert counts[0] == {
        "/teach/analysis": 6,
        "/teach/analysis/exam/CPC": 8,
        f"/teach/analysis/exam/CPC/item/{suspect.id}": 12,
        "/teach/items": 7,
    }
