"""The career explorer and the self-assessment over HTTP: public pages with sourced figures, the
anonymous flow (about you, the sample tasks, the result), bad input, answer keys kept out of the
pages until submission, the cookie (a token only; the run is on the server), final submissions,
the optional knowledge check and its own item pool, saving by signing up or in (no second
button), privacy and rate limits."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from study.careers import aptitude
from study.extensions import db, limiter
from study.models import CareerAssessment, CareerRun, Item
from study.services import bank
from study.services import careers as career_service
from tests.careers import NEVER_DRAWN, RATIONALE_MARKER, SMALL_BANK_ITEMS, answers_of, write_small_bank
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import make_user
from tests.support import make_app

FIELD = re.compile(r'name="q-([a-z0-9-]+)"')
PASSWORD = "a sturdy password 42"


@pytest.fixture
def small_bank(app, tmp_path):
    bank.import_bank(write_small_bank(tmp_path / "bank"))


def questionnaire(**overrides):
    data = {
        "healthcare": "none",
        "customer_service": "yes",
        "schooling": "high_school",
        "budget": "medium",
        "income": "year",
        "screen": "enjoy",
        "setting": "physician_practice",
        "work_style": "detail",
        "interest": "clinical",
        "weekly_hours": "6",
        "target_date": (date.today() + timedelta(weeks=30)).isoformat(),
    }
    data.update(overrides)
    return data


def task_answers(right: int | None = None, wrong: set[str] = frozenset()) -> dict[str, str]:
    """Form data for the sample tasks: every task right except those in `wrong` (or only the
    first `right` tasks right)."""
    data = {}
    for number, task in enumerate(aptitude.tasks()):
        correct = task.key not in wrong if right is None else number < right
        other = next(letter for letter in task.letters if letter != task.answer)
        data[task.field_name] = task.answer if correct else other
    return data


def start(client, **overrides):
    response = client.post("/careers/assessment", data=questionnaire(**overrides))
    assert response.status_code == 302 and response.headers["Location"].endswith("/careers/assessment/tasks")
    page = client.get("/careers/assessment/tasks")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def finish(client, answers=None, **overrides):
    start(client, **overrides)
    response = client.post("/careers/assessment/tasks", data=answers if answers is not None else task_answers())
    assert response.status_code == 302 and response.headers["Location"].endswith("/careers/assessment/result")


def start_knowledge(client):
    response = client.post("/careers/assessment/knowledge")
    assert response.status_code == 302 and response.headers["Location"].endswith("/careers/assessment/diagnostic")
    page = client.get("/careers/assessment/diagnostic")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return html, list(dict.fromkeys(FIELD.findall(html)))


def finish_knowledge(client):
    _, keys = start_knowledge(client)
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


def saved_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CareerAssessment))


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
        ("/careers/salaries", "$38,000–$48,000 a year"),
        ("/careers/education", "14–24 months"),
        ("/careers/certifications", "CPC-A apprentice label"),
        ("/careers/costs", "Exam fees and retakes"),
        ("/careers/first-job", "Payment posting"),
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


def test_salary_page_gives_bls_and_survey_figures_with_sources_and_dates(client):
    html = client.get("/careers/salaries").get_data(as_text=True)
    assert 'role="img" aria-labelledby="salary-chart-title salary-chart-desc"' in html
    assert "Revenue cycle analyst or auditor" in html and "$70,000–$95,000 a year" in html
    assert "U.S. Bureau of Labor Statistics" in html and "$50,250 a year" in html and "2024–2034" in html
    assert "AAPC 2025 salary survey" in html
    assert "read 7 December 2026" in html
    assert "$60,000–$90,000+" not in html  # the article's second, disagreeing list is gone
    assert "where you live, the credentials you hold and who employs you" in html


def test_costs_and_first_job_pages_show_sourced_facts(client):
    costs = client.get("/careers/costs").get_data(as_text=True)
    assert "$499" in costs and "CEUs needed every two years" in costs and "read 7 December 2026" in costs
    assert "have not found list prices" in costs  # honest about what is missing
    first = client.get("/careers/first-job").get_data(as_text=True)
    for role in ("Front-desk registration", "Charge entry", "Payment posting", "Coding validation"):
        assert role in first
    assert "two years" in first and "Remote work" in first and "What hiring managers ask for" in first


def test_certifications_show_the_exam_formats_from_the_blueprints(client, small_bank):
    html = client.get("/careers/certifications").get_data(as_text=True)
    for code in ("CPC", "CPC-A", "CCS", "CCS-P", "CPB", "CIC", "RHIA/RHIT"):
        assert f"{code}:" in html
    assert "100 multiple-choice questions" in html  # CPC, summed from its blueprint
    assert "135 multiple-choice questions" in html  # CPB
    assert "and 5 case scenarios" in html  # CCS and CCS-P
    assert "240 minutes (4 hours)" in html and "70% correct" in html
    assert "10000 Series: integumentary system" in html and "No, our estimate" in html
    assert "CCS exam fee for AHIMA members: <strong>$299</strong>" in html


def test_certifications_without_blueprints_say_so(client):
    html = client.get("/careers/certifications").get_data(as_text=True)
    assert "once the question bank has been imported" in html


# ------------------------------------------------------------------ the questionnaire
def test_questionnaire_is_an_accessible_form(client):
    html = client.get("/careers/assessment").get_data(as_text=True)
    assert html.count("<fieldset") == 9 and html.count("<legend>") == 9
    assert 'type="number"' in html and 'type="date"' in html
    assert "How soon do you need an income" in html and "reading and typing at a screen" in html


def test_bad_questionnaire_shows_each_fields_error(client):
    response = client.post(
        "/careers/assessment", data=questionnaire(setting="", budget="", weekly_hours="90", target_date=date.today().isoformat())
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="setting-error"' in html and "Choose the setting you would most like to work in." in html
    assert 'id="budget-error"' in html and "Choose what you could spend on training." in html
    assert 'id="weekly_hours-error"' in html and "from 1 to 60" in html
    assert 'id="target_date-error"' in html and "at least a week from today" in html
    assert 'aria-describedby="setting-hint setting-error"' in html
    assert 'href="#setting"' in html  # the error summary links to the group
    assert re.search(r'<input checked id="work_style-0"[^>]*value="detail"', html)  # good answers are kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CareerRun)) == 0


def test_questionnaire_rejects_unknown_answers_and_far_dates(client):
    response = client.post(
        "/careers/assessment",
        data=questionnaire(interest="astrology", target_date=(date.today() + timedelta(days=5 * 365)).isoformat()),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Not a valid choice" in html and "within the next three years" in html


# ------------------------------------------------------------------ the sample tasks
def test_tasks_without_a_questionnaire_go_back_to_it(client):
    response = client.get("/careers/assessment/tasks")
    assert response.status_code == 302 and response.headers["Location"].endswith("/careers/assessment")
    assert client.get("/careers/assessment/result").status_code == 302
    assert client.get("/careers/assessment/diagnostic").status_code == 302


def test_task_page_has_no_answer_key_and_the_cookie_holds_a_token_only(client, app):
    html = start(client)
    tasks = aptitude.tasks()
    assert html.count("<fieldset") == len(tasks) == 16
    assert not re.search(r"<input[^>]*checked", html)
    for task in tasks:  # no explanation before submitting
        assert " ".join(task.why.split()[:8]) not in " ".join(html.split())
    held = session_data(client, app)
    token = held[career_service.SESSION_KEY]
    assert isinstance(token, str) and len(token) >= 40 and "physician_practice" not in repr(held)
    run = the_run()
    assert run.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert run.aptitude_at is None and json.loads(run.item_keys_json) == []  # no knowledge check drawn


def test_incomplete_tasks_name_the_gaps_keep_the_answers_and_change_nothing(client):
    start(client)
    data = task_answers()
    first, third = aptitude.tasks()[0], aptitude.tasks()[2]
    del data[first.field_name], data[third.field_name]
    response = client.post("/careers/assessment/tasks", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "2 tasks are still unanswered" in html
    assert f'href="#task-{first.key}"' in html and f'id="task-{third.key}-error"' in html
    assert len(re.findall(r'name="t-[a-z0-9-]+" value="[A-D]" checked', html)) == 14
    assert the_run().aptitude_at is None


def test_a_strong_newcomer_is_told_to_start_with_the_foundations(client, small_bank):
    finish(client)
    html = client.get("/careers/assessment/result").get_data(as_text=True)
    assert "The evidence suggests this field suits you." in html
    assert "Suggested path: Outpatient and physician coding" in html
    assert "CPC, Certified Professional Coder" in html
    assert "16 of 16 right" in html
    assert "Your beginner's plan for the CPC" in html and "30 weeks × 6 hours a week = 180 hours" in html
    plan = html[html.index("Your beginner's plan") :]
    assert plan.index("Foundations") < plan.index("The code sets") < plan.index("Exam practice")
    # weeks link only to practice sets that exist (the small bank has terminology for the CPC in the open pool? no:
    # its items are reserved for the knowledge check, so no foundation step links to practice)
    assert "No practice set for this yet." in plan
    # the key and why of every task are shown after submission
    assert aptitude.tasks()[0].why.split("\n")[0][:40] in html
    assert "Already studying? (optional)" in html


def test_a_poor_fit_is_told_plainly(client):
    finish(client, answers=task_answers(right=5), screen="dislike")
    html = client.get("/careers/assessment/result").get_data(as_text=True)
    assert "The evidence suggests this field may not suit you." in html
    assert "dislike a day at a screen" in html and "5 of 16 sample tasks right" in html
    assert "If you still want to try: suggested path" in html


def test_submitted_tasks_are_final(client):
    finish(client)
    response = client.get("/careers/assessment/tasks")
    assert response.status_code == 302 and response.headers["Location"].endswith("/careers/assessment/result")
    response = client.post("/careers/assessment/tasks", data=task_answers(right=0))
    assert response.status_code == 409 and "already done the sample tasks" in response.get_data(as_text=True)
    assert "16 of 16 right" in client.get("/careers/assessment/result").get_data(as_text=True)


def test_replaying_the_cookie_from_before_the_tasks_gets_409_and_changes_nothing(client, app):
    start(client)
    cookie_name = app.config.get("SESSION_COOKIE_NAME", "session")
    before = client.get_cookie(cookie_name).value
    assert client.post("/careers/assessment/tasks", data=task_answers(right=0)).status_code == 302
    stored, at = the_run().aptitude_json, the_run().aptitude_at
    client.set_cookie(cookie_name, before)  # the replay
    assert client.post("/careers/assessment/tasks", data=task_answers()).status_code == 409
    run = the_run()
    assert (run.aptitude_json, run.aptitude_at) == (stored, at)
    assert "0 of 16 right" in client.get("/careers/assessment/result").get_data(as_text=True)


# ------------------------------------------------------------------ the optional knowledge check
def test_the_knowledge_check_needs_the_tasks_first(client, small_bank):
    start(client)
    response = client.post("/careers/assessment/knowledge")
    assert response.status_code == 302 and response.headers["Location"].endswith("/careers/assessment/tasks")
    assert json.loads(the_run().item_keys_json) == []


def test_knowledge_check_page_has_no_answer_key_or_rationale(client, small_bank):
    finish(client)
    html, keys = start_knowledge(client)
    assert len(keys) == 20
    assert RATIONALE_MARKER not in html and not re.search(r"<input[^>]*checked", html)
    assert html.count('value="A"') == html.count('value="B"') == html.count('value="C"') == html.count('value="D"') == 20
    assert json.loads(the_run().item_keys_json) == keys
    # starting it again keeps the same draw
    client.post("/careers/assessment/knowledge")
    assert json.loads(the_run().item_keys_json) == keys


def test_incomplete_knowledge_check_names_the_gaps_and_keeps_the_answers(client, small_bank):
    finish(client)
    _, keys = start_knowledge(client)
    answers = answers_of(keys)
    data = {f"q-{k}": v for k, v in answers.items() if k not in (keys[2], keys[5])}
    response = client.post("/careers/assessment/diagnostic", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "2 questions are still unanswered" in html
    assert 'href="#question-3"' in html and 'href="#question-6"' in html
    kept = re.findall(r'name="q-([a-z0-9-]+)" value="([A-Z]|dont-know)" checked', html)
    assert len(kept) == 18 and RATIONALE_MARKER not in html


def test_the_knowledge_check_adds_scores_and_can_shorten_the_foundations(client, small_bank):
    finish(client)
    keys = finish_knowledge(client)
    html = client.get("/careers/assessment/result").get_data(as_text=True)
    assert "Your knowledge check by area" in html and '<title id="area-chart-title">' in html
    assert "so the first phase is shorter" in html  # terminology 100%
    assert RATIONALE_MARKER in html and len(keys) == 20
    assert "Already studying? (optional)" not in html
    response = client.post("/careers/assessment/diagnostic", data={})
    assert response.status_code == 409 and "already answered this knowledge check" in response.get_data(as_text=True)


def test_fifteen_runs_show_only_the_knowledge_check_pool(app, small_bank):
    """Regression: 15 anonymous runs collected 214 published items with keys and rationales. The
    knowledge check draws only items reserved for it, never one served in exams or practice."""
    shown: set[str] = set()
    for _ in range(15):
        client = app.test_client()
        finish(client)
        shown.update(finish_knowledge(client))
        html = client.get("/careers/assessment/result").get_data(as_text=True)
        assert not any(f"Sample question {k} " in html for k in NEVER_DRAWN)
    pools = dict(db.session.execute(sa.select(Item.key, Item.reserved)).all())
    assert shown and {pools[k] for k in shown} == {"diagnostic"}


def test_small_bank_fixture_is_what_the_tests_expect():
    assert sum(1 for *_, status in SMALL_BANK_ITEMS if status == "published") == 24


# ------------------------------------------------------------------ saving: by signing up or in, no second button
def test_anonymous_result_asks_to_sign_up_and_returns_to_it(client):
    finish(client)
    html = client.get("/careers/assessment/result").get_data(as_text=True)
    box = html.split("Keep this result")[1].split("</section>")[0]
    assert 'href="/account/signup?next=/careers/assessment/result"' in box
    assert 'href="/account/signin?next=/careers/assessment/result"' in box
    assert "<form" not in box  # no save button
    assert client.get("/careers/results").status_code == 302


def test_signing_up_saves_the_result_with_no_second_button(client):
    finish(client)
    response = client.post(
        "/account/signup?next=/careers/assessment/result",
        data={"email": "ana@example.org", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/careers/assessment/result"
    assert saved_count() == 1
    saved = db.session.scalar(sa.select(CareerAssessment))
    assert saved.recommended_certification == "CPC" and saved.aptitude["reading"] == {"correct": 4, "total": 4}
    html = client.get("/careers/assessment/result").get_data(as_text=True)
    assert "This is your saved result." in html and f"/careers/results/{saved.id}" in html
    shown = client.get(f"/careers/results/{saved.id}").get_data(as_text=True)
    assert "Your saved result of" in shown and "The evidence suggests this field suits you." in shown
    assert "Your beginner's plan for the CPC" in shown
    home = client.get("/").get_data(as_text=True)
    assert "Your saved result" in home and f"/careers/results/{saved.id}" in home
    listing = client.get("/careers/results").get_data(as_text=True)
    assert "Your saved career results" in listing and f"/careers/results/{saved.id}" in listing


def test_signing_in_saves_the_result_too(client):
    user = make_user()
    finish(client)
    response = client.post("/account/signin?next=/careers/assessment/result", data={"email": user.email, "password": FACTORY_PASSWORD})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(CareerAssessment.user_id)) == user.id


def test_a_signed_in_users_result_is_saved_once_and_follows_the_knowledge_check(client, login_as, small_bank):
    user = login_as("learner")
    finish(client)
    run = the_run()
    assert run.user_id == user.id and run.saved_assessment_id is not None and saved_count() == 1
    html = client.get("/careers/assessment/result").get_data(as_text=True)
    assert "This is your saved result." in html
    finish_knowledge(client)
    assert saved_count() == 1
    db.session.expire_all()
    assert db.session.scalar(sa.select(CareerAssessment)).area_scores  # the saved copy follows the run
    # after signing out, the same cookie no longer opens the (now private) run
    client.post("/account/signout")
    assert client.get("/careers/assessment/result").status_code == 302


def test_another_users_saved_result_is_not_reachable(client, login_as):
    owner = make_user()
    from study.careers.recommend import Preferences

    token = career_service.start_run(Preferences("hospital", "detail", "clinical", 5, date(2027, 1, 4)))
    run = career_service.get_run(token)
    career_service.submit_tasks(run, {t.key: t.answer for t in aptitude.tasks()})
    theirs = career_service.save_result(owner, run, date.today())

    login_as("learner")
    assert client.get(f"/careers/results/{theirs.id}").status_code == 404
    assert client.get("/careers/results/999999").status_code == 404
    listing = client.get("/careers/results").get_data(as_text=True)
    assert f"/careers/results/{theirs.id}" not in listing and "no saved result yet" in listing
    # and signing in with that run's cookie would not move it: it is the owner's
    assert career_service.save_on_sign_in(make_user(), token, date.today()) is None


def test_an_old_token_opens_nothing(client):
    finish(client)
    run = the_run()
    run.created_at = run.created_at - career_service.RUN_KEEP - timedelta(hours=1)
    db.session.commit()
    response = client.get("/careers/assessment/result")
    assert response.status_code == 302 and response.headers["Location"].endswith("/careers/assessment")
    start(client)  # a new run deletes the old one
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CareerRun)) == 1


# ------------------------------------------------------------------ rate limits
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


def test_starting_a_self_assessment_is_rate_limited_per_ip(limited):
    client = limited.test_client()
    codes = [client.post("/careers/assessment", data=questionnaire()).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CareerRun)) == 3
    other = limited.test_client()
    assert other.post("/careers/assessment", data=questionnaire(), environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302
    assert client.get("/careers/assessment").status_code == 200


def test_submitting_the_tasks_is_rate_limited_per_ip(limited):
    client = limited.test_client()
    client.post("/careers/assessment", data=questionnaire())
    codes = [client.post("/careers/assessment/tasks", data={}).status_code for _ in range(5)]
    assert codes == [400, 400, 400, 400, 429]
    assert the_run().aptitude_at is None


def test_default_limits_are_set(client):
    from study.careers import routes

    assert routes.START_LIMIT_PER_IP == "10 per hour" and routes.SUBMIT_LIMIT_PER_IP == "30 per hour"


def test_a_new_account_from_a_career_result_starts_with_its_exam_and_date(client, app):
    bank.import_bank(app.config["QUESTION_BANK"])  # the exams' blueprints
    finish(client)
    client.post(
        "/account/signup?next=/careers/assessment/result",
        data={"email": "new@example.org", "password": PASSWORD, "confirm": PASSWORD},
    )
    from study.models import User

    user = db.session.scalar(sa.select(User).where(User.email == "new@example.org"))
    assert user.target_exam == "CPC" and user.exam_date == date.today() + timedelta(weeks=30)
    assert "Preparing for the <strong>CPC</strong>" in client.get("/").get_data(as_text=True)
