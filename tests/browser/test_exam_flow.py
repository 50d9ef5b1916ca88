"""Exams in a real browser (issue 14): a CCS case question's codes are saved as they are typed and
come back after a reload or after leaving the page; a second start of a blueprint offers to resume
the open exam; an abandoned exam leaves the trend and the readiness. axe on the new pages."""

from __future__ import annotations

import re
import textwrap

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.test_learning import FAST, _short_timeouts, query  # noqa: F401 (an autouse fixture)
from tests.factories import make_user
from tests.support import no_horizontal_overflow, sign_in_page

TOPICS = """\
icd-10-cm:
  title: ICD-10-CM diagnosis coding
  description: Conventions and chapter rules.
icd-10-pcs:
  title: ICD-10-PCS procedure coding
  description: Root operations and approaches.
"""

# a shortened CCS: two questions and one inpatient case (diagnoses, procedures and PCS rows)
BLUEPRINT = """\
exam: CCS
title: Certified Coding Specialist (shortened test blueprint)
minutes: 30
pass_percent: 70
warn_at_minutes_left: 5
pace_minutes_per_question: 2.2
source: A test blueprint
sections:
  - key: conventions
    title: ICD-10-CM conventions
    questions: 2
    topics: [icd-10-cm]
    confirmed: false
  - key: cases
    title: Case scenarios
    cases: 1
    topics: [icd-10-pcs]
    confirmed: false
"""

MCQS = {
    "ccs-icd-0901": (
        "Which ICD-10-CM convention means 'not coded here'?",
        ["Code also", "Excludes1", "Use additional code", "Includes"],
        "B",
    ),
    "ccs-icd-0902": (
        "Which character keeps the 7th character in its position?",
        ["The placeholder X", "The letter Z", "The digit 0", "A hyphen"],
        "A",
    ),
}

CASE = """\
---
id: case-ip-0901
type: case
exams: [CCS]
topic: icd-10-pcs
setting: inpatient
patient: {age: 67, sex: male, discharge: home}
difficulty: medium
minutes: 20
key:
  diagnoses:
    - I63.412
    - I10
  pcs:
    - "03CG3Z7"
---
## Documentation
Discharge summary (fictional). Embolic stroke of the left middle cerebral artery; mechanical
thrombectomy of the left intracranial artery, percutaneous. Hypertension.

## Task
Code the diagnoses and the ICD-10-PCS procedure for the admission.

## Rationale
The infarct first, then hypertension; the thrombectomy is an extirpation.
"""


