"""The career explorer and the self-assessment over HTTP: public pages, the anonymous flow, bad
input, the answer key kept out of the diagnostic page and the cookie (a token only; the run is on
the server), a final submission, the diagnostic's own item pool, saving, privacy, rate limits."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from study.extensions import db, limiter
from study.models import CareerRun, Item
from study.services import bank
from study.services import careers as career_service
from tests.careers import NEVER_DRAWN, RATIONALE_MARKER, SMALL_BANK_ITEMS, answers_of, write_small_bank
from tests.factories import make_user
from tests.support import make_app

FIELD = re.compile(r'name="q-([a-z0-9-]+)"')


@pytest.fixture
def small_bank(app, tmp_path):
    bank.import_bank(write_small_bank(tmp_path / "bank"))


def questionnaire(**overrides):
    data = {
        "setting": "physician_practice",
        "work_style": "detail",
        "interest": "clinical",
        "weekly_hours": "6",
        "target_date": (date.today() + timedelta(weeks=30)).isoformat(),
    }
    data.update(overrides)
    return data


def start(client):
    response = client.post("/careers/assessment", data=questionnaire())
    assert response.status_code == 302 and response.headers["Location"].endswith("/careers/assessment/diagnostic")
    page = client.get("/careers/assessment/diagnostic")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    keys = list(dict.fromkeys(FIELD.findall(html)))
    return html, keys


def finish(client):
    _, keys = start(client)
    response = client.post("/careers/assessment/diagnostic", data={f"q-{k}": v for k, v in answers_of(keys).items()})
    assert response.status_code == 302 and response.headers["Location"].endswith("/careers/assessment/result")
    return keys


def session_data(client, app) -> dict:
    """The session cookie decoded with the app's own serializer (what the browser holds, readable)."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(cookie.value)


def the_run() -> CareerRun:
    db.session.expire_all()
    return db.session.scalar(sa.select(CareerRun).order_by(CareerRun.id.desc()).limit(1))


# ------------------------------------------------------------------ the explorer
@pytest.mark.parametrize(
    "url, text",
    [
        ("/careers/", "Careers in medical billing and coding"),
        ("/careers/roles/billing-specialist", "Senior biller"),
        ("/careers/roles/medical-coder", "Coding auditor"),
        ("/careers/roles/denials-specialist", "root cause"),
        ("/careers/roles/revenue-cycle-analyst", "Director of revenue cycle management"),
        ("/careers/roles/compliance-audit-specialist", "corrective actions"),
        ("/careers/salaries", "$38,000–$48,000"),
        ("/careers/education", "14–24 months"),
        ("/careers/certifications", "80 hours of practice cases"),
    ],
)
def test_explorer_pages_are_public(client, url, text):
    response = client.get(url)
    assert response.status_code == 200
    assert text in response.get_data(as_text=True)


def test_navigation_marks_careers_as_the_current_section(client):
    html = client.get("/careers/salaries").get_data(as_text=True)
    assert re.search(r'href="/careers/"\s+aria-current="page">Careers<', html)
    assert re.search(r'href="/careers/salaries"\s+aria-current="page">Pay<', html)


def test_unknown_role_is_not_found(client):
    assert client.get("/careers/roles/astronaut").status_code == 404


def test_salary_page_has_an_accessible_chart_a_table_and_the_source(client):
    html = client.get("/careers/salaries").get_data(as_text=True)
    assert 'role="img" aria-labelledby="salary-chart-title salary-chart-desc"' in html
    assert '<title id="salary-chart-title">' in html and '<desc id="salary-chart-desc">' in html
    assert "<table>" in html and "Revenue cycle analyst or auditor" in html and "$70,000–$95,000" in html
    assert "$60,000–$90,000+" in html  # by career stage
    assert "medicalbillingcertificationprograms.org" in html
    assert "where you live, the credentials you hold and who employs you" in html


def test_certifications_show_the_exam_formats_from_the_blueprints(client, small_bank):
    html = client.get("/careers/certifications").get_data(as_text=True)
    for code in ("CPC", "CPC-A", "CCS", "CCS-P", "CPB", "CIC", "RHIA/RHIT"):
        assert f"{code}:" in html
    assert "100 multiple-choice questions" in html  # CPC, summed from its blueprint
    assert "135 multiple-choice questions" in html  # CPB
    assert "and 5 case scenarios" in html  # CCS and CCS-P
    assert "240 minutes (4 hours)" in html and "70% correct" in html
    assert "10000 Series: integumentary system" in html and "No, our estimate" in html
    assert "one year of experience plus 80 hours of practice cases" in html


