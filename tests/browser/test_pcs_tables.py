"""ICD-10-PCS tables in a real browser (issue 16): open table 0DT from the code book, build a code by
choosing values (the later choices narrow to valid ones and the code's validity shows at once),
the same without JavaScript; axe, and a 390 px phone."""

from playwright.sync_api import expect

from tests.support import no_horizontal_overflow, open_case_code_book


def test_build_a_code_in_table_0dt_from_the_code_book(page, axe_check):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/codes?q=0DTJ3ZZ")
    expect(page.locator("main .notice")).to_contain_text("is not a valid FY2026 ICD-10-PCS code")
    page.get_by_role("link", name="Open ICD-10-PCS table 0DT").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("0DT Resection")
    assert no_horizontal_overflow(page)
    axe_check(page)
    result = page.locator("[data-pcs-result]")
    # the address chose J, 3, Z, Z (approach 3 is not in this table, so it was dropped): start again
    expect(page.get_by_label("4. Body Part")).to_have_value("J")
    page.get_by_role("link", name="Start again").click()
    expect(result.locator("[data-pcs-code]")).to_have_text("0DT____")
    page.get_by_label("4. Body Part").select_option("J")
    expect(result.locator("[data-pcs-code]")).to_have_text("0DTJ___")
    expect(page.get_by_label("5. Approach").locator('option[value="F"]')).to_be_disabled()
    page.get_by_label("5. Approach").select_option("4")
    page.get_by_label("6. Device").select_option("Z")
    expect(result).not_to_contain_text("Valid for reporting")
    page.get_by_label("7. Qualifier").select_option("Z")
    expect(result).to_contain_text("Valid for reporting")
    expect(result).to_contain_text("Resection of Appendix, Percutaneous Endoscopic Approach")
    expect(result.locator("[data-pcs-code]")).to_have_text("0DTJ4ZZ")
    assert no_horizontal_overflow(page)
    axe_check(page)
    result.get_by_role("link", name="0DTJ4ZZ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Resection of Appendix")
    assert page.js_errors == []


def test_the_builder_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/codes/pcs/0DT")
        page.get_by_label("4. Body Part").select_option("J")
        page.get_by_role("button", name="Show the code").click()
        expect(page.locator("[data-pcs-code]")).to_have_text("0DTJ___")
        expect(page.get_by_label("5. Approach").locator('option[value="F"]')).to_contain_text("not with the other choices")
        page.get_by_label("5. Approach").select_option("0")
        page.get_by_label("6. Device").select_option("Z")
        page.get_by_label("7. Qualifier").select_option("Z")
        page.get_by_role("button", name="Show the code").click()
        expect(page.locator("[data-pcs-result]")).to_contain_text("Resection of Appendix, Open Approach")
        assert no_horizontal_overflow(page)
    finally:
        context.close()


def test_a_pcs_table_opens_from_the_panel_beside_a_case(page, live_app, axe_check, tmp_path):
    open_case_code_book(page, live_app, tmp_path / "bank", "pia@example.org")
    page.get_by_label("Search codes by words or code").fill("0DTJ4ZZ")
    results = page.locator(".panel-results")
    expect(results).to_contain_text("Resection of Appendix, Percutaneous Endoscopic Approach")
    with page.context.expect_page() as opened:
        results.get_by_role("link", name="Open ICD-10-PCS table 0DT").click()
    table = opened.value
    expect(table.locator("[data-pcs-result]")).to_contain_text("Valid for reporting")
    assert no_horizontal_overflow(page)
    axe_check(page)
