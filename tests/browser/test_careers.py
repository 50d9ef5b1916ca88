"""The career explorer and the newcomer's self-assessment in a real browser: sourced pay and
costs, the questions about you, the sample tasks, the result with its fit, path and beginner's
plan, the optional knowledge check offered, and saving by signing up (no second button), ending
on the learner's home with "your saved result". Axe and no sideways scroll at 390 and 1280 px."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from study.careers import aptitude
from study.services import bank
from tests.support import no_horizontal_overflow

ROLE_TITLES = [
    "Medical billing specialist",
    "Medical coder",
    "Denials specialist",
    "Revenue cycle analyst",
    "Compliance and audit specialist",
]
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


def explorer(page):
    return page.get_by_role("navigation", name="Career explorer")


def at_both_widths(page, axe_check):
    """Axe clean and no sideways scroll on a phone and on a desktop; back at desktop width after."""
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert no_horizontal_overflow(page), (page.url, size)
        axe_check(page)


def test_a_newcomer_explores_takes_the_self_assessment_and_saves_it_by_signing_up(page, live_app, axe_check):
    with live_app.app_context():
        bank.import_bank(live_app.config["QUESTION_BANK"])
    page.set_viewport_size(DESKTOP)

    # ---- the explorer, reached from the main navigation
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Careers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Careers in medical billing and coding")
    at_both_widths(page, axe_check)
    for title in ROLE_TITLES:
        explorer(page).get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.get_by_role("heading", name="Remote work")).to_be_visible()
    axe_check(page)

    explorer(page).get_by_role("link", name="Pay").click()
    expect(page.get_by_role("table", name="Pay and outlook from the BLS")).to_contain_text("$50,250 a year")
    expect(page.get_by_role("table", name="Pay and outlook from the BLS")).to_contain_text("read 7 December 2026")
    expect(page.get_by_role("img", name=re.compile("Yearly pay by role"))).to_be_visible()
    at_both_widths(page, axe_check)

    explorer(page).get_by_role("link", name="Costs and time").click()
    expect(page.get_by_role("table", name="Exam fees")).to_contain_text("$499")
    at_both_widths(page, axe_check)

    explorer(page).get_by_role("link", name="Your first job").click()
    expect(page.get_by_role("heading", name="Entry roles that get a foot in the door")).to_be_visible()
    expect(page.get_by_text("Payment posting", exact=True)).to_be_visible()
    at_both_widths(page, axe_check)

    explorer(page).get_by_role("link", name="Certifications").click()
    expect(page.locator("#cpc-a")).to_contain_text("How the CPC-A apprentice label is removed")
    axe_check(page)

    # ---- about you: a bad form first
    explorer(page).get_by_role("link", name="Self-assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Career self-assessment")
    at_both_widths(page, axe_check)
    page.get_by_role("button", name="Continue to the sample tasks").click()
    expect(page.get_by_role("alert")).to_contain_text("Say whether you have worked in healthcare.")
    expect(page.locator("#weekly_hours-error")).to_be_visible()
    axe_check(page)

    page.get_by_label("No, none yet").check()
    page.get_by_label("Yes (for example retail, hospitality or a call centre)").check()
    page.get_by_label("A high school diploma or equivalent").check()
    page.get_by_label("Only the essentials: the exam and the code books (self-study)").check()
    page.get_by_label("Within a year").check()
    page.get_by_label("I would enjoy it: long stretches of focused reading and typing suit me").check()
    page.get_by_label("A physician practice or outpatient clinic").check()
    page.get_by_label("Quiet, focused work with documents, codes and rules").check()
    page.get_by_label("Reading clinical notes and working out what was done and why").check()
    page.get_by_label("Hours a week you can study").fill("8")
    page.get_by_label("When would you like to sit the exam?").fill((date.today() + timedelta(weeks=40)).isoformat())
    page.get_by_role("button", name="Continue to the sample tasks").click()

    # ---- the sample tasks: one left out first, then all answered (one of them wrong)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sample tasks: 16 short tasks")
    tasks = aptitude.tasks()
    groups = page.locator("fieldset.question")
    expect(groups).to_have_count(16)
    at_both_widths(page, axe_check)
    for number, task in enumerate(tasks):
        if number == 0:
            continue
        letter = task.answer if number != 15 else next(x for x in task.letters if x != task.answer)
        page.locator(f"#{task.field_name}-{letter}").check()
    page.get_by_role("button", name="See my result").click()
    expect(page.get_by_role("alert")).to_contain_text("1 task is still unanswered")
    expect(page.locator(f"#{tasks[1].field_name}-{tasks[1].answer}")).to_be_checked()  # the answers given are kept
    axe_check(page)
    page.get_by_role("alert").get_by_role("link").first.click()
    page.locator(f"#{tasks[0].field_name}-{tasks[0].answer}").check()
    page.get_by_role("button", name="See my result").click()

    # ---- the result: fit, path, plan from the foundations, the optional knowledge check
    expect(page.get_by_role("heading", level=1)).to_have_text("Your career self-assessment result")
    expect(page.get_by_text("The evidence suggests this field suits you.")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("The sample tasks by skill"))).to_contain_text("15 of 16 right")
    expect(page.get_by_role("heading", name=re.compile("^Suggested path: Outpatient and physician coding"))).to_be_visible()
    expect(page.get_by_role("heading", name="Your beginner's plan for the CPC")).to_be_visible()
    phases = page.locator("ol.phases > li h3")
    expect(phases.nth(0)).to_have_text(re.compile(r"^Foundations: weeks 1–\d+"))
    expect(phases.nth(1)).to_have_text(re.compile(r"^The code sets: weeks"))
    expect(phases.nth(2)).to_have_text(re.compile(r"^Exam practice: weeks"))
    terminology = page.get_by_role("link", name=re.compile("^Practise medical terminology"))
    assert re.search(r"/practice[^?]*\?exam=CPC&topic=medical-terminology", terminology.get_attribute("href"))
    expect(page.get_by_role("button", name="Take the knowledge check")).to_be_visible()
    expect(page.get_by_text("On a tight budget, self-study works")).to_be_visible()
    at_both_widths(page, axe_check)

    # ---- saving: one link to sign up, and the result is saved; no second button
    page.get_by_role("link", name="Sign up to save your result").click()
    expect(page).to_have_url(re.compile(r"/account/signup\?next=/careers/assessment/result"))
    page.get_by_label("E-mail address").fill("career.changer@example.org")
    page.get_by_label("Password", exact=True).fill("a sturdy password 42")
    page.get_by_label("Repeat the password").fill("a sturdy password 42")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/careers/assessment/result$"))
    expect(page.get_by_text("Your career result is saved to your account.")).to_be_visible()
    expect(page.get_by_text("This is your saved result.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Save"))).to_have_count(0)
    at_both_widths(page, axe_check)

    page.get_by_role("link", name="open your saved result").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Your saved result of "))
    expect(page.get_by_text("The evidence suggests this field suits you.")).to_be_visible()
    at_both_widths(page, axe_check)

    page.goto("/")
    saved = page.get_by_role("region", name="Your saved result")
    expect(saved).to_contain_text("CPC")
    saved.get_by_role("link", name="Open your saved result and its plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Your saved result of "))
    assert page.js_errors == []


def test_without_a_finished_assessment_the_result_sends_you_to_start(page):
    page.goto("/careers/assessment/result")
    expect(page).to_have_url(re.compile(r"/careers/assessment$"))
    expect(page.get_by_text("Take the self-assessment to see a result.")).to_be_visible()
    assert page.js_errors == []
