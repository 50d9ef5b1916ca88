"""The home page's "due for review" number is what the review queue serves, coding cases included:
a learner follows the link, starts the set with the size it offers, and walks it to the summary.
In the due case, Enter in a code field moves to the next row and never grades the case."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.factories import make_user
from tests.learning_bank import write_learning_bank
from tests.support import no_horizontal_overflow, sign_in_page

MCQS = ["learn-icd-001", "learn-icd-002", "learn-icd-003"]
CASE = "case-pro-0003"


@pytest.fixture
def due_learner(live_app, tmp_path):
    """A learner whose cards for three MCQs and one case were reviewed long ago: all four are due."""
    from study.services import bank
    from study.services.attempts import schedule_review
    from tests.factories import item_by_key

    with live_app.app_context():
        from study.extensions import db

        bank.import_bank(write_learning_bank(tmp_path / "bank"))
        learner = make_user("learner", email="dee@example.org")
        long_ago = datetime.now(timezone.utc) - timedelta(days=120)
        for n, key in enumerate([*MCQS, CASE]):
            schedule_review(learner.id, item_by_key(key).id, 0.0, 30, long_ago + timedelta(minutes=n), 144)
        db.session.commit()
    return "dee@example.org"


def test_the_home_count_is_what_the_queue_serves_and_enter_never_grades_the_due_case(page, due_learner, axe_check):
    sign_in_page(page, due_learner)
    page.goto("/")
    link = page.get_by_role("link", name=re.compile(r"due for review"))
    count = int(re.search(r"(\d+)", link.inner_text()).group(1))
    assert count == len(MCQS) + 1
    link.click()
    expect(page.get_by_label("Number of questions")).to_have_value(str(count))
    axe_check(page)
    page.get_by_role("button", name=re.compile("Start")).click()

    served, case_pages = 0, 0
    while True:
        served += 1
        if page.locator("[data-case-entry]").count():
            case_pages += 1
            page.set_viewport_size({"width": 390, "height": 800})  # the case in the review flow holds on a phone
            assert no_horizontal_overflow(page)
            page.set_viewport_size({"width": 1280, "height": 900})
            first = page.locator("input[name=dx]").first
            first.fill("S52.501A")
            first.press("Enter")  # to the next row: nothing is submitted, nothing graded
            expect(page.locator("input[name=dx]").nth(1)).to_be_focused()
            expect(page.get_by_role("button", name="Submit for grading")).to_be_visible()
            page.get_by_role("button", name="Submit for grading").click()
            expect(page.get_by_text(re.compile(r"Score|score"))).not_to_have_count(0)
        else:
            page.locator("input[name=answer]").first.check()
            page.get_by_role("button", name="Check answer").click()
        following = page.get_by_role("link", name="Next question")
        if following.count():
            following.click()
            continue
        page.get_by_role("link", name="See the summary").click()
        break
    assert served == count and case_pages == 1
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert not page.js_errors


def test_without_javascript_enter_in_a_due_case_submits_nothing(browser, live_server, due_learner):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    sign_in_page(page, due_learner)
    page.goto("/practice?mode=due")
    page.get_by_role("button", name=re.compile("Start")).click()
    for _ in range(len(MCQS) + 1):  # to the case, wherever the scheduler put it
        if page.locator("[data-case-entry]").count():
            break
        page.locator("input[name=answer]").first.check()
        page.get_by_role("button", name="Check answer").click()
        page.get_by_role("link", name="Next question").click()
    url = page.url
    page.locator("input[name=dx]").first.fill("S52.501A")
    page.locator("input[name=dx]").first.press("Enter")  # the default button is disabled: no submission
    page.wait_for_timeout(500)
    assert page.url == url
    expect(page.get_by_role("button", name="Submit for grading")).to_be_visible()
    expect(page.locator("input[name=dx]").first).to_have_value("S52.501A")
    context.close()
