"""Coding case entry in a real browser (issue 14: what a learner types is kept until they choose to
submit it): Enter never grades, the draft survives a reload and another browser, a code typed into
the list of another code set is named before grading, and "Grade my answer" confirms first and
grades once. axe on every page state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_learning import BLUEPRINT, CASE, FAST, MCQS, TOPICS, _mcq_file, query
from tests.factories import make_user
from tests.support import no_horizontal_overflow, sign_in_page

INPATIENT = """\
---
id: case-ip-0901
type: case
exams: [CPC]
topic: icd-10-pcs
setting: inpatient
patient: {age: 67, sex: male, discharge: home}
difficulty: medium
minutes: 20
title: "Inpatient: hip replacement"
key:
  diagnoses:
    - M16.11
  pcs:
    - "0SR9019"
---
## Documentation
Discharge summary (fictional). A 67-year-old man with primary osteoarthritis of the right hip was
admitted for a total hip replacement. Open approach; metal-on-polyethylene prosthesis, cemented.

## Task
Code the principal diagnosis and the principal procedure for the facility.

## Rationale
Primary osteoarthritis of the right hip is the reason for admission; the replacement is coded in PCS.
"""


@pytest.fixture
def bank_root(tmp_path):
    root = tmp_path / "bank"
    (root / "blueprints").mkdir(parents=True)
    (root / "topics.yaml").write_text(
        TOPICS + "icd-10-pcs:\n  title: ICD-10-PCS\n  description: Inpatient procedures.\n", encoding="utf-8"
    )
    (root / "blueprints" / "CPC.yaml").write_text(BLUEPRINT, encoding="utf-8")
    for key, q in MCQS.items():
        folder = root / "cpc" / q["topic"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{key}.md").write_text(_mcq_file(key, q), encoding="utf-8")
    for setting, key, text in (("professional", "case-pro-0901", CASE), ("inpatient", "case-ip-0901", INPATIENT)):
        (root / "cases" / setting).mkdir(parents=True, exist_ok=True)
        (root / "cases" / setting / f"{key}.md").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def learner(live_app, bank_root):
    from study.services import bank

    with live_app.app_context():
        bank.import_bank(bank_root)
        make_user("learner", email="cleo@example.org")


@pytest.fixture(autouse=True)
def _short_timeouts(page):
    page.set_default_timeout(FAST)
    expect.set_options(timeout=FAST)
    yield
    expect.set_options(timeout=5_000)


def _attempts(live_app):
    from study.models import Attempt

    return query(live_app, lambda db: [(a.status, a.score_pct) for a in db.session.query(Attempt).order_by(Attempt.id)])


def _open_case(page, title):
    sign_in_page(page, "cleo@example.org")
    page.goto("/cases")
    page.get_by_role("link", name=re.compile(rf"^Code this case\s*: {re.escape(title)}$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def test_enter_in_a_code_field_never_grades(page, axe_check, learner, live_app):
    _open_case(page, "case-pro-0901")
    assert _attempts(live_app) == []  # opening a case is not an attempt
    axe_check(page)
    rows = page.locator("[data-rows=dx] .code-row")
    count = rows.count()
    page.get_by_label("Diagnosis 1", exact=True).fill("S52.501A")
    page.get_by_label("Diagnosis 1", exact=True).press("Enter")
    expect(page.get_by_label("Diagnosis 2", exact=True)).to_be_focused()  # to the next row
    page.get_by_label(f"Diagnosis {count}", exact=True).focus()
    page.keyboard.press("Enter")  # on the last row: a new row
    expect(rows).to_have_count(count + 1)
    expect(rows.last.locator("input.code-input")).to_be_focused()
    expect(page.locator("[data-draft-state]")).to_contain_text("Draft saved", timeout=FAST)
    expect(page.get_by_role("heading", name="Your codes")).to_be_visible()
    assert _attempts(live_app) == [("open", None)]  # a draft, nothing graded
    assert page.js_errors == []


def test_the_draft_comes_back_after_a_reload_and_in_another_browser(page, browser, live_server, axe_check, learner, live_app):
    _open_case(page, "case-pro-0901")
    page.get_by_label("Diagnosis 1", exact=True).fill("S52.501A")
    page.get_by_label("Diagnosis 3", exact=True).fill("W01.0XXA")
    page.get_by_label("Code 1", exact=True).fill("25600")
    page.locator("#px-mod-0").fill("RT")
    expect(page.locator("[data-draft-state]")).to_contain_text("Draft saved", timeout=FAST)
    page.reload()
    expect(page.get_by_label("Diagnosis 1", exact=True)).to_have_value("S52.501A")
    expect(page.get_by_label("Diagnosis 2", exact=True)).to_have_value("")
    expect(page.get_by_label("Diagnosis 3", exact=True)).to_have_value("W01.0XXA")
    expect(page.locator("#px-mod-0")).to_have_value("RT")
    axe_check(page)

    other = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    try:
        phone = other.new_page()
        sign_in_page(phone, "cleo@example.org")
        phone.goto("/cases")
        phone.get_by_role("link", name=re.compile(r"^Resume\s*: case-pro-0901$")).click()
        expect(phone.get_by_label("Diagnosis 1", exact=True)).to_have_value("S52.501A")
        expect(phone.get_by_label("Diagnosis 3", exact=True)).to_have_value("W01.0XXA")
        expect(phone.get_by_label("Code 1", exact=True)).to_have_value("25600")
        assert no_horizontal_overflow(phone)
        axe_check(phone)
    finally:
        other.close()
    assert _attempts(live_app) == [("open", None)]
    assert page.js_errors == []


def test_a_cpt_code_in_a_pcs_row_is_named_before_grading(page, axe_check, learner, live_app):
    _open_case(page, "Inpatient: hip replacement")
    expect(page.get_by_text("about 20 minutes")).to_be_visible()
    assert page.locator("[data-rows=px]").count() == 0  # inpatient: diagnoses and PCS only
    pcs = page.get_by_label("PCS 1", exact=True)
    pcs.fill("99213")
    expect(page.locator("#pcs-0-msg")).to_have_text(
        "99213 is a CPT code; inpatient facility procedures are reported with ICD-10-PCS.", timeout=FAST
    )
    expect(pcs).to_have_attribute("aria-invalid", "true")
    axe_check(page)
    page.get_by_role("button", name="Grade my answer").click()
    dialog = page.locator("[data-grade-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("PCS 1: 99213: 99213 is a CPT code")
    assert _attempts(live_app) in ([], [("open", None)])  # nothing graded
    page.get_by_role("button", name="Back to editing").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Grade my answer")).to_be_focused()
    assert page.js_errors == []


def test_grade_my_answer_shows_the_summary_and_grades_once(page, axe_check, learner, live_app):
    _open_case(page, "case-pro-0901")
    page.get_by_label("Diagnosis 1", exact=True).fill("S52.501A")
    page.get_by_label("Diagnosis 3", exact=True).fill("0SRC0J9")
    expect(page.locator("#dx-2-msg")).to_contain_text("is an ICD-10-PCS procedure code", timeout=FAST)
    page.get_by_label("Code 1", exact=True).fill("25600")
    page.locator("#px-mod-0").fill("RT")
    page.get_by_role("button", name="Grade my answer").click()
    dialog = page.locator("[data-grade-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="Grade this answer?")).to_be_focused()
    expect(dialog).to_contain_text("2 diagnoses")
    expect(dialog).to_contain_text("1 procedure (CPT or HCPCS Level II)")
    expect(dialog).to_contain_text("Empty rows between your codes (they are ignored): Diagnosis 2.")
    expect(dialog).to_contain_text("Diagnosis 3: 0SRC0J9")
    axe_check(page)
    assert all(status == "open" for status, _ in _attempts(live_app))
    # a double click on "Grade now" grades once
    dialog.get_by_role("button", name="Grade now").evaluate("b => { b.click(); b.click(); }")
    expect(page.get_by_role("heading", name="Your result")).to_be_visible(timeout=FAST)
    expect(page.locator("table.grade-report")).to_contain_text("wrong system")
    axe_check(page)
    attempts = _attempts(live_app)
    assert len(attempts) == 1 and attempts[0][0] == "submitted"
    assert query(live_app, lambda db: db.session.execute(db.text("select count(*) from response")).scalar()) == 1
    assert page.js_errors == []
