"""MS-DRG feedback in a real browser: a learner grades the real inpatient case case-ip-009 with
its MCC (I50.33) left out and sees the MS-DRG their codes group to beside the key's, with the
reason; axe on the result, and at 390 px without horizontal scrolling."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_learning import FAST
from tests.factories import make_user
from tests.support import no_horizontal_overflow, sign_in_page

BANK = Path(__file__).resolve().parents[2] / "question_bank"
CASE = BANK / "cases" / "inpatient" / "icd-10-cm" / "case-ip-009.md"


@pytest.fixture
def learner(live_app, tmp_path):
    if not CASE.is_file():
        pytest.skip(f"the real bank's {CASE.name} is absent")
    from study.services import bank

    root = tmp_path / "bank"
    (root / "cases" / "inpatient").mkdir(parents=True)
    shutil.copy(CASE, root / "cases" / "inpatient" / CASE.name)
    shutil.copytree(BANK / "blueprints", root / "blueprints")
    shutil.copy(BANK / "topics.yaml", root / "topics.yaml")
    with live_app.app_context():
        bank.import_bank(root)
        make_user("learner", email="cleo@example.org")


def test_grading_with_an_mcc_left_out_shows_the_drg_comparison(page, browser, live_server, axe_check, learner):
    page.set_default_timeout(FAST)
    sign_in_page(page, "cleo@example.org")
    page.goto("/cases")
    page.get_by_role("link", name=re.compile(r"^Code this case\s*: Acute on chronic diastolic heart failure")).click()
    expect(page.locator("[data-drg]")).to_have_count(0)  # nothing of the MS-DRG before grading
    for i, code in enumerate(["I13.0", "E11.22", "N18.32", "Z79.4", "E78.5"], start=1):
        page.get_by_label(f"Diagnosis {i}", exact=True).fill(code)
    page.get_by_role("button", name="Grade my answer").click()
    dialog = page.locator("[data-grade-dialog]")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Grade now").click()
    expect(page.get_by_role("heading", name="Your result")).to_be_visible(timeout=FAST)
    drg = page.locator("[data-drg]")
    expect(drg.get_by_role("heading", name="MS-DRG: your codes and the key's")).to_be_visible()
    expect(drg).to_contain_text("The key groups to")
    expect(drg).to_contain_text("291 Heart Failure and Shock with MCC")
    expect(drg.locator(".drg-reasons")).to_contain_text("I50.33")
    expect(drg.locator(".drg-reasons")).to_contain_text("is missing from your codes")
    expect(drg.locator(".drg-reasons")).to_contain_text("vs 1.2838 (the key's)")
    axe_check(page)
    url = page.url
    phone = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    try:
        small = phone.new_page()
        sign_in_page(small, "cleo@example.org")
        small.goto(url)
        expect(small.locator("[data-drg]")).to_contain_text("291 Heart Failure and Shock with MCC")
        assert no_horizontal_overflow(small)
        axe_check(small)
    finally:
        phone.close()
    assert page.js_errors == []
