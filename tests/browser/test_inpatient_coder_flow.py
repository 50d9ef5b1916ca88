"""Issue 16's whole flow, as an inpatient coder works: on a real inpatient case, look a lay term up
in the code book panel beside the case ("heart attack"), open an ICD-10-PCS table from the panel
and build a code in it, then grade the case and see the MS-DRG comparison. Axe on each page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_drg_feedback import learner  # noqa: F401 - the fixture: case-ip-009 and a learner
from tests.browser.test_learning import FAST
from tests.support import sign_in_page


def test_lay_term_lookup_pcs_table_and_drg_feedback_beside_one_case(page, axe_check, learner):  # noqa: F811
    page.set_default_timeout(FAST)
    sign_in_page(page, "cleo@example.org")
    page.goto("/cases")
    page.get_by_role("link", name=re.compile(r"^Code this case\s*: Acute on chronic diastolic heart failure")).click()
    page.get_by_text("Code book (ICD-10-CM lookup)").click()
    search = page.get_by_label("Search codes by words or code")
    results = page.locator(".panel-results")

    search.fill("heart attack")
    expect(results).to_contain_text("acute myocardial infarction")
    expect(results).to_contain_text("I21")
    axe_check(page)

    search.fill("0DTJ4ZZ")
    expect(results).to_contain_text("Resection of Appendix, Percutaneous Endoscopic Approach")
    with page.context.expect_page() as opened:
        results.get_by_role("link", name="Open ICD-10-PCS table 0DT").click()
    table = opened.value
    table.set_default_timeout(FAST)
    table.get_by_role("link", name="Start again").click()
    built = table.locator("[data-pcs-result]")
    table.get_by_label("4. Body Part").select_option("J")
    table.get_by_label("5. Approach").select_option("0")
    table.get_by_label("6. Device").select_option("Z")
    expect(built).not_to_contain_text("Valid for reporting")
    table.get_by_label("7. Qualifier").select_option("Z")
    expect(built.locator("[data-pcs-code]")).to_have_text("0DTJ0ZZ")
    expect(built).to_contain_text("Valid for reporting")
    axe_check(table)
    table.close()

    for i, code in enumerate(["I13.0", "E11.22", "N18.32", "Z79.4", "E78.5"], start=1):
        page.get_by_label(f"Diagnosis {i}", exact=True).fill(code)
    page.get_by_role("button", name="Grade my answer").click()
    page.locator("[data-grade-dialog]").get_by_role("button", name="Grade now").click()
    drg = page.locator("[data-drg]")
    expect(drg).to_contain_text("The key groups to")
    expect(drg.locator(".drg-reasons")).to_contain_text("I50.33")
    axe_check(page)
    assert page.js_errors == []
