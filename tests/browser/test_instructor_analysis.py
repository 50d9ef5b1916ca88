"""Item analysis pages in Chromium: axe-clean, no CSP errors, no sideways scrolling."""

from __future__ import annotations

import pytest

from study.services import bank
from tests.factories import make_cohort, make_user
from tests.learning_bank import write_learning_bank
from tests.services.test_item_analysis import FIVE_BY_FOUR, exam_attempt, mcqs
from tests.support import no_horizontal_overflow


@pytest.mark.browser
def test_analysis_pages_in_a_browser_pass_axe_and_the_csp(page, live_app, axe_check, tmp_path):
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    with live_app.app_context():
        bank.import_bank(write_learning_bank(tmp_path / "bank"))
        owner = make_user("instructor", email="teach@example.org")
        learners = [make_user() for _ in FIVE_BY_FOUR]
        make_cohort(owner, learners)
        items = mcqs()
        for learner, marks in zip(learners, FIVE_BY_FOUR, strict=False):
            exam_attempt(learner, items, marks)
        first_key = items[0].key
    page.goto("/account/signin")
    page.get_by_label("E-mail address").fill("teach@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/teach/")
    page.get_by_role("link", name="Item analysis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Item analysis")
    expect(page.get_by_role("table", name="Test statistics per exam")).to_contain_text("20.5%")
    axe_check(page)
    page.get_by_role("link", name="CPC", exact=True).click()
    expect(page.get_by_role("row", name=first_key)).to_contain_text("37.5")
    axe_check(page)
    page.get_by_role("link", name=first_key).click()
    expect(page.get_by_role("table", name="Choices, option by option")).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 360, "height": 740})
    assert no_horizontal_overflow(page)
    assert page.js_errors == []


@pytest.mark.browser
def test_a_wrong_key_shows_at_the_top_of_the_item_page_and_in_the_item_list(page, live_app, axe_check, tmp_path):
    from playwright.sync_api import expect

    from study.extensions import db
    from tests.factories import PASSWORD
    from tests.services.test_item_analysis_signals import plant_miskeyed_mcq

    with live_app.app_context():
        bank.import_bank(write_learning_bank(tmp_path / "bank"))
        owner = make_user("instructor", email="teach@example.org")
        _, suspect = plant_miskeyed_mcq(owner)  # 24 learners: above the site's minimum of 20
        suspect.origin, suspect.author_id = "web", owner.id
        db.session.commit()
        suspect_id, suspect_key = suspect.id, suspect.key
    page.goto("/account/signin")
    page.get_by_label("E-mail address").fill("teach@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/teach/items")
    badge = page.get_by_role("link", name="Possible wrong key (CPC)")
    expect(badge).to_be_visible()
    axe_check(page)
    badge.click()
    page.wait_for_url(f"**/teach/analysis/exam/CPC/item/{suspect_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(suspect_key)
    notice = page.get_by_role("note")
    expect(notice.get_by_role("heading", name="Possible wrong key")).to_be_visible()
    expect(notice).to_contain_text("12 of the 12 strongest learners chose B, 0 chose the key C.")
    # at the top: right under the heading, above the stem and the figures
    heading_box = page.get_by_role("heading", level=1).bounding_box()
    notice_box = notice.bounding_box()
    stem_box = page.locator(".stem").bounding_box()
    assert heading_box["y"] < notice_box["y"] < stem_box["y"]
    axe_check(page)
    page.set_viewport_size({"width": 390, "height": 740})
    assert no_horizontal_overflow(page)
    assert page.js_errors == []
