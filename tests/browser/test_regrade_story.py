"""An instructor regrades an item in the browser; the learner's practice page then tells one
story: the new key on the learner's choice, "Correct", and a note with the old key, the new key,
the date and the instructor's reason. axe on every page; the page holds at 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_attempt, make_user
from tests.learning_bank import write_learning_bank
from tests.support import no_horizontal_overflow, sign_in_page

REASON = "I11.9 was the keyed answer all along; the key said A by mistake."


@pytest.fixture
def bank_root(tmp_path):
    return write_learning_bank(tmp_path / "bank")


@pytest.fixture
def practice_attempt(live_app, bank_root):
    from study.services import bank
    from tests.factories import item_by_key

    with live_app.app_context():
        bank.import_bank(bank_root)
        make_user("instructor", email="ina@example.org")
        learner = make_user("learner", email="lou@example.org")
        return make_attempt(learner, [item_by_key("learn-icd-001")], exam="CPC").id


def test_a_regraded_answer_shows_the_new_key_verdict_and_note(page, browser, live_server, live_app, bank_root, practice_attempt, axe_check):
    from study.services import bank

    sign_in_page(page, "lou@example.org")
    page.goto(f"/practice/{practice_attempt}/q/1")
    page.get_by_label("I11.9").check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("heading", name="Not quite")).to_be_visible()

    path = bank_root / "cpc" / "icd-10-cm" / "learn-icd-001.md"
    text = path.read_text(encoding="utf-8").replace("answer: A", "answer: B")
    path.write_text(text.replace("B. SECRET-WHY-learn-icd-001-B", "A. SECRET-WHY-learn-icd-001-A"), encoding="utf-8")
    with live_app.app_context():
        assert bank.import_bank(bank_root).new_versions == 1

    teacher = browser.new_context(base_url=live_server).new_page()
    sign_in_page(teacher, "ina@example.org")
    teacher.goto("/teach/reports/regrade/learn-icd-001")
    axe_check(teacher)
    teacher.get_by_label("Reason (shown to the learners whose answers are regraded)").fill(REASON)
    teacher.get_by_role("button", name="Regrade past answers").click()
    expect(teacher.get_by_text("1 answer(s) changed")).to_be_visible()
    teacher.context.close()

    page.goto(f"/practice/{practice_attempt}/q/1")
    expect(page.get_by_role("heading", name="Correct")).to_be_visible()
    chosen = page.locator("li.chosen")
    expect(chosen).to_have_count(1)
    expect(chosen).to_contain_text("I11.9")
    expect(chosen.locator(".badge-ok")).to_have_text("Answer")  # the key badge sits on the learner's choice
    note = page.get_by_role("complementary", name="This item was regraded")
    expect(note).to_contain_text(REASON)
    expect(note).to_contain_text("I10")
    expect(note).to_contain_text("I11.9")
    expect(note).to_contain_text("version 1 → 2")
    axe_check(page)
    page.set_viewport_size({"width": 390, "height": 800})
    assert no_horizontal_overflow(page)
    page.goto(f"/practice/{practice_attempt}/summary")
    expect(page.get_by_text("Regraded")).to_be_visible()
    assert not page.js_errors
