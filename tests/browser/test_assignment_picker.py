"""Assignments in a real browser (issue 17): an instructor builds a set with the item picker
(search, preview, add, reorder, remove) and no typed ids; a 20-question timed assignment with 1.5x
extra time for one learner shows that learner the extended limit on their list and their clock.
axe on every page, no sideways scroll at 390 px."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.factories import make_mcqs, make_user
from tests.learning_bank import write_learning_bank
from tests.support import no_horizontal_overflow, sign_in_page

FAST = 5_000


def _setup(live_app, tmp_path, *learners):
    from study.services import bank, cohorts

    with live_app.app_context():
        bank.import_bank(write_learning_bank(tmp_path / "bank"))
        teacher = make_user("instructor", email="tess@example.org", display_name="Tess")
        cohort = cohorts.create_cohort(teacher, "Evening CPC", "CPC")
        for email, name in learners:
            cohorts.join_cohort(make_user(email=email, display_name=name), cohort.join_code)
        return cohort.id


def _due(page, when: datetime, zone: str = "UTC") -> None:
    page.get_by_label(f"Due ({zone})").fill(when.strftime("%Y-%m-%dT%H:%M"))


def _summary_row(page, title: str):
    """The assignment's row in the cohort page's table of assignments."""
    return page.get_by_role("table", name="Completion and mean score per assignment").get_by_role("row", name=re.compile(f"^{title}"))


def test_an_assignment_built_with_the_picker(page, live_app, axe_check, tmp_path):
    from study.extensions import db
    from study.models import Assignment

    cohort_id = _setup(live_app, tmp_path)
    sign_in_page(page, "tess@example.org")
    # the instructor's time zone: dates are entered and shown in it
    page.goto(f"/teach/cohorts/{cohort_id}")
    page.get_by_role("link", name="change your time zone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Time zone", timeout=FAST)
    axe_check(page)
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_role("button", name="Save time zone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evening CPC", timeout=FAST)  # back where it was changed
    page.get_by_role("link", name="New assignment").click()
    expect(page.get_by_text("No items chosen yet.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Title", exact=True).fill("Picked drill")
    # opens defaults to now, on the instructor's clock
    local_now = datetime.now(ZoneInfo("America/New_York"))
    opens = datetime.strptime(page.get_by_label("Opens (America/New_York)").input_value(), "%Y-%m-%dT%H:%M")
    assert abs(opens - local_now.replace(tzinfo=None)) < timedelta(minutes=2)

    page.evaluate("window.samePage = true")  # the picker's script updates the page in place
    page.get_by_label("Search the bank").fill("hypertension")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="1 published item found")).to_be_visible(timeout=FAST)
    page.get_by_role("button", name="Preview learn-icd-001").click()
    preview = page.get_by_role("region", name="Preview: learn-icd-001")
    expect(preview).to_contain_text("essential (primary) hypertension", timeout=FAST)
    axe_check(page)
    preview.get_by_role("button", name="Add learn-icd-001").click()
    chosen = page.get_by_role("region", name=re.compile("^Chosen: "))
    expect(chosen).to_contain_text("learn-icd-001", timeout=FAST)
    # the title typed before is still there: the form is the draft
    expect(page.get_by_label("Title", exact=True)).to_have_value("Picked drill")

    page.get_by_label("Search the bank").fill("")
    page.get_by_label("Type").select_option("mcq")
    page.get_by_label("Difficulty", exact=True).select_option("easy")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"\d+ published items found"))).to_be_visible(timeout=FAST)
    for key in ("learn-icd-004", "learn-icd-006"):
        page.get_by_role("button", name=f"Add {key}").click()
        expect(chosen).to_contain_text(key, timeout=FAST)
    page.get_by_role("button", name="Move learn-icd-006 up").click()
    expect(chosen.locator("li strong")).to_have_text(["learn-icd-001", "learn-icd-006", "learn-icd-004"], timeout=FAST)
    page.get_by_role("button", name="Remove learn-icd-001").click()
    expect(chosen.locator("li strong")).to_have_text(["learn-icd-006", "learn-icd-004"], timeout=FAST)
    expect(page.get_by_role("heading", name="Chosen: 2 items")).to_be_visible()
    expect(page.get_by_role("heading", name="Chosen: 2 items")).to_be_focused()
    assert page.evaluate("window.samePage") is True and page.js_errors == []
    axe_check(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_horizontal_overflow(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert no_horizontal_overflow(page)

    due = (datetime.now(timezone.utc) + timedelta(days=3)).replace(second=0, microsecond=0)
    _due(page, due.astimezone(ZoneInfo("America/New_York")), "America/New_York")
    page.get_by_role("button", name="Create assignment").click()
    summary = _summary_row(page, "Picked drill")
    expect(summary).to_contain_text("2 chosen questions", timeout=FAST)
    expect(summary.locator(f'time[datetime="{due:%Y-%m-%dT%H:%M:00Z}"]')).to_have_text(
        re.compile(rf"^{due.astimezone(ZoneInfo('America/New_York')):%Y-%m-%d %H:%M} E[SD]T$")
    )
    # the join link next to the code
    expect(page.locator("a.join-link")).to_have_attribute("href", re.compile(r"/cohorts/join\?code=[A-Z0-9]{8}$"))
    axe_check(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_horizontal_overflow(page)
    with live_app.app_context():
        assignment = db.session.scalar(sa.select(Assignment).where(Assignment.title == "Picked drill"))
        assert assignment.config == {"items": ["learn-icd-006", "learn-icd-004"]}
        assert assignment.due_at == due


def test_a_twenty_item_timed_assignment_with_extra_time_for_one_learner(page, live_app, axe_check, tmp_path):
    cohort_id = _setup(live_app, tmp_path, ("lee@example.org", "Lee"), ("max@example.org", "Max"))
    with live_app.app_context():
        make_mcqs(20)  # with the learning bank's nine: 29 ICD-10-CM questions

    sign_in_page(page, "tess@example.org")
    page.goto(f"/teach/cohorts/{cohort_id}")
    page.get_by_label("Extra time for Lee", exact=True).fill("1.5")
    page.get_by_role("button", name="Save extra time for Lee").click()
    expect(page.get_by_label("Extra time for Lee", exact=True)).to_have_value("1.50", timeout=FAST)
    page.get_by_role("link", name="New assignment").click()
    page.get_by_label("Title", exact=True).fill("Timed twenty")
    page.get_by_role("group", name="Practice rule").get_by_text("Topics (none ticked means all)").click()
    page.get_by_label("ICD-10-CM diagnosis coding", exact=True).check()
    page.get_by_label("Number of questions").fill("20")
    page.get_by_label("Time limit (minutes)").fill("30")
    _due(page, datetime.now(timezone.utc) + timedelta(days=3))
    page.get_by_role("button", name="Create assignment").click()
    summary = _summary_row(page, "Timed twenty")
    expect(summary).to_contain_text("20 questions", timeout=FAST)
    expect(summary).to_contain_text("timed, 30 minutes")
    page.get_by_role("button", name="Sign out").click()

    # Lee: 1.5 x 30 = 45 minutes, on the list and on the clock
    sign_in_page(page, "lee@example.org")
    page.goto("/assignments")
    row = page.get_by_role("row", name=re.compile("Timed twenty"))
    expect(row).to_contain_text("Your time limit: 45 minutes")
    axe_check(page)
    row.get_by_role("button", name="Start: Timed twenty").click()
    expect(page.get_by_role("heading", name="Question 1 of 20")).to_be_visible(timeout=FAST)
    expect(page.locator("[data-time-display]")).to_have_text(re.compile(r"^0:4[45]:\d\d$"))
    seconds = int(page.locator("[data-exam-timer]").get_attribute("data-seconds-left"))
    assert 2690 <= seconds <= 2700
    axe_check(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_horizontal_overflow(page)
    page.set_viewport_size({"width": 1200, "height": 900})
    # exam mode: the set's title in the exam header, and no site navigation or sign-out to leave by accident
    expect(page.get_by_role("banner")).to_contain_text("Timed twenty")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto("/")
    page.get_by_role("button", name="Sign out").click()

    # Max, without extra time: 30 minutes
    sign_in_page(page, "max@example.org")
    page.goto("/assignments")
    row = page.get_by_role("row", name=re.compile("Timed twenty"))
    expect(row).to_contain_text("Your time limit: 30 minutes")
    row.get_by_role("button", name="Start: Timed twenty").click()
    expect(page.locator("[data-time-display]")).to_have_text(re.compile(r"^0:(29|30):\d\d$"), timeout=FAST)


def test_the_picker_works_without_javascript(browser, live_server, live_app, tmp_path):
    from study.extensions import db
    from study.models import Assignment

    cohort_id = _setup(live_app, tmp_path)
    context = browser.new_context(base_url=live_server, java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in_page(page, "tess@example.org")
        page.goto(f"/teach/cohorts/{cohort_id}/assignments/new")
        page.get_by_label("Title", exact=True).fill("No script")
        page.get_by_label("Search the bank").fill("diabetes")
        page.get_by_label("Search the bank").press("Enter")  # Enter searches: the form's first button
        expect(page.get_by_role("heading", name=re.compile(r"^\d+ published items? found$"))).to_be_visible(timeout=FAST)
        assert page.url.endswith("#picker-results")
        page.get_by_role("button", name="Add learn-icd-002").click()
        expect(page.get_by_role("heading", name="Chosen: 1 item")).to_be_visible(timeout=FAST)
        assert page.url.endswith("#chosen") and no_horizontal_overflow(page)
        expect(page.get_by_label("Title", exact=True)).to_have_value("No script")
        _due(page, datetime.now(timezone.utc) + timedelta(days=1))
        page.get_by_role("button", name="Create assignment").click()
        expect(_summary_row(page, "No script")).to_contain_text("1 chosen question", timeout=FAST)
    finally:
        context.close()
    with live_app.app_context():
        assert db.session.scalar(sa.select(Assignment.config_json).where(Assignment.title == "No script")) == '{"items": ["learn-icd-002"]}'
