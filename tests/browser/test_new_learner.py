"""A new learner's way through (issue 18), in Chromium with axe on every page: sign up, the exam
and its date, the plan with its "start here" diagnostic, a practice set and "retry the questions I
missed", and a case whose wrong 7th character the feedback names."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from tests.browser.test_learning import FAST, _short_timeouts, _which, _wrong_text, bank_root, learner  # noqa: F401
from tests.support import no_horizontal_overflow


def test_sign_up_goal_plan_practice_retry_and_a_seventh_character(page, axe_check, learner):  # noqa: F811
    learner("someone-else@example.org")  # imports the bank
    page.goto("/account/signup")
    page.get_by_label("E-mail address").fill("nia@example.org")
    page.get_by_label("Password", exact=True).fill("a sturdy password 42")
    page.get_by_label("Repeat the password").fill("a sturdy password 42")
    page.get_by_role("button", name="Create account").click()

    # the exam and its date, asked right away
    expect(page.get_by_role("heading", level=1)).to_have_text("Your exam and date")
    expect(page.get_by_text("Your account is ready")).to_be_visible()
    axe_check(page)
    exam_day = (datetime.now(timezone.utc) + timedelta(days=30)).date()
    page.get_by_label("The exam you are preparing for (optional)").select_option("CPC")
    page.get_by_label("Exam date (optional)").fill(exam_day.isoformat())
    page.get_by_role("button", name="Save").click()

    # the plan: start here with the diagnostic; the last week is exam practice
    expect(page.get_by_role("heading", level=1)).to_have_text("Your study plan for the CPC")
    expect(page.get_by_role("heading", name=re.compile(r"^Week 1 \(this week\)"))).to_be_visible()
    expect(page.get_by_role("link", name="Sit a CPC simulation")).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 390, "height": 800})
    assert no_horizontal_overflow(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Take the diagnostic").click()
    expect(page.get_by_label("Number of questions")).to_have_value("20")
    page.get_by_label("Number of questions").fill("2")
    page.get_by_role("button", name="Start practice").click()

    # both answers wrong, then the summary's next steps
    for n in (1, 2):
        expect(page.locator(".progress-line")).to_contain_text(f"Question {n} of 2")
        expect(page.locator(".question-place")).to_contain_text("CPC")
        page.get_by_label(_wrong_text(_which(page.locator(".stem").inner_text())), exact=False).check()
        page.get_by_role("button", name="Check answer").click()
        expect(page.get_by_role("heading", name="Not quite")).to_be_visible()
        page.get_by_role("link", name="See the summary" if n == 2 else "Next question").click()
    expect(page.get_by_role("heading", name="By topic")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Retry the 2 questions I missed").click()
    expect(page.locator(".progress-line")).to_contain_text("Question 1 of 2")

    # home: the plan, not the marketing page
    page.goto("/")
    expect(page.get_by_text(f"Preparing for the CPC on {exam_day.isoformat()}")).to_be_visible()
    expect(page.get_by_role("link", name="Create a free account")).to_have_count(0)
    axe_check(page)

    # an exam in exam mode, submitted unanswered: the score report's missed filter and "practise this section"
    page.goto("/exams/CPC")
    page.get_by_role("button", name="Start the exam now").click()
    expect(page.get_by_role("navigation", name="Exam")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    page.get_by_role("navigation", name="Exam").get_by_role("button", name="Submit exam…").click()
    page.get_by_role("button", name="Submit the exam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CPC score report")
    filters = page.get_by_role("navigation", name="Which questions to review")
    expect(filters.get_by_role("link", name=re.compile(r"^Missed \(\d+\)$"))).to_have_attribute("aria-current", "page")
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"^Practise this section")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice")

    # a case with the wrong 7th character: the feedback names the character and both meanings
    page.goto("/cases")
    axe_check(page)
    page.get_by_role("link", name="Code this case").first.click()
    page.get_by_label("Diagnosis 1", exact=True).fill("S52.501D")
    page.get_by_label("Code 1", exact=True).fill("25600")
    page.locator("#px-mod-0").fill("RT")
    page.get_by_role("button", name="Grade my answer").click()
    page.locator("[data-grade-dialog]").get_by_role("button", name="Grade now").click()
    report = page.locator("table.grade-report")
    expect(report).to_contain_text("Right code, wrong 7th character: D is “subsequent encounter", timeout=FAST)
    expect(report).to_contain_text("the key's A is “initial encounter for closed fracture”")
    expect(page.get_by_role("link", name="Try this case again")).to_be_visible()
    axe_check(page)
    assert report.bounding_box()["width"] > 1000  # full width below the documentation at 1280 px
    page.set_viewport_size({"width": 390, "height": 800})
    assert no_horizontal_overflow(page)
    # on a phone each line of the report is a block: its cells stack, one labelled field per line
    cells = report.locator("tbody tr").first.locator("td")
    assert cells.nth(0).bounding_box()["y"] < cells.nth(1).bounding_box()["y"]
    axe_check(page)
    assert page.js_errors == []


def test_code_entry_inputs_use_the_sites_form_styles(page, learner):  # noqa: F811
    """Issue 18: the case page's code inputs look like every other text input (border, padding,
    a 44 px touch target), and a code the checker refuses gets the error border."""
    from tests.support import sign_in_page

    learner("kai@example.org")
    sign_in_page(page, "kai@example.org")
    page.goto("/cases")
    page.get_by_role("link", name="Code this case").first.click()
    code = page.get_by_label("Diagnosis 1", exact=True)
    style = code.evaluate("e => { const s = getComputedStyle(e); return [s.borderTopWidth, s.minHeight, s.paddingLeft]; }")
    assert style[0] == "2px" and style[1] == "44px" and float(style[2].rstrip("px")) > 5
    other = page.get_by_label("Diagnosis 2", exact=True)
    code.fill("S7221A")
    expect(code).to_have_attribute("aria-invalid", "true")
    colour = "e => getComputedStyle(e).borderTopColor"
    assert code.evaluate(colour) != other.evaluate(colour)  # the refused code's border is the error colour


def test_site_navigation_folds_into_a_menu_on_a_phone(page, axe_check, learner):  # noqa: F811
    """Issue 18: on a narrow screen the navigation is a menu that opens without JavaScript."""
    from tests.support import sign_in_page

    learner("sam@example.org")
    sign_in_page(page, "sam@example.org")
    page.set_viewport_size({"width": 390, "height": 800})
    expect(page.get_by_role("navigation", name="Main", exact=True)).to_be_hidden()
    menu = page.get_by_text("Menu", exact=True)
    expect(menu).to_be_visible()
    expect(page.get_by_role("link", name="Cases", exact=True)).to_be_hidden()
    menu.click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coding cases")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main", exact=True).get_by_role("link", name="Cases", exact=True)).to_be_visible()
