"""The learner's core loop in a real browser (issue 6): a short practice set, a coding case with a
bad code flagged before submission, and a shortened, timed exam through flagging, the review
screen, a reload mid-exam and the automatic submission at the deadline. axe on every page."""

from __future__ import annotations

import re
import textwrap

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.factories import make_user
from tests.support import no_horizontal_overflow, sign_in_page

FAST = 5_000  # ms: every expectation here is about a local server

# ------------------------------------------------------------------ a small bank of our own
# id -> the item; the rationale's first sentence and the why-not line must never reach an open exam
MCQS = {
    "cpc-icd-0901": dict(
        topic="icd-10-cm",
        stem="A patient with type 2 diabetes is seen for diabetic chronic kidney disease, stage 3a. Which codes are reported?",
        options=["E11.9, N18.31", "E11.22, N18.31", "E11.65, N18.30", "E11.22, N18.9"],
        answer="B",
        rationale="Diabetes with chronic kidney disease is a combination code, E11.22.",
        why_not="E11.9 is diabetes without complications, and the kidney disease is documented.",
    ),
    "cpc-icd-0902": dict(
        topic="icd-10-cm",
        stem="Which statement about the placeholder character in ICD-10-CM is true?",
        options=[
            "It is never used in injury codes.",
            "It replaces the 7th character when none applies.",
            "It fills empty positions so that the 7th character lands in the 7th position.",
            "It marks a code as unspecified.",
        ],
        answer="C",
        rationale="The placeholder keeps the seventh character in its own position.",
        why_not="Injury codes are where the placeholder is needed most often.",
    ),
    "cpc-icd-0903": dict(
        topic="icd-10-cm",
        stem="Which ICD-10-CM convention means 'not coded here'?",
        options=["Code also", "Excludes1", "Use additional code", "Includes"],
        answer="B",
        rationale="An Excludes1 note means the two conditions are never reported together.",
        why_not="Code also tells the coder that two codes may be needed.",
    ),
    "cpc-mod-0901": dict(
        topic="modifiers",
        stem="Which modifier reports that a procedure was done on the right side of the body?",
        options=["Left side", "Right side", "Bilateral procedure", "Distinct procedural service"],
        answer="B",
        rationale="The right-side modifier identifies procedures on the right side of the body.",
        why_not="The left-side modifier is for the other side.",
    ),
    "cpc-mod-0902": dict(
        topic="modifiers",
        stem="Which modifier marks a significant, separately identifiable E/M service on the day of a minor procedure?",
        options=["Modifier 59", "Modifier 50", "Modifier 25", "Modifier 51"],
        answer="C",
        rationale="Modifier 25 marks a significant, separately identifiable evaluation and management service.",
        why_not="Modifier 59 is for distinct procedural services, not E/M.",
    ),
}

CASE = """\
---
id: case-pro-0901
type: case
exams: [CPC]
topic: surgery-musculoskeletal
setting: professional
difficulty: medium
minutes: 15
key:
  diagnoses:
    - S52.501A
    - {code: W01.0XXA, optional: true}
  procedures:
    - {code: "25600", modifiers: [RT]}
  not_reportable:
    - {code: M79.631, why: "Pain is integral to the fracture and is not coded separately."}
---
## Documentation
ED note (fictional). A 70-year-old woman slipped on a wet floor at home and fell onto her
outstretched right hand. X-ray: closed fracture of the distal radius, right. Closed treatment
without manipulation; a splint is applied.

## Task
Code the diagnoses and the procedure for the physician's service.

## Rationale
Report the closed distal radius fracture first, with the initial encounter character. The wrist
pain is integral to the fracture and is not coded.
"""

TOPICS = """\
icd-10-cm:
  title: ICD-10-CM diagnosis coding
  description: Conventions and chapter rules.
modifiers:
  title: Modifiers
  description: CPT and HCPCS modifiers.
surgery-musculoskeletal:
  title: "CPT Surgery 20000 series: musculoskeletal system"
  description: Fractures and casts.
"""

# a shortened CPC: 2 minutes, three sections of 1-2 questions
BLUEPRINT = """\
exam: CPC
title: Certified Professional Coder (shortened test blueprint)
minutes: 2
pass_percent: 70
warn_at_minutes_left: 1
pace_minutes_per_question: 0.5
source: A test blueprint
sections:
  - key: conventions
    title: ICD-10-CM conventions
    questions: 1
    topics: [icd-10-cm]
    confirmed: true
  - key: modifiers
    title: Modifiers
    questions: 1
    topics: [modifiers]
    confirmed: false
  - key: more-icd
    title: More ICD-10-CM
    questions: 1
    topics: [icd-10-cm]
    confirmed: true
"""