def test_certifications_without_blueprints_say_so(client):
    html = client.get("/careers/certifications").get_data(as_text=True)
    assert "once the question bank has been imported" in html


# ------------------------------------------------------------------ the questionnaire
def test_questionnaire_is_an_accessible_form(client):
    html = client.get("/careers/assessment").get_data(as_text=True)
    assert html.count("<fieldset") == 3 and html.count("<legend>") == 3
    assert 'type="number"' in html and 'type="date"' in html


def test_bad_questionnaire_shows_each_fields_error(client):
    response = client.post("/careers/assessment", data=questionnaire(setting="", weekly_hours="90", target_date=date.today().isoformat()))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="setting-error"' in html and "Choose the setting you would most like to work in." in html
    assert 'id="weekly_hours-error"' in html and "from 1 to 60" in html
    assert 'id="target_date-error"' in html and "at least a week from today" in html
    assert 'aria-describedby="setting-hint setting-error"' in html
    assert 'href="#setting"' in html  # the error summary links to the group
    assert re.search(r'<input checked id="work_style-0"[^>]*value="detail"', html)  # good answers are kept


def test_questionnaire_rejects_unknown_answers_and_far_dates(client):
    response = client.post(
        "/careers/assessment",
        data=questionnaire(interest="astrology", target_date=(date.today() + timedelta(days=5 * 365)).isoformat()),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Not a valid choice" in html and "within the next three years" in html


# ------------------------------------------------------------------ the diagnostic
def test_diagnostic_without_a_questionnaire_goes_back_to_it(client):
    response = client.get("/careers/assessment/diagnostic")
    assert response.status_code == 302 and response.headers["Location"].endswith("/careers/assessment")
    assert client.get("/careers/assessment/result").status_code == 302


def test_diagnostic_page_has_no_answer_key_or_rationale(client, app, small_bank):
    html, keys = start(client)
    assert len(keys) == 20
    assert RATIONALE_MARKER not in html
    assert "Rationale" not in html and "Why not" not in html
    assert "checked" not in html  # nothing pre-selected, so no option is marked out
    assert html.count("<fieldset") == 20 and html.count("<legend>Question ") == 20
    # every option of every item is present, identically, so the markup reveals nothing
    assert html.count('value="A"') == html.count('value="B"') == html.count('value="C"') == html.count('value="D"') == 20
    # the cookie (readable by the browser, signed not encrypted) holds a random token only: the
    # run (preferences, items drawn, answers) is on the server, which keeps the token's SHA-256
    held = session_data(client, app)
    token = held[career_service.SESSION_KEY]
    assert isinstance(token, str) and len(token) >= 40
    assert not any(k in repr(held) for k in keys) and "physician_practice" not in repr(held)
    run = the_run()
    assert run.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert json.loads(run.item_keys_json) == keys and run.user_id is None and run.submitted_at is None


def test_incomplete_diagnostic_names_the_gaps_and_keeps_the_answers(client, small_bank):
    _, keys = start(client)
    answers = answers_of(keys)
    data = {f"q-{k}": v for k, v in answers.items() if k not in (keys[2], keys[5])}
    response = client.post("/careers/assessment/diagnostic", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "2 questions are still unanswered" in html
    assert 'href="#question-3"' in html and 'href="#question-6"' in html
    assert 'id="question-3-error"' in html and 'id="question-1-error"' not in html
    # the answers given are still selected
    kept = re.findall(r'name="q-([a-z0-9-]+)" value="([A-Z]|dont-know)" checked', html)
    assert len(kept) == 18
    assert dict(kept)[keys[0]] == answers[keys[0]]
    assert RATIONALE_MARKER not in html


def test_the_whole_anonymous_flow_ends_on_a_result(client, small_bank):
    keys = finish(client)
    response = client.get("/careers/assessment/result")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Suggested path: Outpatient and physician coding" in html
    assert "CPC, Certified Professional Coder" in html
    assert "You would most like to work in a physician practice" in html  # reason from the answer
    assert "The alternatives" in html and "CCS (Certified Coding Specialist)" in html and "CPB (Certified Professional Biller)" in html
    assert '<title id="area-chart-title">' in html and "Diagnostic score by area" in html
    assert "Your study plan for the CPC" in html and "30 weeks × 6 hours a week = 180 hours" in html
    assert re.search(r'href="/practice[^"]*\?exam=CPC&amp;topic=', html)
    assert "$45,000–$60,000" in html and "Coding auditor" in html
    assert "medicalbillingcertificationprograms.org" in html
    # after submission the review may show the answers and rationales
    assert RATIONALE_MARKER in html and len(keys) == 20
    # anonymous: saving asks to sign up and come back to the save page
    assert 'href="/account/signup?next=/careers/results/save"' in html


def test_the_plan_starts_with_the_weakest_sections_linked_to_practice(client, small_bank):
    _, keys = start(client)
    answers = answers_of(keys)
    for key in keys:
        if key.startswith(("car-term", "car-anat")):
            answers[key] = career_service.DONT_KNOW
    client.post("/careers/assessment/diagnostic", data={f"q-{k}": v for k, v in answers.items()})
    html = client.get("/careers/assessment/result").get_data(as_text=True)
    start_with = html[html.index("Start with these sections") : html.index("All sections of the CPC")]
    links = re.findall(r'href="(/practice[^"]*)"', start_with)
    # terminology and anatomy scored 0%; everything else 100%, so the largest section (ICD-10-CM) comes next
    assert [link.split("topic=")[1] for link in links] == ["medical-terminology", "anatomy", "icd-10-cm"]
    assert all("exam=CPC" in link for link in links)


def test_a_submitted_diagnostic_cannot_be_answered_again(client, small_bank):
    keys = finish(client)
    response = client.get("/careers/assessment/diagnostic")
    assert response.status_code == 302 and response.headers["Location"].endswith("/careers/assessment/result")
    response = client.post("/careers/assessment/diagnostic", data={})
    assert response.status_code == 409 and "already answered this diagnostic" in response.get_data(as_text=True)
    # taking it again draws a new diagnostic
    _, again = start(client)
    assert len(again) == len(keys)


# ------------------------------------------------------------------ saving
def test_anonymous_users_are_sent_to_sign_in_for_the_save_page(client, small_bank):
    finish(client)
    response = client.get("/careers/results/save")
    assert response.status_code == 302 and "/account/signin" in response.headers["Location"]
    assert client.post("/careers/results/save").status_code == 302
    assert client.get("/careers/results").status_code == 302


def test_sign_up_then_save_keeps_the_result(client, app, small_bank):
    finish(client)
    response = client.post(
        "/account/signup?next=/careers/results/save",
        data={"email": "ana@example.org", "password": "a sturdy password 42", "confirm": "a sturdy password 42"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/careers/results/save"
    page = client.get("/careers/results/save")
    assert page.status_code == 200 and "Save my result" in page.get_data(as_text=True)
    saved = client.post("/careers/results/save")
    assert saved.status_code == 302
    location = saved.headers["Location"]
    assert re.fullmatch(r"/careers/results/\d+", location)
    shown = client.get(location).get_data(as_text=True)
    assert "Saved result of" in shown and "Suggested path: Outpatient and physician coding" in shown
    assert RATIONALE_MARKER not in shown  # only scores are kept, not the items
    listing = client.get("/careers/results").get_data(as_text=True)
    assert location in listing and "CPC" in listing
    # the result page now says it is saved; saving again keeps one copy
    assert "This result is saved to your account" in client.get("/careers/assessment/result").get_data(as_text=True)
    assert client.post("/careers/results/save").headers["Location"] == location


def test_a_signed_in_user_saves_with_one_button(client, login_as, small_bank):
    login_as("learner")
    finish(client)
    html = client.get("/careers/assessment/result").get_data(as_text=True)
    assert 'action="/careers/results/save"' in html and "/account/signup" not in html.split("Keep this result")[1].split("</section>")[0]
    assert client.post("/careers/results/save").status_code == 302


def test_save_without_a_result_goes_to_the_questionnaire(client, login_as):
    login_as("learner")
    response = client.post("/careers/results/save")
    assert response.status_code == 302 and response.headers["Location"].endswith("/careers/assessment")


def test_another_users_saved_result_is_not_reachable(client, app, login_as, small_bank):
    owner = make_user()
    from study.careers.recommend import Preferences

    token = career_service.start_run(Preferences("hospital", "detail", "clinical", 5, date(2027, 1, 4)))
    run = career_service.get_run(token)
    career_service.submit_diagnostic(run, answers_of(json.loads(run.item_keys_json)))
    theirs = career_service.save_result(owner, run, date.today())

    login_as("learner")
    assert client.get(f"/careers/results/{theirs.id}").status_code == 404
    assert client.get("/careers/results/999999").status_code == 404
    listing = client.get("/careers/results").get_data(as_text=True)
    assert f"/careers/results/{theirs.id}" not in listing and "no saved results yet" in listing


def test_small_bank_fixture_is_what_the_tests_expect():
    assert sum(1 for *_, status in SMALL_BANK_ITEMS if status == "published") == 24


# ------------------------------------------------------------------ issue 12: keys, replays, limits
def test_replaying_the_cookie_from_before_submission_gets_409_and_changes_nothing(client, app, small_bank):
    """Regression: the cookie used to hold the run, so the cookie from before submission could
    submit again (and see the key twice). Now the run is final on the server."""
    _, keys = start(client)
    cookie_name = app.config.get("SESSION_COOKIE_NAME", "session")
    before = client.get_cookie(cookie_name).value
    wrong = {k: ("A" if v != "A" else "B") for k, v in answers_of(keys).items()}
    response = client.post("/careers/assessment/diagnostic", data={f"q-{k}": v for k, v in wrong.items()})
    assert response.status_code == 302
    submitted = the_run()
    stored, at = submitted.answers_json, submitted.submitted_at
    client.set_cookie(cookie_name, before)  # the replay
    replay = client.post("/careers/assessment/diagnostic", data={f"q-{k}": v for k, v in answers_of(keys).items()})
    assert replay.status_code == 409
    run = the_run()
    assert (run.answers_json, run.submitted_at) == (stored, at)
    html = client.get("/careers/assessment/result").get_data(as_text=True)
    scores = re.findall(r"<td>(\d+) of (\d+)</td>", html)
    assert len(scores) == 5 and {c for c, _ in scores} == {"0"}  # still the wrong answers' result
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CareerRun)) == 1


def test_fifteen_anonymous_runs_show_only_the_diagnostic_pool(app, small_bank):
    """Regression: 15 anonymous runs collected 214 published items with keys and rationales. The
    diagnostic now draws only items reserved for it, never one served in exams or practice."""
    shown: set[str] = set()
    for _ in range(15):
        client = app.test_client()
        keys = finish(client)
        shown.update(keys)
        html = client.get("/careers/assessment/result").get_data(as_text=True)
        assert not any(f"Sample question {k} " in html for k in NEVER_DRAWN)
    pools = dict(db.session.execute(sa.select(Item.key, Item.reserved)).all())
    assert shown and {pools[k] for k in shown} == {"diagnostic"}


def test_a_signed_in_users_run_is_theirs_and_saving_reads_the_run(client, login_as, small_bank):
    user = login_as("learner")
    finish(client)
    run = the_run()
    assert run.user_id == user.id and run.submitted_at is not None
    saved = client.post("/careers/results/save")
    assert saved.status_code == 302
    run = the_run()
    assert saved.headers["Location"] == f"/careers/results/{run.saved_assessment_id}"
    # after signing out, the same cookie no longer opens the (now private) run
    client.post("/account/signout")
    assert client.get("/careers/assessment/result").status_code == 302


def test_an_old_token_opens_nothing(client, app, small_bank):
    finish(client)
    run = the_run()
    run.created_at = run.created_at - career_service.RUN_KEEP - timedelta(hours=1)
    db.session.commit()
    response = client.get("/careers/assessment/result")
    assert response.status_code == 302 and response.headers["Location"].endswith("/careers/assessment")
    start(client)  # a new run deletes the old one
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CareerRun)) == 1