@pytest.fixture
def learner(live_app, tmp_path):
    from study.services import bank

    root = tmp_path / "bank"
    (root / "blueprints").mkdir(parents=True)
    (root / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (root / "blueprints" / "CCS.yaml").write_text(BLUEPRINT, encoding="utf-8")
    folder = root / "ccs" / "icd-10-cm"
    folder.mkdir(parents=True)
    for key, (stem, options, answer) in MCQS.items():
        listed = "\n".join(f"{'ABCD'[i]}. {text}" for i, text in enumerate(options))
        body = f"---\nid: {key}\ntype: mcq\nexams: [CCS]\ntopic: icd-10-cm\ndifficulty: easy\nanswer: {answer}\n---\n{stem}\n\n"
        (folder / f"{key}.md").write_text(body + f"## Options\n{listed}\n\n## Rationale\nThe convention says so.\n", encoding="utf-8")
    (root / "cases" / "inpatient").mkdir(parents=True)
    (root / "cases" / "inpatient" / "case-ip-0901.md").write_text(textwrap.dedent(CASE), encoding="utf-8")
    with live_app.app_context():
        bank.import_bank(root)

    def _make(email: str) -> None:
        with live_app.app_context():
            make_user("learner", email=email)
        return None

    return _make


def _fits_390px(page) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    assert no_horizontal_overflow(page)
    page.set_viewport_size({"width": 1200, "height": 900})


def _start_ccs(page) -> None:
    page.goto("/exams/CCS")
    page.get_by_role("button", name="Start the exam now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 3")


def _to_the_case(page) -> None:
    palette = page.get_by_role("navigation", name="Questions")
    palette.get_by_role("button", name=re.compile(r"^Question 3,")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 3 of 3")
    expect(page.get_by_label("PCS 1", exact=True)).to_be_visible()


def _answer_mcqs(page, right: bool) -> None:
    """Answer questions 1 and 2 (right or wrong) by their page's options, saved by the form."""
    for n in (1, 2):
        page.get_by_role("navigation", name="Questions").get_by_role("button", name=re.compile(rf"^Question {n},")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Question {n} of 3")
        stem = page.locator(".stem").inner_text()
        _, options, answer = next(q for q in MCQS.values() if q[0] in stem)
        text = options["ABCD".index(answer)] if right else next(t for t in options if t != options["ABCD".index(answer)])
        with page.expect_response(re.compile(r"/api/exams/\d+/answers$")):
            page.get_by_label(text, exact=False).check()


# ------------------------------------------------------------------ (a) case codes survive a reload
def _wait_until_saved(live_app, code: str) -> None:
    import time

    from study.models import Response

    deadline = time.monotonic() + FAST / 1000
    while time.monotonic() < deadline:
        if query(live_app, lambda db: any(code in text for text in db.session.scalars(sa.select(Response.answer_json)))):
            return
        time.sleep(0.1)
    raise AssertionError(f"{code} never reached the server")


def test_case_codes_typed_in_an_exam_come_back_after_a_reload(page, axe_check, learner, live_app):
    learner("cas@example.org")
    sign_in_page(page, "cas@example.org")
    _start_ccs(page)
    _to_the_case(page)
    palette = page.get_by_role("navigation", name="Questions")
    expect(palette.get_by_role("button", name="Question 3, unanswered")).to_be_visible()

    # typed, not submitted: the autosave (debounced) sends the rows on its own, the last row included
    with page.expect_response(lambda r: r.url.endswith("/answers") and "03CG3Z7" in (r.request.post_data or "")) as saved:
        page.get_by_label("Diagnosis 1", exact=True).press_sequentially("I63.412")
        page.get_by_label("Diagnosis 2", exact=True).press_sequentially("I10")
        page.get_by_label("Code 1", exact=True).press_sequentially("36415")
        page.locator("#px-mod-0").press_sequentially("59")
        page.locator("#px-units-0").press_sequentially("2")
        page.get_by_label("PCS 1", exact=True).press_sequentially("03CG3Z7")
    assert saved.value.ok
    expect(page.locator("[data-save-state]")).to_have_text("Answer saved.")
    expect(palette.get_by_role("button", name="Question 3, answered")).to_be_visible()  # the palette follows
    axe_check(page)

    page.reload()
    expect(page.get_by_label("Diagnosis 1", exact=True)).to_have_value("I63.412")
    expect(page.get_by_label("Diagnosis 2", exact=True)).to_have_value("I10")
    expect(page.get_by_label("Code 1", exact=True)).to_have_value("36415")
    expect(page.locator("#px-mod-0")).to_have_value("59")
    expect(page.locator("#px-units-0")).to_have_value("2")
    expect(page.get_by_label("PCS 1", exact=True)).to_have_value("03CG3Z7")
    expect(palette.get_by_role("button", name="Question 3, answered")).to_be_visible()

    # a code typed just before leaving the page another way than its buttons (no wait for the
    # debounce): sent as the page goes, and there when the learner comes back
    question_url = page.url
    page.get_by_label("Diagnosis 3", exact=True).fill("E78.5")
    page.goto("/exams")
    _wait_until_saved(live_app, "E78.5")  # the request sent as the page went may still be on its way
    page.goto(question_url)
    expect(page.get_by_label("Diagnosis 3", exact=True)).to_have_value("E78.5")

    # every row cleared: the question is unanswered again, after a reload too
    page.locator("#px-mod-0").fill("")
    page.locator("#px-units-0").fill("")
    for label in ("Diagnosis 1", "Diagnosis 2", "Diagnosis 3", "Code 1", "PCS 1"):
        page.get_by_label(label, exact=True).fill("")
    # said once the server has cleared it (saves sent on the way, as fields were left, said "saved")
    expect(page.locator("[data-save-state]")).to_have_text("Answer cleared.")
    page.reload()
    expect(page.get_by_label("Diagnosis 1", exact=True)).to_have_value("")
    expect(palette.get_by_role("button", name="Question 3, unanswered")).to_be_visible()
    assert page.js_errors == []


# ------------------------------------------------------------------ (b) a second start offers to resume
def test_a_second_start_of_the_blueprint_offers_to_resume(page, axe_check, learner, live_app):
    learner("res@example.org")
    sign_in_page(page, "res@example.org")
    # a second tab shows the start page before the exam starts in the first
    other = page.context.new_page()
    other.goto("/exams/CCS")
    _start_ccs(page)
    first_url = page.url
    other.get_by_role("button", name="Start the exam now").click()
    expect(other.get_by_role("heading", name="Your CCS exam is still open")).to_be_visible()
    expect(other.get_by_text(re.compile(r"still open \(0:[0-2]\d left\)"))).to_be_visible()
    expect(other.get_by_role("button", name="Start the exam now")).to_have_count(0)
    resume = other.get_by_role("link", name=re.compile(r"^Resume \(0:[0-2]\d left\)$"))
    expect(resume).to_be_visible()
    expect(other.get_by_role("link", name="Abandon it")).to_be_visible()
    axe_check(other)
    _fits_390px(other)
    resume.click()
    expect(other).to_have_url(first_url)  # the same exam, the same clock

    from study.models import Attempt

    assert query(live_app, lambda db: db.session.scalar(sa.select(sa.func.count()).select_from(Attempt))) == 1
    page.goto("/exams")
    expect(page.get_by_role("link", name=re.compile(r"^Resume \(0:[0-2]\d left\)$"))).to_be_visible()
    axe_check(page)
    page.goto("/")
    expect(page.get_by_role("link", name=re.compile(r"^resume \(0:[0-2]\d left\)$"))).to_be_visible()
    other.close()
    assert page.js_errors == []


# ------------------------------------------------------------------ (c) abandoning leaves the figures
def test_an_abandoned_exam_leaves_the_trend_and_the_readiness(page, axe_check, learner):
    learner("ab@example.org")
    sign_in_page(page, "ab@example.org")
    _start_ccs(page)
    _answer_mcqs(page, right=True)
    page.get_by_role("button", name="Review and submit").click()
    page.get_by_role("button", name="Submit the exam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CCS score report")

    page.goto("/progress?exam=CCS")
    readiness = page.locator("#ready-h + .score-line").inner_text()
    trend = page.get_by_role("table", name=re.compile("Practice accuracy per week"))
    expect(trend.locator("tbody tr", has_text="Exam simulation")).to_have_count(1)
    before = trend.inner_text()

    # a second exam, answered wrongly, then abandoned from the review screen
    _start_ccs(page)
    _answer_mcqs(page, right=False)
    page.get_by_role("button", name="Review and submit").click()
    page.get_by_role("link", name="Abandon this exam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Abandon the CCS exam?")
    expect(page.get_by_text("not scored", exact=False).first).to_be_visible()
    axe_check(page)
    _fits_390px(page)
    page.get_by_role("button", name="Abandon this exam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exam simulations")
    expect(page.get_by_text("was abandoned")).to_be_visible()
    expect(page.get_by_role("link", name="Prepare to start")).to_be_visible()  # nothing left to resume

    page.goto("/progress?exam=CCS")
    assert page.locator("#ready-h + .score-line").inner_text() == readiness
    expect(trend.locator("tbody tr", has_text="Exam simulation")).to_have_count(1)
    assert trend.inner_text() == before
    history = page.get_by_role("table", name=re.compile("Practice sets, case attempts and exams"))
    expect(history.locator("tbody tr").first).to_contain_text("abandoned")
    axe_check(page)
    history.locator("tbody tr").first.get_by_role("link", name="review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CCS exam abandoned")
    axe_check(page)
    assert page.js_errors == []
