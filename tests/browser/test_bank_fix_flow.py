"""Issue 17 in the browser: a learner answers a shipped question, is marked wrong and reports the
key; an instructor searches the bank, opens the shipped item, edits its key as a new version (the
item stays published: learners get the new version), opens the report and regrades and resolves it
in one step; the learner's page then shows the new verdict, consistent with the new key. axe on
every page; the bank list holds at 390 px and at 1280 px (the table scrolls in its own frame)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_attempt, make_user
from tests.learning_bank import write_learning_bank
from tests.support import no_horizontal_overflow, sign_in_page


@pytest.fixture
def practice_attempt(live_app, tmp_path):
    from study.services import bank
    from tests.factories import item_by_key

    with live_app.app_context():
        bank.import_bank(write_learning_bank(tmp_path / "bank"))
        make_user("instructor", email="ina@example.org", display_name="Ina Instructor")
        learner = make_user("learner", email="lou@example.org")
        return make_attempt(learner, [item_by_key("learn-icd-001")], exam="CPC").id


def test_search_fix_a_shipped_key_and_regrade_from_the_report(page, browser, live_server, practice_attempt, axe_check):
    # the learner picks I11.9 (B); the key says I10 (A): marked wrong, reports the key
    sign_in_page(page, "lou@example.org")
    page.goto(f"/practice/{practice_attempt}/q/1")
    page.get_by_label("I11.9").check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("heading", name="Not quite")).to_be_visible()
    page.get_by_text("Report a problem with this question").click()
    page.get_by_label("The answer key is wrong").check()
    page.get_by_label("Tell us more (optional)").fill("I11.9 is what the note supports.")
    page.get_by_role("button", name="Send report").click()

    teacher = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}).new_page()
    sign_in_page(teacher, "ina@example.org")
    teacher.goto("/teach/")
    expect(teacher.get_by_role("link", name="1 open problem report")).to_be_visible()
    axe_check(teacher)
    teacher.get_by_role("link", name="Question bank").first.click()
    expect(teacher.get_by_role("table")).to_contain_text("learn-icd-001")
    assert no_horizontal_overflow(teacher)
    teacher.get_by_label("Search the text").fill("essential hypertension")
    teacher.get_by_label("Source or author").select_option("file")
    teacher.get_by_role("button", name="Filter").click()
    expect(teacher.get_by_role("table")).to_contain_text("1 item")
    axe_check(teacher)
    teacher.set_viewport_size({"width": 390, "height": 800})
    assert no_horizontal_overflow(teacher)
    teacher.set_viewport_size({"width": 1280, "height": 900})

    # open the shipped item and edit its key: B, with the why-not moved to A
    teacher.get_by_role("link", name="learn-icd-001").click()
    expect(teacher.get_by_role("heading", name="Edit learn-icd-001")).to_be_visible()
    expect(teacher.get_by_text("This item is shipped in a bank file")).to_be_visible()
    axe_check(teacher)
    answer = teacher.get_by_role("group", name="Answer")
    answer.get_by_label("A", exact=True).uncheck()
    answer.get_by_label("B", exact=True).check()
    teacher.get_by_label("Why not B (Markdown, optional)").fill("")
    teacher.get_by_label("Why not A (Markdown, optional)").fill("I10 needs no heart disease; the note documents it.")
    teacher.get_by_role("button", name="Save and publish as a new version").click()
    expect(teacher.get_by_text("learners now see a new version")).to_be_visible()
    expect(teacher.get_by_text("was changed on this site")).to_be_visible()
    expect(teacher.locator("[data-status]")).to_have_text("published")

    # the report: regrade and resolve in one step
    teacher.goto("/teach/reports")
    teacher.get_by_role("link", name="learn-icd-001").first.click()
    expect(teacher.get_by_role("heading", name="The item is fixed (version 2): regrade and resolve")).to_be_visible()
    axe_check(teacher)
    teacher.get_by_role("button", name="Regrade past answers and resolve the report").click()
    expect(teacher.get_by_text("1 past answer(s) changed")).to_be_visible()
    expect(teacher.get_by_text("Fixed", exact=True)).to_be_visible()
    teacher.context.close()

    # the learner sees the consistent new verdict: Correct, the key on their choice
    page.goto(f"/practice/{practice_attempt}/q/1")
    expect(page.get_by_role("heading", name="Correct")).to_be_visible()
    chosen = page.locator("li.chosen")
    expect(chosen).to_contain_text("I11.9")
    expect(chosen.locator(".badge-ok")).to_have_text("Answer")
    axe_check(page)
    assert not page.js_errors
