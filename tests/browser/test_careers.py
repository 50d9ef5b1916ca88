"""The career explorer and the anonymous self-assessment in a real browser, then saving the result
by signing up; axe on every career page, and no page wider than a 360 px screen."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from study.services import bank
from tests.support import no_horizontal_overflow

ROLE_TITLES = [
    "Medical billing specialist",
    "Medical coder",
    "Denials specialist",
    "Revenue cycle analyst",
    "Compliance and audit specialist",
]


def explorer(page):
    return page.get_by_role("navigation", name="Career explorer")


def test_explorer_self_assessment_and_saving_by_signing_up(page, live_app, axe_check):
    with live_app.app_context():
        bank.import_bank(live_app.config["QUESTION_BANK"])

    # ---- the explorer, reached from the main navigation
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Careers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Careers in medical billing and coding")
    axe_check(page)
    for title in ROLE_TITLES:
        explorer(page).get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.get_by_role("heading", name="Where it leads")).to_be_visible()
        expect(page.get_by_role("heading", name="Remote work")).to_be_visible()
        axe_check(page)

    explorer(page).get_by_role("link", name="Certifications").click()
    expect(page.get_by_role("heading", name="CPC: Certified Professional Coder")).to_be_visible()
    expect(page.locator("#cpc")).to_contain_text("100 multiple-choice questions")
    expect(page.locator("#cpc-a")).to_contain_text("80 hours of practice cases")
    expect(page.locator("#cpb")).to_contain_text("135 multiple-choice questions")
    axe_check(page)

    explorer(page).get_by_role("link", name="Pay").click()
    expect(page.get_by_role("img", name=re.compile("Yearly pay by role"))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Yearly pay by role"))).to_contain_text("$38,000–$48,000")
    expect(page.get_by_text("who employs you").first).to_be_visible()
    axe_check(page)

    explorer(page).get_by_role("link", name="Training").click()
    expect(page.get_by_role("table", name="Ways into the field")).to_contain_text("6–12 months")
    axe_check(page)

    # ---- the questionnaire: a bad form first
    explorer(page).get_by_role("link", name="Self-assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Career self-assessment")
    axe_check(page)
    page.get_by_role("button", name="Continue to the diagnostic").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the setting you would most like to work in.")
    expect(page.locator("#weekly_hours-error")).to_be_visible()
    axe_check(page)

    page.get_by_label("A physician practice or outpatient clinic").check()
    page.get_by_label("Quiet, focused work with documents, codes and rules").check()
    page.get_by_label("Reading clinical notes and working out what was done and why").check()
    page.get_by_label("Hours a week you can study").fill("8")
    page.get_by_label("When would you like to sit the exam?").fill((date.today() + timedelta(weeks=40)).isoformat())
    page.get_by_role("button", name="Continue to the diagnostic").click()

    # ---- the diagnostic: about 30 questions, one radio group each
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Diagnostic: \d+ questions"))
    questions = page.locator("fieldset.question")
    count = questions.count()
    assert 25 <= count <= 30
    axe_check(page)
    for i in range(1, count):  # leave the first one out
        questions.nth(i).get_by_role("radio").first.check()
    page.get_by_role("button", name="See my result").click()
    expect(page.get_by_role("alert")).to_contain_text("1 question is still unanswered")
    expect(page.locator("#question-1-error")).to_be_visible()
    expect(questions.nth(1).get_by_role("radio").first).to_be_checked()  # the answers given are kept
    axe_check(page)
    page.get_by_role("alert").get_by_role("link", name="Question 1").click()
    questions.nth(0).get_by_label("I don't know yet").check()
    page.get_by_role("button", name="See my result").click()

    # ---- the result
    expect(page.get_by_role("heading", level=1)).to_have_text("Your career self-assessment result")
    expect(page.get_by_role("heading", name=re.compile("^Suggested path: "))).to_be_visible()
    expect(page.get_by_role("img", name="Your diagnostic score by area")).to_be_visible()
    expect(page.get_by_role("table", name="Diagnostic score by area")).to_contain_text("Terminology and anatomy")
    expect(page.get_by_role("heading", name=re.compile("^Your study plan for the "))).to_be_visible()
    practice_links = page.locator(".start-with a")
    expect(practice_links).to_have_count(3)
    assert re.search(r"/practice[^?]*\?exam=(CPC|CPB|CCS)&topic=", practice_links.first.get_attribute("href"))
    expect(page.get_by_role("heading", name="The ladder")).to_be_visible()
    axe_check(page)

    page.set_viewport_size({"width": 360, "height": 740})
    assert no_horizontal_overflow(page)
    page.set_viewport_size({"width": 1200, "height": 900})

    # ---- saving: sign up, come back to the save page, save
    page.get_by_role("link", name="Save my result (create an account)").click()
    expect(page).to_have_url(re.compile(r"/account/signup\?next=/careers/results/save"))
    page.get_by_label("E-mail address").fill("career.changer@example.org")
    page.get_by_label("Password", exact=True).fill("a sturdy password 42")
    page.get_by_label("Repeat the password").fill("a sturdy password 42")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/careers/results/save$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your career result")
    axe_check(page)
    page.get_by_role("button", name="Save my result").click()
    expect(page).to_have_url(re.compile(r"/careers/results/\d+$"))
    expect(page.get_by_text("Your result is saved")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Saved result of "))
    expect(page.get_by_role("heading", name=re.compile("^Suggested path: "))).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="My saved results").click()
    expect(page.get_by_role("table", name=re.compile("Your saved self-assessments"))).to_be_visible()
    axe_check(page)
    assert page.js_errors == []


def test_explorer_pages_fit_a_narrow_screen(page, axe_check):
    page.set_viewport_size({"width": 360, "height": 740})
    for url in [
        "/careers/",
        "/careers/roles/medical-coder",
        "/careers/certifications",
        "/careers/salaries",
        "/careers/education",
        "/careers/assessment",
    ]:
        page.goto(url)
        assert no_horizontal_overflow(page), url
        axe_check(page)
    # without a finished assessment the result page sends you to the questionnaire
    page.goto("/careers/assessment/result")
    expect(page).to_have_url(re.compile(r"/careers/assessment$"))
    expect(page.get_by_text("Take the self-assessment to see a result.")).to_be_visible()
    assert page.js_errors == []
