"""Exam mode in a real browser (issue 18): during an exam the exam header replaces the site's
navigation (name, time left, review, submit through the confirmation), the code book panel works
beside an MCQ and shows no key, the flag is a toggle that says what it did (with JavaScript and
without), and the palette says each state. axe clean; no sideways scroll at 390 and 1280 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_learning import _assert_no_secrets, _short_timeouts, bank_root, learner  # noqa: F401 (fixtures)
from tests.support import no_horizontal_overflow, sign_in_page

TITLE = "Certified Professional Coder (shortened test blueprint)"
ANSWERS = re.compile(r"/api/exams/\d+/answers$")


def _holds_at_390_and_1280(page, axe_check) -> None:
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 850})
        assert no_horizontal_overflow(page), f"sideways scroll at {width} px on {page.url}"
        axe_check(page)


def _start(page) -> None:
    page.goto("/exams/CPC")
    page.get_by_role("button", name="Start the exam now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 3")


def test_an_exam_in_exam_mode_header_flag_toggle_and_code_book_on_an_mcq(page, axe_check, learner):  # noqa: F811 (the fixture)
    learner("mo@example.org")
    sign_in_page(page, "mo@example.org")
    _start(page)

    # the exam header instead of the site's navigation: nothing there leaves the exam
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    header = page.get_by_role("banner")
    expect(header).to_contain_text(TITLE)
    expect(header).to_contain_text(re.compile(r"Time left: 0:0[0-2]:\d\d"))
    exam_nav = page.get_by_role("navigation", name="Exam")
    expect(exam_nav.get_by_role("link")).to_have_count(0)
    expect(exam_nav.get_by_role("button")).to_have_text(["Review answers", "Submit exam…"])
    _holds_at_390_and_1280(page, axe_check)
    page.set_viewport_size({"width": 1280, "height": 850})

    # the code book beside an MCQ: searched in place, nothing of the key in it
    expect(page.locator("input[name=answer]")).to_have_count(4)
    page.get_by_text("Code book (ICD-10-CM lookup)").click()
    page.get_by_label("Search codes by words or code").fill("E11")
    results = page.get_by_role("region", name="Code book results")
    expect(results).to_contain_text("Type 2 diabetes mellitus")
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 3")  # still on the question
    _assert_no_secrets(page.content())
    axe_check(page)

    # the flag toggle on an unanswered question: a flag, not a saved answer
    palette = page.get_by_role("navigation", name="Questions")
    toggle = page.locator("[data-flag]")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(toggle).to_have_text(re.compile(r"Flag for review"))
    with page.expect_response(ANSWERS):
        page.get_by_role("button", name="Flag for review").click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(toggle).to_have_text(re.compile(r"Flagged: remove flag"))
    expect(page.locator("[data-save-state]")).to_have_text("Flagged for review.")
    expect(palette.get_by_role("button", name="Question 1, unanswered, flagged")).to_have_attribute("aria-current", "true")
    axe_check(page)
    with page.expect_response(ANSWERS):
        toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.locator("[data-save-state]")).to_have_text("Flag removed.")
    expect(palette.get_by_role("button", name="Question 1, unanswered")).to_be_visible()
    # an answer is an answer
    with page.expect_response(ANSWERS):
        page.locator("input[name=answer]").first.check()
    expect(page.locator("[data-save-state]")).to_have_text("Answer saved.")
    expect(palette.get_by_role("button", name="Question 1, answered")).to_be_visible()
    page.reload()  # the server kept what the page showed
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(palette.get_by_role("button", name="Question 1, answered")).to_be_visible()

    # submit in the header goes to the confirmation, which is still exam mode
    page.get_by_role("navigation", name="Exam").get_by_role("button", name="Submit exam…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review before you submit")
    assert page.url.endswith("/review#submit-exam")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Exam").get_by_role("link", name="Review answers")).to_have_attribute("aria-current", "page")
    expect(page.locator(".review-counts li").nth(0)).to_have_text("1 answered")
    _holds_at_390_and_1280(page, axe_check)
    page.get_by_role("button", name="Submit the exam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CPC score report")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()  # the exam is over: the site is back
    assert page.js_errors == []


def test_the_flag_toggle_without_javascript(browser, live_server, learner):  # noqa: F811 (the fixture)
    learner("nojs@example.org")
    context = browser.new_context(base_url=live_server, java_script_enabled=False, viewport={"width": 390, "height": 850})
    page = context.new_page()
    page.set_default_timeout(5_000)
    try:
        sign_in_page(page, "nojs@example.org")
        _start(page)
        page.get_by_role("button", name="Flag for review").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 3")  # back to the question
        expect(page.locator(".flashes")).to_have_text("Flagged for review.")
        expect(page.locator("[data-save-state]")).to_have_text("")
        expect(page.locator("[data-flag]")).to_have_attribute("aria-pressed", "true")
        expect(page.get_by_role("button", name="Question 1, unanswered, flagged")).to_be_visible()
        # (no axe or width check here: a page without JavaScript runs no script of axe's either;
        # the same page is checked with JavaScript at both widths above)
        # an answer chosen, then the toggle: both said
        page.locator("input[name=answer]").nth(1).check()
        page.get_by_role("button", name="Flagged: remove flag").click()
        expect(page.locator(".flashes")).to_have_text("Answer saved. Flag removed.")
        expect(page.get_by_role("button", name="Question 1, answered")).to_be_visible()
        # Enter saves and stays (the first of the form's buttons is a plain save, not the header's review)
        page.locator("input[name=answer]").nth(2).check()
        with page.expect_navigation():
            page.locator("input[name=answer]").nth(2).press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 3")
        expect(page.locator(".flashes")).to_have_count(0)
        expect(page.locator("input[name=answer]").nth(2)).to_be_checked()
        # the header's review saves the page's answer on the way, without JavaScript too
        page.locator("input[name=answer]").nth(3).check()
        page.get_by_role("navigation", name="Exam").get_by_role("button", name="Review answers").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Review before you submit")
        expect(page.locator(".review-counts li").nth(0)).to_have_text("1 answered")
    finally:
        context.close()
