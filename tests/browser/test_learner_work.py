"""One learner's work in a real browser (issue 17): a learner joins a cohort agreeing to share
their progress, the instructor opens their work from the cohort dashboard (names and scores link
there) and one attempt's read-only review; the dashboard, with many assignments, never scrolls
sideways at 1280 px nor at 390 px (wide tables scroll inside their labelled region); the learner
sees "your report was answered" on their home page until they open the item. axe on every page."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.factories import make_user
from tests.learning_bank import write_learning_bank
from tests.support import no_horizontal_overflow, sign_in_page

FAST = 5_000
WIDE, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}


def _fits(page) -> None:
    """The page does not scroll sideways at 1280 px nor at 390 px (back to 1280 after)."""
    for size in (WIDE, PHONE):
        page.set_viewport_size(size)
        assert no_horizontal_overflow(page), f"{page.url} scrolls sideways at {size['width']} px"
    page.set_viewport_size(WIDE)


def test_open_a_learners_work_from_the_cohort_dashboard_and_the_report_answered(page, live_app, axe_check, tmp_path):
    from study.extensions import db
    from study.models import Assignment, Cohort, User
    from study.services import assignments, attempts, cohorts, practice, reports

    now = datetime.now(timezone.utc)
    with live_app.app_context():
        from study.services import bank

        bank.import_bank(write_learning_bank(tmp_path / "bank"))
        tess = make_user("instructor", email="tess@example.org", display_name="Tess")
        make_user(email="lee@example.org", display_name="Lee Learner-Longname")
        cohort = cohorts.create_cohort(tess, "Evening CPC", "CPC")
        code = cohort.join_code
        # many assignments with long titles: a wide results table
        for n in range(8):
            assignments.create_assignment(
                tess,
                cohort.id,
                assignments.AssignmentSpec(
                    "practice",
                    f"Week {n + 1}: evaluation and management drill with modifiers",
                    now - timedelta(hours=1),
                    now + timedelta(days=2),
                    items=["learn-icd-001", "learn-icd-002"],
                    feedback="each",
                ),
            )

    # the learner joins, agreeing to share their general progress
    page.set_viewport_size(WIDE)
    sign_in_page(page, "lee@example.org")
    page.goto("/cohorts/join")
    page.get_by_label("Join code").fill(code)
    expect(page.get_by_label("Also let this cohort's instructor see my general progress")).not_to_be_checked()
    page.get_by_label("Also let this cohort's instructor see my general progress").check()
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assignments", timeout=FAST)
    page.goto("/cohorts/join")
    expect(page.get_by_role("region", name="Your cohorts")).to_contain_text("the instructor sees your general progress")
    axe_check(page)
    page.get_by_role("button", name="Sign out").click()

    with live_app.app_context():
        lee = db.session.scalar(sa.select(User).where(User.email == "lee@example.org"))
        tess = db.session.scalar(sa.select(User).where(User.email == "tess@example.org"))
        first = db.session.scalar(sa.select(Assignment).where(Assignment.title.like("Week 1:%")))
        attempt = assignments.start_assignment(lee, first.id, now)
        for ai in attempt.items:
            item = attempts.version_item(ai)
            practice.answer(lee, attempt.id, ai.position, attempts.to_shown(ai, item, list(item.answer)), 30, now)
        attempt_id, ai_id, position = attempt.id, attempt.items[0].id, attempt.items[0].position
        key = attempts.version_item(attempt.items[0]).id
        report = attempts.report_problem(lee, key, "unclear", "Which code comes first?", ai_id)
        reports.resolve_report(tess, report.id, "replied", "Sequence the etiology first, then the manifestation.", now)
        cohort_id = db.session.scalar(sa.select(Cohort.id).where(Cohort.name == "Evening CPC"))

    # the instructor: the dashboard fits at 1280 and 390 px; the learner's name opens their work
    sign_in_page(page, "tess@example.org")
    page.goto(f"/teach/cohorts/{cohort_id}")
    results = page.get_by_role("region", name="Results by learner (scrolls sideways when wide)")
    expect(results).to_be_visible(timeout=FAST)
    for size in (WIDE, PHONE):  # the table is wider than the screen: it scrolls in its region, not the page
        page.set_viewport_size(size)
        assert results.evaluate("e => e.scrollWidth > e.clientWidth")
    _fits(page)
    axe_check(page)
    week1 = "Week 1: evaluation and management drill with modifiers"
    expect(results.get_by_role("link", name=f"Lee Learner-Longname: 100.0% on {week1}")).to_be_visible()
    results.get_by_role("link", name="Lee Learner-Longname", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lee Learner-Longname's work in Evening CPC", timeout=FAST)
    expect(page.locator("#scope")).to_contain_text("agreed to share their general progress")
    expect(page.get_by_role("heading", name="Mastery by section")).to_be_visible()
    _fits(page)
    axe_check(page)
    page.get_by_role("link", name=f"Lee Learner-Longname, {week1}: attempt 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lee Learner-Longname: practice", timeout=FAST)
    expect(page.locator(".exam-review > li")).to_have_count(2)
    expect(page.locator(".exam-review").get_by_text("Their choice").first).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)  # read-only
    _fits(page)
    axe_check(page)
    page.get_by_role("button", name="Sign out").click()

    # the learner: "your report was answered" with the answer and a link, until opened
    sign_in_page(page, "lee@example.org")
    notices = page.get_by_role("region", name="Your report answered")
    expect(notices).to_contain_text("Your report was answered")
    expect(notices).to_contain_text("Sequence the etiology first, then the manifestation.")
    _fits(page)
    axe_check(page)
    notices.get_by_role("link", name=f"Open {key} where you answered it").click()
    page.wait_for_url(f"**/practice/{attempt_id}/q/{position}", timeout=FAST)
    page.goto("/")
    expect(page.get_by_text("Welcome back")).to_be_visible(timeout=FAST)
    expect(page.get_by_text("Your report was answered")).to_have_count(0)
    assert page.js_errors == []