def _mcq_file(key: str, q: dict) -> str:
    letters = "ABCDEF"
    options = "\n".join(f"{letters[i]}. {text}" for i, text in enumerate(q["options"]))
    wrong = next(letter for letter in letters[: len(q["options"])] if letter != q["answer"])
    return textwrap.dedent(
        f"""\
        ---
        id: {key}
        type: mcq
        exams: [CPC]
        topic: {q["topic"]}
        difficulty: easy
        answer: {q["answer"]}
        ---
        {q["stem"]}

        ## Options
        {{options}}

        ## Rationale
        {q["rationale"]} More explanation follows here.

        ## Why not the others
        {wrong}. {q["why_not"]}
        """
    ).replace("{options}", options)


def _right_text(q: dict) -> str:
    return q["options"]["ABCDEF".index(q["answer"])]


def _wrong_text(q: dict) -> str:
    return next(t for t in q["options"] if t != _right_text(q))


def _which(text: str) -> dict:
    """The bank item whose stem is on the page."""
    return next(q for q in MCQS.values() if q["stem"] in text)


SECRETS = [q["rationale"] for q in MCQS.values()] + [q["why_not"] for q in MCQS.values()]


@pytest.fixture
def bank_root(tmp_path):
    root = tmp_path / "bank"
    (root / "blueprints").mkdir(parents=True)
    (root / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (root / "blueprints" / "CPC.yaml").write_text(BLUEPRINT, encoding="utf-8")
    for key, q in MCQS.items():
        folder = root / "cpc" / q["topic"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{key}.md").write_text(_mcq_file(key, q), encoding="utf-8")
    (root / "cases" / "professional").mkdir(parents=True)
    (root / "cases" / "professional" / "case-pro-0901.md").write_text(CASE, encoding="utf-8")
    return root


@pytest.fixture
def learner(live_app, bank_root):
    """Import the bank, then make a learner; returns a function so a test can choose the accommodation."""
    from study.services import bank

    with live_app.app_context():
        bank.import_bank(bank_root)

    def _make(email="lee@example.org", **fields):
        with live_app.app_context():
            user = make_user("learner", email=email, **fields)
            return user.id

    return _make


@pytest.fixture(autouse=True)
def _short_timeouts(page):
    page.set_default_timeout(FAST)
    expect.set_options(timeout=FAST)
    yield
    expect.set_options(timeout=5_000)


def query(live_app, fn):
    with live_app.app_context():
        from study.extensions import db

        return fn(db)


# ------------------------------------------------------------------ practice
def test_practice_set_with_feedback_summary_and_problem_report(page, axe_check, learner, live_app):
    learner("pat@example.org")
    page.goto("/account/signin")
    axe_check(page)
    sign_in_page(page, "pat@example.org")

    page.get_by_role("link", name="Practice", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice")
    axe_check(page)
    page.get_by_label("Number of questions").fill("3")
    expect(page.get_by_label("Number of questions")).to_have_value("3")
    page.get_by_role("button", name="Start practice").click()

    outcomes = []
    for n in range(1, 4):
        expect(page.locator(".progress-line")).to_contain_text(f"Question {n} of 3")
        q = _which(page.locator(".stem").inner_text())
        if n == 1:
            axe_check(page)
            # at 360 px the question page fits the screen
            page.set_viewport_size({"width": 360, "height": 740})
            assert no_horizontal_overflow(page)
            axe_check(page)
            page.set_viewport_size({"width": 1200, "height": 900})
        # the first and last right, the second wrong
        text = _wrong_text(q) if n == 2 else _right_text(q)
        page.get_by_label(text, exact=False).check()
        page.get_by_role("button", name="Check answer").click()
        feedback = page.locator(".feedback")
        expect(feedback.get_by_role("heading")).to_have_text("Not quite" if n == 2 else "Correct", timeout=FAST)
        expect(page.locator(".rationale")).to_contain_text(q["rationale"])
        expect(page.locator(".options-review li.key")).to_contain_text(_right_text(q))
        if n == 2:
            expect(page.locator(".options-review li.chosen")).to_contain_text(text)
            expect(page.locator(".progress-line")).to_contain_text("Score so far: 1 / 2")
            axe_check(page)
        outcomes.append(q)
        page.get_by_role("link", name="See the summary" if n == 3 else "Next question").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Practice summary")
    expect(page.locator(".score-line")).to_contain_text("2 of 3")
    axe_check(page)
    questions = page.get_by_role("table", name="Every question of this set")
    links = questions.locator("a")
    expect(links).to_have_count(3)
    for i, q in enumerate(outcomes):
        expect(links.nth(i)).to_have_text(re.compile(re.escape(q["stem"][:40])))
    expect(questions.locator("tbody tr").nth(1)).to_contain_text("Missed")
    expect(page.get_by_role("button", name="Retry the 1 question I missed")).to_be_visible()

    # back to the missed item, and report a problem with it
    links.nth(1).click()
    expect(page.get_by_role("heading", name="Not quite")).to_be_visible()
    page.get_by_text("Report a problem with this question").click()
    page.get_by_label("Typo or formatting").check()
    page.get_by_label("Tell us more (optional)").fill("Option C reads oddly.")
    axe_check(page)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you: your report went to the instructors.")).to_be_visible(timeout=FAST)
    expect(page).to_have_url(re.compile(r"/practice/\d+/q/2$"))
    axe_check(page)

    from study.models import ItemReport

    reports = query(
        live_app, lambda db: [(r.kind, r.comment, r.attempt_item_id is not None) for r in db.session.scalars(sa.select(ItemReport))]
    )
    assert reports == [("typo", "Option C reads oddly.", True)]
    assert page.js_errors == []


# ------------------------------------------------------------------ coding case
def test_coding_case_flags_bad_codes_before_submit_then_grades_and_retries(page, axe_check, learner):
    learner("cory@example.org")
    sign_in_page(page, "cory@example.org")
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coding cases")
    axe_check(page)
    page.get_by_role("link", name="Code this case").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("case-pro-0901")

    dx1, dx2 = page.get_by_label("Diagnosis 1", exact=True), page.get_by_label("Diagnosis 2", exact=True)
    dx1.fill("W01.0XXA")
    expect(page.locator("#dx-0-msg")).to_contain_text("✓", timeout=FAST)
    # a subcategory: flagged as incomplete while typing, before any submission
    dx2.fill("E11.2")
    expect(page.locator("#dx-1-msg")).to_contain_text("a 5th character is required", timeout=FAST)
    expect(dx2).to_have_attribute("aria-invalid", "true")
    axe_check(page)
    # not a code at all: the message suggests the right form
    dx2.fill("S7221A")
    expect(page.locator("#dx-1-msg")).to_contain_text("is not a code", timeout=FAST)
    expect(page.locator("#dx-1-msg")).to_contain_text("S72.21XA")
    # fixed
    dx2.fill("S52.501A")
    expect(page.locator("#dx-1-msg")).to_contain_text("✓", timeout=FAST)
    expect(dx2).not_to_have_attribute("aria-invalid", "true")

    # add a row (focus goes to it), then move the fracture up with the keyboard
    dx_rows = page.locator("[data-rows=dx] .code-row")
    before = dx_rows.count()
    page.get_by_role("button", name="Add a row to diagnoses").click()
    expect(dx_rows).to_have_count(before + 1)
    expect(dx_rows.last.locator("input")).to_be_focused()
    page.locator("input[name=dx]").nth(1).focus()
    page.keyboard.press("Alt+ArrowUp")
    expect(page.locator("input[name=dx]").nth(0)).to_have_value("S52.501A")
    expect(page.locator("input[name=dx]").nth(1)).to_have_value("W01.0XXA")
    expect(page.locator("input[name=dx]").nth(0)).to_be_focused()
    expect(page.get_by_label("Diagnosis 1", exact=True)).to_have_value("S52.501A")
    # the row's buttons are named after its new place
    expect(dx_rows.first.get_by_role("button", name="Move up: Diagnosis 1")).to_be_visible()
    expect(dx_rows.nth(1).get_by_role("button", name="Remove: Diagnosis 2")).to_be_visible()

    page.get_by_label("Code 1", exact=True).fill("25600")
    page.locator("#px-mod-0").fill("RT")
    axe_check(page)
    page.get_by_role("button", name="Grade my answer").click()
    page.locator("[data-grade-dialog]").get_by_role("button", name="Grade now").click()

    expect(page.get_by_role("heading", name="Your result")).to_be_visible(timeout=FAST)
    expect(page.locator(".score-line")).to_have_text("Score: 100.0%")
    report = page.locator("table.grade-report")
    expect(report.locator("caption")).to_contain_text("Grade report: 100.0%")
    expect(report.locator("tbody tr").first).to_contain_text("S52.501A")
    expect(report).to_contain_text("sequencing")
    expect(page.get_by_role("heading", name="Your answer and the key")).to_be_visible()
    expect(page.locator(".side-by-side")).to_contain_text("Diagnoses: S52.501A, W01.0XXA")
    expect(page.locator(".side-by-side")).to_contain_text("25600-RT")
    expect(page.locator(".rationale")).to_contain_text("Report the closed distal radius fracture first")
    axe_check(page)
    first_url = page.url

    page.get_by_role("link", name="Try this case again").click()
    expect(page).not_to_have_url(first_url)
    expect(page.get_by_role("heading", name="Your codes")).to_be_visible()
    # the new attempt starts blank, and only when something is typed
    expect(page.get_by_label("Diagnosis 1", exact=True)).to_have_value("")
    page.get_by_label("Diagnosis 1", exact=True).fill("S52.501A")
    expect(page.locator("[data-draft-state]")).to_contain_text("Draft saved")
    page.reload()
    history = page.get_by_role("heading", name="Your attempts at this case").locator("xpath=following-sibling::ul[1]/li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("draft, not graded")
    expect(history.nth(1)).to_contain_text("100.0%")
    axe_check(page)
    assert page.js_errors == []


# ------------------------------------------------------------------ exam simulation
def _assert_no_secrets(text: str):
    for secret in SECRETS:
        assert secret not in text, f"leaked before submission: {secret!r}"


def test_shortened_exam_flag_palette_review_reload_and_submit(page, axe_check, learner, live_app):
    learner("eve@example.org")
    sign_in_page(page, "eve@example.org")
    page.get_by_role("link", name="Exams", exact=True).click()
    axe_check(page)
    page.get_by_role("link", name="Prepare to start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CPC exam simulation")
    sections = page.get_by_role("table", name="Sections")
    for title in ("ICD-10-CM conventions", "Modifiers", "More ICD-10-CM"):
        expect(sections).to_contain_text(title)
    expect(page.get_by_text("2 minutes")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Start the exam now").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 3")
    _assert_no_secrets(page.content())
    axe_check(page)
    # keys that are no shortcut do nothing (and break nothing)
    for key in (".", "?", "Shift", "z"):
        page.keyboard.press(key)
    assert page.js_errors == []
    expect(page.locator("input[name=answer]:checked")).to_have_count(0)
    # keyboard: B chooses the second option and saves it at once
    with page.expect_response(re.compile(r"/api/exams/\d+/answers$")) as saved:
        page.keyboard.press("b")
    body = saved.value.text()
    _assert_no_secrets(body)
    assert set(saved.value.json()) == {"saved", "seconds_left", "answered"}
    expect(page.locator("#opt-B")).to_be_checked()
    expect(page.locator("[data-save-state]")).to_have_text("Answer saved.")
    # G flags it (saved too): the toggle shows its state, and the page says what was saved
    with page.expect_response(re.compile(r"/api/exams/\d+/answers$")):
        page.keyboard.press("g")
    expect(page.get_by_role("button", name="Flagged: remove flag")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-save-state]")).to_have_text("Flagged for review.")
    palette = page.get_by_role("navigation", name="Questions")
    expect(palette.locator(".pal").first).to_have_class(re.compile(r"\banswered\b.*\bflagged\b"))
    clock = page.request.get(page.locator("[data-exam-timer]").get_attribute("data-clock-url"))
    _assert_no_secrets(clock.text())
    assert set(clock.json()) == {"open", "seconds_left"}

    # the palette jumps to question 3 (the form also saves this page)
    palette.get_by_role("button", name="Question 3, unanswered").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 3 of 3")
    expect(palette.get_by_role("button", name="Question 1, answered, flagged")).to_be_visible()
    _assert_no_secrets(page.content())

    # question 2: answer with the mouse, then reload: the autosaved answer is still there
    palette.get_by_role("button", name="Question 2, unanswered").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 2 of 3")
    with page.expect_response(re.compile(r"/api/exams/\d+/answers$")):
        page.locator("#opt-D").check()
    page.reload()
    expect(page.locator("#opt-D")).to_be_checked()
    expect(page.locator("[data-save-state]")).to_have_text("Answer saved.")
    _assert_no_secrets(page.content())
    # at 360 px the exam page fits the screen
    page.set_viewport_size({"width": 360, "height": 740})
    assert no_horizontal_overflow(page)
    axe_check(page)
    page.set_viewport_size({"width": 1200, "height": 900})

    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review before you submit")
    counts = page.locator(".review-counts li")
    expect(counts.nth(0)).to_have_text("2 answered")
    expect(counts.nth(1)).to_have_text("1 unanswered")
    expect(counts.nth(2)).to_have_text("1 flagged")
    expect(page.get_by_role("link", name="Question 3")).to_be_visible()
    _assert_no_secrets(page.content())
    axe_check(page)

    page.get_by_role("button", name="Submit the exam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CPC score report")
    expect(page.get_by_text("Answered 2 of 3")).to_be_visible()
    expect(page.get_by_role("table", name="By section")).to_contain_text("ICD-10-CM conventions")
    assert "submitted automatically" not in page.content()
    axe_check(page)
    assert page.js_errors == []


def test_exam_is_submitted_automatically_at_the_deadline_and_late_answers_are_refused(page, axe_check, learner, live_app):
    live_app.config["EXAM_TOLERANCE_SECONDS"] = 1  # the server's grace after the deadline (10 s in production)
    learner("sam@example.org")
    sign_in_page(page, "sam@example.org")
    page.goto("/exams/CPC")
    page.get_by_role("button", name="Start the exam now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 3")
    attempt_id = int(re.search(r"/exams/attempts/(\d+)/", page.url).group(1))
    # the blueprint gives 2 minutes: move this attempt's deadline to 4 seconds from now in the live
    # app's database, then reload so the page takes the server's clock again
    from datetime import datetime, timedelta, timezone

    from study.models import Attempt

    def shorten(db):
        db.session.get(Attempt, attempt_id).deadline_at = datetime.now(timezone.utc) + timedelta(seconds=4)
        db.session.commit()

    query(live_app, shorten)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 3")
    assert int(page.locator("[data-exam-timer]").get_attribute("data-seconds-left")) <= 4
    with page.expect_response(re.compile(r"/api/exams/\d+/answers$")) as saved:
        page.keyboard.press("b")
    assert saved.value.ok
    token = page.locator("input[name=csrf_token]").first.input_value()
    visited = []
    page.on("framenavigated", lambda frame: visited.append(frame.url) if frame == page.main_frame else None)

    # nobody touches anything: at the deadline the page says so once (no reloading back and forth
    # while the server's tolerance runs), then lands on the score report, submitted automatically
    expect(page.locator("[data-time-announce]")).to_have_text("Time is up. Your exam is being submitted.", timeout=10_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("CPC score report", timeout=20_000)
    assert [re.sub(r"^.*/attempts/\d+", "", u) for u in visited] == ["/result"]
    expect(page.locator(".score-line")).to_contain_text("submitted automatically")
    expect(page.get_by_text("Answered 1 of 3")).to_be_visible()
    axe_check(page)

    from study.models import AttemptItem, Response

    def snapshot(db):
        attempt = db.session.get(Attempt, attempt_id)
        rows = db.session.execute(
            sa.select(AttemptItem.position, AttemptItem.flagged, Response.answer_json)
            .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
            .where(AttemptItem.attempt_id == attempt_id)
            .order_by(AttemptItem.position)
        ).all()
        return attempt.status, attempt.auto_submitted, attempt.score_pct, [tuple(r) for r in rows]

    before = query(live_app, snapshot)
    assert before[:2] == ("submitted", True)
    assert before[3][0][2] is not None and before[3][1][2] is None

    # a late answer through the JSON API is refused with a clear message and changes nothing
    token = page.locator("input[name=csrf_token]").first.input_value() or token
    url = f"/api/exams/{attempt_id}/answers"
    for payload in ({"position": 2, "letters": ["A"]}, {"position": 1, "letters": ["C"]}, {"position": 3, "flag": True}):
        late = page.request.post(url, data=payload, headers={"X-CSRFToken": token})
        assert late.status == 409, late.text()
        assert "Time is up" in late.json()["error"]
    assert query(live_app, snapshot) == before
    assert page.js_errors == []
