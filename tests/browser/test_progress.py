"""The progress dashboard in a real browser: figures, charts with text alternatives, axe."""

from datetime import datetime, timezone

from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user
from tests.learning_bank import write_learning_bank
from tests.support import no_horizontal_overflow


def test_dashboard_after_some_practice(page, live_app, axe_check, tmp_path):
    from study.services import attempts, bank, practice

    with live_app.app_context():
        bank.import_bank(write_learning_bank(tmp_path / "bank"))
        user = make_user(email="dana@example.org")
        now = datetime.now(timezone.utc)
        attempt = practice.start_practice(user, practice.PracticeChoice("CPC", ["icd-10-cm"], None, 6, "all"), now)
        for ai in attempt.items:
            item = attempts.version_item(ai)
            practice.answer(user, attempt.id, ai.position, attempts.to_shown(ai, item, list(item.answer)), 30, now)
    page.goto("/account/signin")
    page.get_by_label("E-mail address").fill("dana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Progress").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your progress for the CPC")
    row = page.get_by_role("row", name="ICD-10-CM")
    expect(row).to_contain_text("100")
    expect(page.get_by_role("img", name="Accuracy by section, CPC")).to_be_visible()
    expect(page.get_by_role("img", name="Practice accuracy per week")).to_be_visible()
    expect(page.get_by_text("graded answers behind these figures")).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 360, "height": 740})
    assert no_horizontal_overflow(page)
    assert page.js_errors == []


def test_code_book_panel_beside_a_case(page, live_app, axe_check, tmp_path):
    from study.services import bank

    with live_app.app_context():
        bank.import_bank(write_learning_bank(tmp_path / "bank"))
        make_user(email="eve@example.org")
    page.goto("/account/signin")
    page.get_by_label("E-mail address").fill("eve@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/cases")
    page.get_by_role("link", name="Code this case").first.click()
    url = page.url
    page.get_by_text("Code book (ICD-10-CM lookup)").click()
    page.get_by_label("Search codes by words or code").fill("diab nephrop")
    expect(page.locator(".panel-results")).to_contain_text("E11.21")
    assert page.url == url  # the case stays where it is
    expect(page.get_by_role("heading", name="Documentation")).to_be_visible()
    axe_check(page)
