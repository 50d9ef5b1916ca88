"""Cohorts in a real browser: an instructor creates a cohort and an assignment (a bad date shows
the field's error), a learner joins with the code and starts the assignment from the home page's
link, the instructor's dashboard shows the heatmap and the results. axe on every page."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.factories import make_user
from tests.learning_bank import write_learning_bank
from tests.support import no_horizontal_overflow, sign_in_page

FAST = 5_000


def test_cohort_from_creation_to_a_learners_result(page, live_app, axe_check, tmp_path):
    from study.extensions import db
    from study.models import Cohort
    from study.services import bank

    with live_app.app_context():
        bank.import_bank(write_learning_bank(tmp_path / "bank"))
        make_user("instructor", email="tess@example.org", display_name="Tess")
        make_user(email="lee@example.org", display_name="Lee")
    now = datetime.now(timezone.utc)

    # the instructor: a cohort, then an assignment (a bad date first)
    sign_in_page(page, "tess@example.org")
    page.goto("/teach/cohorts")
    axe_check(page)
    page.get_by_label("Cohort name").fill("Evening CPC")
    page.get_by_label("Exam the class prepares for").select_option("CPC")
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evening CPC", timeout=FAST)
    with live_app.app_context():
        code = db.session.scalar(sa.select(Cohort.join_code).where(Cohort.name == "Evening CPC"))
    expect(page.locator(".join-code")).to_have_text(code)
    axe_check(page)
    page.get_by_role("link", name="New assignment").click()
    page.get_by_label("Title").fill("Week 1 drill")
    page.get_by_label("Add items by id").fill("learn-icd-001 learn-icd-002")
    page.get_by_label("Opens (UTC)").fill((now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Due (UTC)").fill((now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Create assignment").click()
    expect(page.locator("#due_at-error")).to_contain_text("The due date must be after the opening date.", timeout=FAST)
    expect(page.get_by_label("Due (UTC)")).to_have_attribute("aria-invalid", "true")
    axe_check(page)
    page.get_by_label("Due (UTC)").fill((now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    expect(page.get_by_label("Attempts allowed")).to_have_value("1")
    page.get_by_label("After the due date").check()
    page.get_by_role("button", name="Create assignment").click()
    expect(page.get_by_role("row", name="Week 1 drill")).to_contain_text("2 chosen questions", timeout=FAST)
    page.get_by_role("button", name="Sign out").click()

    # the learner: a wrong code, the right one, then the assignment
    sign_in_page(page, "lee@example.org")
    page.get_by_role("link", name="Join a cohort").click()
    page.get_by_label("Join code").fill("WRONG123")
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#code-error")).to_contain_text("No cohort has this join code", timeout=FAST)
    axe_check(page)
    page.get_by_label("Join code").fill(code.lower())
    page.get_by_label("Also let this cohort's instructor see my general progress").check()  # the heatmap shows Lee
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assignments", timeout=FAST)
    axe_check(page)
    page.goto("/")
    expect(page.get_by_role("region", name="Open assignments")).to_contain_text("Week 1 drill")
    page.get_by_role("link", name="All your assignments").click()
    page.get_by_role("button", name="Start: Week 1 drill").click()
    for _ in range(2):
        expect(page.locator("form .option").first).to_be_visible(timeout=FAST)
        page.locator("form .option input").first.check()
        page.get_by_role("button", name="Check answer").click()
        expect(page.get_by_role("status")).to_contain_text("Answer recorded", timeout=FAST)  # no key before the due date
        expect(page.locator(".rationale")).to_have_count(0)
        nxt = page.get_by_role("link", name="Next question")
        if nxt.count():
            nxt.click()
    page.goto("/assignments")
    expect(page.get_by_role("region", name="Done")).to_contain_text("Week 1 drill", timeout=FAST)
    axe_check(page)
    page.get_by_role("button", name="Sign out").click()

    # a second learner with enough answers for a coloured heatmap cell
    with live_app.app_context():
        from study.services import attempts, cohorts, practice

        max_ = make_user(email="max@example.org", display_name="Max")
        cohorts.join_cohort(max_, code, share_progress=True)
        attempt = practice.start_practice(max_, practice.PracticeChoice("CPC", ["icd-10-cm"], None, 8, "all"), now)
        for ai in attempt.items:
            item = attempts.version_item(ai)
            practice.answer(max_, attempt.id, ai.position, attempts.to_shown(ai, item, list(item.answer)), 30, now)

    # the instructor's dashboard
    sign_in_page(page, "tess@example.org")
    page.goto("/teach/cohorts")
    page.get_by_role("link", name="Evening CPC").click()
    completion = page.get_by_role("table", name="Completion and mean score per assignment")
    expect(completion.get_by_role("row", name="Week 1 drill")).to_contain_text("1 of 2", timeout=FAST)
    expect(page.get_by_role("table", name="Status and score of each learner")).to_contain_text("Lee")
    expect(page.get_by_role("table", name="Status and score of each learner")).to_contain_text("attempt 1")
    heatmap = page.get_by_role("table", name="Recency-weighted accuracy")
    expect(heatmap.get_by_role("row", name="Lee")).to_contain_text("2 answers")
    expect(heatmap.get_by_role("row", name="Max").locator("td.heat-high")).to_contain_text("100")
    expect(page.get_by_role("table", name="Readiness: learners per verdict")).to_be_visible()
    page.get_by_label("Extra time for Lee", exact=True).fill("5")
    page.get_by_role("button", name="Save extra time for Lee").click()
    expect(page.locator(".has-error .error")).to_contain_text("between 1.0 and 3.0", timeout=FAST)
    axe_check(page)
    page.get_by_label("Extra time for Lee", exact=True).fill("1.25")
    page.get_by_role("button", name="Save extra time for Lee").click()
    expect(page.get_by_label("Extra time for Lee", exact=True)).to_have_value("1.25", timeout=FAST)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download results (CSV)").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert "Lee" in text and "Week 1 drill" in text

    # the audit log: the instructor's (their cohort's entries), then the admin's, axe and 390 px each
    page.goto("/teach/")
    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("tr", has_text="Extra time set")).to_contain_text("1.0 → 1.25", timeout=FAST)
    expect(page.locator("tr", has_text="Cohort created")).to_contain_text("Evening CPC")
    axe_check(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_horizontal_overflow(page)
    page.get_by_role("button", name="Sign out").click()
    with live_app.app_context():
        make_user("admin", email="ada@example.org")
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_page(page, "ada@example.org")
    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Action").select_option("assignment.created")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("table")).to_contain_text("Week 1 drill", timeout=FAST)
    expect(page.get_by_role("table")).not_to_contain_text("Extra time set")
    axe_check(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_horizontal_overflow(page)
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.js_errors == []
