"""Billing exercises in a real browser, with and without JavaScript, at 1280 and 390 px, axe clean:
fill a claim with two wrong boxes and get the two verdicts; work a remittance with one number wrong;
scrub a claim with one miss and one false alarm."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from study.bank.parser import parse_item_file
from study.billing import exercise
from study.billing.claim import form_values
from study.services import bank
from tests.factories import make_user
from tests.support import no_horizontal_overflow, sign_in_page, write_billing_bank

BILLING = Path(__file__).resolve().parents[2] / "question_bank" / "billing"
# one exercise of each type, with what the test does wrong
CLAIM, REMIT, SCRUB = "claim-0001", "remit-0001", "scrub-0001"


@pytest.fixture
def billing_site(live_app, tmp_path):
    target = tmp_path / "bank"
    write_billing_bank(live_app.config["QUESTION_BANK"], target, keys=(CLAIM, REMIT, SCRUB))
    with live_app.app_context():
        bank.import_bank(target)
        make_user("learner", email="bill@example.org")
    return {key: parse_item_file(next(BILLING.rglob(f"{key}.md")))[0] for key in (CLAIM, REMIT, SCRUB)}


def start(page, kind: str) -> None:
    page.goto(f"/practice?exam=CPB&kind={kind}")
    page.get_by_label("Number of questions").fill("1")
    page.get_by_role("button", name="Start practice").click()
    expect(page).to_have_url(re.compile(r"/practice/\d+/q/1$"))


def checker(javascript: bool, axe_check):
    """Axe and the width check (they run scripts in the page: only where JavaScript is on)."""

    def check(page) -> None:
        if javascript:
            assert no_horizontal_overflow(page), page.url
            axe_check(page)

    return check


@pytest.mark.parametrize("javascript, width", [(True, 1280), (True, 390), (False, 390)])
def test_claim_remittance_and_scrubber(browser, live_server, billing_site, axe_check, javascript, width):
    context = browser.new_context(base_url=live_server, java_script_enabled=javascript, viewport={"width": width, "height": 900})
    page = context.new_page()
    check = checker(javascript, axe_check)
    try:
        sign_in_page(page, "bill@example.org")

        # ---- a claim with two wrong boxes: box 1 and line 1's units
        start(page, "claim")
        expect(page.get_by_role("heading", name=re.compile("^Claim form"))).to_be_visible()
        check(page)
        values = form_values(exercise.exercise_of(billing_site[CLAIM]).key)
        if javascript:  # formats are checked as the learner types: a mistyped NPI, an unknown place of service
            npi = values["billing_npi"]
            page.locator("#f-billing_npi").fill(npi[:-1] + str((int(npi[-1]) + 1) % 10))
            page.locator("#f-billing_npi").press("Tab")
            expect(page.locator("#f-billing_npi-live")).to_contain_text("check digit")
            page.locator("#f-lines-1-pos").fill("77")
            page.locator("#f-lines-1-pos").press("Tab")
            expect(page.locator("#f-lines-1-pos-live")).to_contain_text("places of service")
        values["insurance_type"] = "group"
        values["lines-1-units"] = "3"
        for name, value in values.items():
            if page.locator(f"select#f-{name}").count():
                page.locator(f"select#f-{name}").select_option(value)
            else:
                page.locator(f"input#f-{name}").fill(value)
        if javascript:
            expect(page.locator("#f-billing_npi-live")).to_be_hidden()  # corrected: the message goes
        page.get_by_role("button", name="Submit for grading").click()
        expect(page.get_by_role("heading", name=re.compile(r"^Score: \d"))).to_be_visible()
        report = page.get_by_role("table", name="Your answer, field by field")
        wrong = report.locator("tr.verdict-wrong")
        expect(wrong).to_have_count(2)
        expect(wrong.nth(0)).to_contain_text(re.compile("type of insurance", re.I))
        expect(wrong.nth(1)).to_contain_text(re.compile("units", re.I))
        check(page)

        # ---- a remittance with one number wrong
        start(page, "remittance")
        expect(page.get_by_role("table", name=re.compile("Remittance lines"))).to_be_visible()
        check(page)
        remit = exercise.exercise_of(billing_site[REMIT])
        for n, key in enumerate(remit.key, 1):
            page.get_by_label("Patient responsibility ($)").nth(n - 1).fill(f"{key.patient_responsibility:.2f}")
            page.get_by_label("Contractual write-off ($)").nth(n - 1).fill(f"{key.write_off + (5 if n == 1 else 0):.2f}")
            page.get_by_label("Next action").nth(n - 1).select_option(key.best_action)
            if key.evidence:
                page.get_by_label("Evidence for an appeal").nth(n - 1).select_option(key.evidence)
        page.get_by_role("button", name="Submit for grading").click()
        rows = page.get_by_role("table", name="Your answer, field by field").locator("tbody tr")
        expect(rows.filter(has_not=page.locator("td", has_text="Right"))).to_have_count(1)
        expect(page.locator("tr.verdict-wrong")).to_contain_text("Line 1: write off")
        check(page)

        # ---- a scrubber: the first planted error found, the others missed, one false alarm
        start(page, "scrubber")
        check(page)
        scrub = exercise.exercise_of(billing_site[SCRUB])
        first = scrub.errors[0]
        page.locator(f"[id='mark-{first.path}']").check()
        correction = first.corrections[0] if first.corrections else ""
        page.locator(f"[id='fix-{first.path}']").fill(" ".join(correction) if isinstance(correction, tuple) else str(correction))
        innocent = next(p for p in ("patient_sex", "relationship", "accept_assignment") if p not in {e.path for e in scrub.errors})
        page.locator(f"[id='mark-{innocent}']").check()
        page.get_by_role("button", name="Submit for grading").click()
        errors = page.get_by_role("table", name="The planted errors").locator("tbody tr")
        expect(errors).to_have_count(len(scrub.errors))
        expect(errors.nth(0)).not_to_contain_text("Missed")
        if len(scrub.errors) > 1:
            expect(errors.nth(1)).to_contain_text("Missed")
        expect(page.get_by_role("heading", name="False alarms")).to_be_visible()
        expect(page.locator("ul.false-alarms li")).to_have_count(1)
        check(page)
    finally:
        context.close()
