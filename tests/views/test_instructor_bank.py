"""/teach/bank (the whole bank for instructors), the /teach notices, and fixing an item from its
problem report in one flow: edit the key in the browser, back to the report, regrade and resolve."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from study.extensions import db
from study.models import ItemReport, Response
from study.services import attempts as attempt_service
from study.services import authoring, bank_stats, practice
from tests.factories import item_by_key, make_attempt, make_mcqs, make_user
from tests.services.test_authoring import mcq_data
from tests.support import count_statements, sign_in

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)


def keys_on(page: str) -> list[str]:
    return re.findall(r'<th scope="row">\s*(?:<a href="[^"]*">)?([a-z0-9-]+)', page)


def test_learners_are_refused(client, login_as, learning_bank):
    login_as("learner")
    assert client.get("/teach/bank").status_code == 403


def test_lists_searches_and_filters_every_item(client, login_as, learning_bank):
    login_as("instructor")
    page = client.get("/teach/bank").get_data(as_text=True)
    assert "11 items" in page and "learn-icd-001" in page and "case-pro-0003" in page
    assert "Shipped" in page and 'href="/teach/items/' in page  # shipped items open in the editor
    assert "computed" in page and "submitted exam attempt" in page  # when the figures were computed
    found = client.get("/teach/bank?q=hypertension").get_data(as_text=True)
    assert keys_on(found) == ["learn-icd-001"] and "1 item<" in found
    assert keys_on(client.get("/teach/bank?type=case").get_data(as_text=True)) == ["case-ip-0001", "case-pro-0003"]
    assert "No item matches" in client.get("/teach/bank?status=retired").get_data(as_text=True)
    # a value that is no choice filters nothing; a query too long is refused on its field
    assert len(keys_on(client.get("/teach/bank?status=bogus&exam=NOPE").get_data(as_text=True))) == 11
    assert client.get("/teach/bank?q=" + "x" * 300).status_code == 400


def test_pages_keep_the_filters(client, login_as, app):
    make_mcqs(60)
    login_as("instructor")
    first = client.get("/teach/bank?q=code&exam=CPC").get_data(as_text=True)
    assert "60 items, 1–25 shown" in first and "Page 1 of 3" in first
    assert 'href="/teach/bank?page=2&amp;q=code&amp;exam=CPC"' in first
    last = client.get("/teach/bank?page=3&q=code&exam=CPC").get_data(as_text=True)
    assert keys_on(last)[0] == "bulk-icd-0051" and len(keys_on(last)) == 10 and "Next" not in last.split('class="pager"')[1]


def test_another_instructors_draft_is_not_listed(client, login_as, learning_bank):
    author = make_user("instructor")
    authoring.create_item(author, "mcq", mcq_data())
    login_as("instructor")
    assert "web-mcq-001" not in client.get("/teach/bank").get_data(as_text=True)
    sign_in(client, author)
    assert "web-mcq-001" in client.get("/teach/bank?author=web").get_data(as_text=True)


def _statements(client, url: str) -> int:
    with count_statements() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_page_runs_the_same_statements_for_3_and_150_items(client, login_as, app):
    make_mcqs(3, prefix="few")
    login_as("instructor")
    bank_stats.refresh(datetime.now(timezone.utc))  # fresh figures: the page reads them
    url = "/teach/bank?q=code&exam=CPC&difficulty=easy&open_reports=y"
    client.get(url)
    small = _statements(client, url)
    make_mcqs(150)
    assert _statements(client, url) == small
    assert _statements(client, "/teach/bank?page=4") == _statements(client, "/teach/bank?page=1")


def test_teach_shows_open_reports_and_flagged_items(client, login_as, learning_bank):
    learner = make_user()
    attempt_service.report_problem(learner, "learn-icd-002", "wrong-key", "B?")
    attempt_service.report_problem(learner, "learn-icd-003", "typo", "typo")
    login_as("instructor")
    home = client.get("/teach/").get_data(as_text=True)
    assert "2 open problem reports" in home and 'href="/teach/bank?open_reports=y">2 items' in home
    assert "No item flagged by item analysis" in home
    listed = client.get("/teach/bank?open_reports=y").get_data(as_text=True)
    assert keys_on(listed) == ["learn-icd-002", "learn-icd-003"]


def test_fix_a_shipped_item_from_its_report_in_one_flow(client, learning_bank):
    """A learner answers learn-icd-002 with C and reports the key (B); an instructor opens the
    report, edits the key to C in the browser, comes back to the report, regrades and resolves."""
    learner, instructor = make_user(), make_user("instructor")
    item = item_by_key("learn-icd-002")
    attempt = make_attempt(learner, [item], exam="CPC")
    shown = attempt_service.to_shown(attempt.items[0], attempt_service.version_item(attempt.items[0]), ["C"])
    practice.answer(learner, attempt.id, 1, shown, 10.0, T0)
    response = db.session.query(Response).one()
    assert response.correct is False
    report = attempt_service.report_problem(learner, "learn-icd-002", "wrong-key", "C is right", attempt_item_id=attempt.items[0].id)

    sign_in(client, instructor)
    detail = client.get(f"/teach/reports/{report.id}").get_data(as_text=True)
    edit_url = f"/teach/items/{item.id}?report={report.id}"
    assert edit_url in detail and "regrade-resolve" not in detail  # nothing to regrade yet
    editor = client.get(edit_url).get_data(as_text=True)
    assert f'action="/teach/items/{item.id}?report={report.id}"' in editor and "Back to the problem report" in editor
    data = authoring.form_data(item)
    data.update({"answer": ["C"], "why_not_C": "", "why_not_B": "B is type 1 diabetes... no: E11.9 is right here."})
    saved = client.post(edit_url, data=data)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/teach/reports/{report.id}#regrade-resolve")
    db.session.expire_all()
    item = item_by_key("learn-icd-002")
    assert item.site_changed and item.status == "published"

    detail = client.get(f"/teach/reports/{report.id}").get_data(as_text=True)
    assert 'id="regrade-resolve"' in detail and "The item is fixed (version 2)" in detail
    done = client.post(
        f"/teach/reports/{report.id}/regrade-resolve",
        data={"mode": "new-key", "reason": "The key was C.", "reply": "Thanks: the key is now C and your answer was regraded."},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(ItemReport, report.id).status == "fixed"
    assert db.session.get(Response, response.id).correct is True
    # the flow cannot run twice: the report is resolved (and nothing is regraded again)
    again = client.post(f"/teach/reports/{report.id}/regrade-resolve", data={"mode": "new-key", "reply": "again"})
    assert again.status_code == 409


def test_publishing_from_the_report_flow_goes_back_to_the_report(client, learning_bank):
    learner, instructor = make_user(), make_user("instructor")
    report = attempt_service.report_problem(learner, "learn-icd-003", "typo", "typo")
    item = item_by_key("learn-icd-003")
    authoring.to_draft(instructor, item.id)
    sign_in(client, instructor)
    editor = client.get(f"/teach/items/{item.id}?report={report.id}").get_data(as_text=True)
    assert f'action="/teach/items/{item.id}/status?report={report.id}"' in editor
    published = client.post(f"/teach/items/{item.id}/status?report={report.id}", data={"action": "publish"})
    assert published.headers["Location"].endswith(f"/teach/reports/{report.id}#regrade-resolve")
    db.session.expire_all()
    assert item_by_key("learn-icd-003").status == "published"
    retired = client.post(f"/teach/items/{item.id}/status?report={report.id}", data={"action": "retire"})
    assert retired.headers["Location"].endswith(f"/teach/items/{item.id}?report={report.id}")
