"""Sign up, sign out, sign in and change password in a real browser, with axe on every page."""

import re

from playwright.sync_api import expect

from tests.support import no_horizontal_overflow


def test_sign_up_sign_out_sign_in(page, axe_check):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("CPC, CPB, CCS and CCS-P")
    axe_check(page)

    page.get_by_role("link", name="Sign up").first.click()
    expect(page).to_have_url(re.compile(r"/account/signup"))
    axe_check(page)
    # a bad form first: the field says what is wrong
    page.get_by_label("E-mail address").fill("maria@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat the password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#password-error")).to_contain_text("at least 10 characters")
    axe_check(page)

    page.get_by_label("Password", exact=True).fill("a sturdy password 42")
    page.get_by_label("Repeat the password").fill("a sturdy password 42")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account is ready")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out")).to_be_visible()

    page.get_by_role("link", name="Sign in").first.click()
    axe_check(page)
    page.get_by_label("E-mail address").fill("maria@example.org")
    page.get_by_label("Password").fill("wrong password here")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#password-error")).to_contain_text("not right")
    page.get_by_label("Password").fill("a sturdy password 42")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Welcome back")).to_be_visible()

    page.get_by_role("link", name="maria").click()
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    axe_check(page)
    assert page.js_errors == []


def test_keyboard_skip_link_and_narrow_screen(page, axe_check):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#content$"))
    # nothing wider than the screen
    assert no_horizontal_overflow(page)
    axe_check(page)


def test_error_page_is_friendly_and_accessible(page, axe_check):
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe_check(page)