@pytest.fixture
def limited(database_url, instance_path, small_bank):
    app = make_app(
        database_url,
        instance_path,
        RATELIMIT_ENABLED=True,
        CAREERS_START_LIMIT_PER_IP="3 per hour",
        CAREERS_SUBMIT_LIMIT_PER_IP="4 per hour",
    )
    with app.app_context():
        limiter.reset()
        yield app
        limiter.reset()


def test_starting_a_diagnostic_is_rate_limited_per_ip(limited):
    client = limited.test_client()
    codes = [client.post("/careers/assessment", data=questionnaire()).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CareerRun)) == 3  # no fourth draw
    # another address is not affected; the page itself (GET) is not limited
    other = limited.test_client()
    assert other.post("/careers/assessment", data=questionnaire(), environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302
    assert client.get("/careers/assessment").status_code == 200


def test_submitting_the_diagnostic_is_rate_limited_per_ip(limited):
    client = limited.test_client()
    client.post("/careers/assessment", data=questionnaire())
    codes = [client.post("/careers/assessment/diagnostic", data={}).status_code for _ in range(5)]
    assert codes == [400, 400, 400, 400, 429]
    assert the_run().submitted_at is None


def test_default_limits_are_set(client):
    from study.careers import routes

    assert routes.START_LIMIT_PER_IP == "10 per hour" and routes.SUBMIT_LIMIT_PER_IP == "30 per hour"
