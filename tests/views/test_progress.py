from tests.factories import PASSWORD, make_user


def test_dashboard_of_an_exam_without_a_blueprint_is_404(client, login_as):
    login_as("learner")
    assert client.get("/progress?exam=CPC").status_code == 404  # no bank imported: no blueprint
    assert client.get("/progress?exam=NOPE").status_code == 404


def test_dashboard_with_bank_and_data_downloads(client, login_as, tmp_path, app):
    from study.services import bank
    from tests.learning_bank import write_learning_bank

    bank.import_bank(write_learning_bank(tmp_path / "bank"))
    login_as("learner")
    body = client.get("/progress?exam=CPC").get_data(as_text=True)
    assert "Mastery by section" in body and 'role="img"' in body and "too little evidence" in body
    assert client.get("/account/data.json").get_json()["answers"] == []
    csv = client.get("/account/data.csv")
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).startswith("attempt_id,")
    assert client.get("/account/data.xml").status_code == 404


def test_other_learners_dashboards_are_refused(client, login_as):
    other = make_user()
    login_as("learner")
    assert client.get(f"/progress/learners/{other.id}").status_code == 403
    login_as("instructor")
    assert client.get(f"/progress/learners/{other.id}").status_code == 403


def test_delete_account_needs_the_password(client, login_as):
    from study.extensions import db
    from study.models import User

    user_id = login_as("learner").id
    wrong = client.post("/account/delete", data={"password": "not it"})
    assert wrong.status_code == 400 and db.session.get(User, user_id) is not None
    ok = client.post("/account/delete", data={"password": PASSWORD})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    assert client.get("/progress").status_code == 302  # signed out


def test_weakest_section_starts_a_practice_set_in_one_click(client, login_as, tmp_path):
    from datetime import datetime, timezone

    from study.services import attempts, bank, practice
    from tests.learning_bank import write_learning_bank

    bank.import_bank(write_learning_bank(tmp_path / "bank"))
    user = login_as("learner")
    now = datetime.now(timezone.utc)
    attempt = practice.start_practice(user, practice.PracticeChoice("CPC", ["icd-10-cm"], None, 6, "all"), now)
    for ai in attempt.items:
        item = attempts.version_item(ai)
        wrong = next(o.letter for o in attempts.shown_options(ai, item) if o.original not in item.answer)
        practice.answer(user, attempt.id, ai.position, [wrong], 30, now)
    page = client.get("/progress?exam=CPC").get_data(as_text=True)
    assert "Practise 10 now" in page
    start = client.post("/practice", data={"exam": "CPC", "size": "10", "mode": "all", "topics": ["icd-10-cm"]})
    assert start.status_code == 302 and "/practice/" in start.headers["Location"]


def test_pace_reads_as_minutes_per_question_beside_the_exam_pace(client, login_as, learning_bank):
    """Issue 18: "1.8 min/question (exam pace 2.4)"."""
    from datetime import datetime, timezone

    from study.services import attempts as attempt_service
    from study.services import practice

    lee = login_as("learner")
    now = datetime.now(timezone.utc)
    attempt = practice.start_practice(lee, practice.PracticeChoice("CPC", ["icd-10-cm"], None, 2, "all"), now)
    for ai in attempt.items:
        item = attempt_service.version_item(ai)
        practice.answer(lee, attempt.id, ai.position, attempt_service.to_shown(ai, item, list(item.answer)), 108, now)
    body = client.get("/progress?exam=CPC").get_data(as_text=True)
    assert "Pace: 1.8 min/question (exam pace 2.4)." in body


def test_the_dashboard_opens_with_one_next_step(client, login_as, learning_bank):
    """Issue 18: one primary recommendation at the top: the diagnostic without evidence, else the
    section that moves readiness most."""
    login_as("learner")
    body = client.get("/progress?exam=CPC").get_data(as_text=True)
    assert body.index("Your next step") < body.index("Readiness")
    assert "Take a 20-question diagnostic" in body and body.count('class="card next-step"') == 1
