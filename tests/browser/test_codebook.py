"""The code book panel beside a case in a real browser (issue 16): what a learner types in everyday
words finds the codes, with the lay term it used said; axe, and a 390 px phone."""

from playwright.sync_api import expect

from tests.support import no_horizontal_overflow, open_case_code_book


def test_heart_attack_in_the_panel_beside_a_case(page, live_app, axe_check, tmp_path):
    url = open_case_code_book(page, live_app, tmp_path / "bank", "finn@example.org")
    page.get_by_label("Search codes by words or code").fill("heart attack")
    results = page.locator(".panel-results")
    expect(results.locator(".synonym")).to_contain_text("heart attack")
    expect(results.locator(".synonym")).to_contain_text("acute myocardial infarction")
    expect(results.get_by_role("link", name="I21", exact=True)).to_be_visible()
    expect(results.get_by_role("list", name="I21 Acute myocardial infarction")).to_contain_text("I21.4")
    assert page.url == url  # the case stays where it is
    assert no_horizontal_overflow(page)
    axe_check(page)
    # a code of another set: said in the panel too
    page.get_by_label("Search codes by words or code").fill("99213")
    expect(results.locator(".notice")).to_contain_text("American Medical Association")
    assert no_horizontal_overflow(page)
    axe_check(page)
    assert page.js_errors == []


def test_code_book_pages_on_a_phone(page, axe_check):
    page.set_viewport_size({"width": 390, "height": 844})
    for url, says in (
        ("/codes?q=J1100", "Did you mean ICD-10-CM"),
        ("/codes?q=broken", "Everyday terms"),
        ("/codes/S72.21", "needs a 7th character"),
        ("/codes/99213", "American Medical Association"),
    ):
        page.goto(url)
        expect(page.locator("main")).to_contain_text(says)
        assert no_horizontal_overflow(page), url
        axe_check(page)
    page.goto("/codes/E11.22")
    page.get_by_role("link", name="N18.1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chronic kidney disease, stage 1")
    assert page.js_errors == []
