import re

import pytest

from study.extensions import db
from study.models import User
from tests.factories import PASSWORD, make_user


def signup(client, email="new@example.org", password="a good long password", confirm=None, **extra):
    return client.post(
        "/account/signup",
        data={"email": email, "password": password, "confirm": confirm or password, **extra},
    )


def test_signup_creates_learner_and_signs_in(client):
    response = signup(client, email="New@Example.org")
    assert response.status_code == 302
    user = db.session.scalar(db.select(User))
    assert user.email == "new@example.org"
    assert user.role == "learner"
    assert user.password_hash.startswith("scrypt:")
    assert "a good long password" not in user.password_hash
    home = client.get("/").get_data(as_text=True)
    # the new account is greeted once, and never as "welcome back" beside "your account is ready"
    assert "Your account is ready" in home and "Hello, " in home and "Welcome back" not in home
    assert "Create a free account" not in home  # the signed-in home is the learner's page, not the marketing page
    again = client.get("/").get_data(as_text=True)
    assert "Welcome back" in again and "Your account is ready" not in again


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "not-an-email"}, "Invalid email address"),
        ({"password": "short", "confirm": "short"}, "at least 10 characters"),
        ({"confirm": "something else entirely"}, "do not match"),
    ],
)
def test_signup_bad_form_shows_field_error_and_creates_nothing(client, data, message):
    response = signup(client, **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_signup_with_a_taken_address_does_not_say_so_and_notifies_its_owner(client, tmp_path, monkeypatch):
    monkeypatch.setenv("MAIL_OUTBOX", str(tmp_path / "outbox"))
    make_user(email="taken@example.org")
    response = signup(client, email="TAKEN@example.org")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already exists" not in page and "Check your e-mail" in page
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1
    [notice] = list((tmp_path / "outbox").glob("*.eml"))
    text = notice.read_text()
    assert "To: taken@example.org" in text and "no new account was made" in text
    assert "Sign out" not in client.get("/").get_data(as_text=True)  # not signed in as anyone


def test_signin_and_signout(client):
    make_user(email="ann@example.org")
    response = client.post("/account/signin", data={"email": "ann@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Sign out" in client.get("/").get_data(as_text=True)
    response = client.post("/account/signout")
    assert response.status_code == 302
    assert "Sign out" not in client.get("/").get_data(as_text=True)


def test_signin_wrong_password_same_message_as_unknown_account(client):
    make_user(email="ann@example.org")
    wrong = client.post("/account/signin", data={"email": "ann@example.org", "password": "wrong password!"})
    unknown = client.post("/account/signin", data={"email": "nobody@example.org", "password": "wrong password!"})
    assert wrong.status_code == unknown.status_code == 400
    message = "The e-mail address or the password is not right."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/account/password", "/account/password"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirects_only_to_local_paths(client, target, expected):
    make_user(email="ann@example.org")
    response = client.post("/account/signin", query_string={"next": target}, data={"email": "ann@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_change_password_signs_out_other_sessions(app, client):
    user = make_user(email="ann@example.org")
    other = app.test_client()
    for c in (client, other):
        c.post("/account/signin", data={"email": "ann@example.org", "password": PASSWORD})
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": "a brand new password", "confirm": "a brand new password"},
    )
    assert response.status_code == 302
    assert client.get("/account/password").status_code == 200  # this session stays signed in
    assert other.get("/account/password").status_code == 302  # the other one is signed out
    db.session.refresh(user)
    client.post("/account/signout")
    ok = client.post("/account/signin", data={"email": "ann@example.org", "password": "a brand new password"})
    assert ok.status_code == 302


def test_change_password_wrong_current_changes_nothing(client, login_as):
    user = login_as("learner")
    before = user.password_hash
    response = client.post(
        "/account/password", data={"current": "not my password", "password": "another password x", "confirm": "another password x"}
    )
    assert response.status_code == 400
    assert "current password is not right" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == before


def test_session_cookie_flags(client):
    make_user(email="ann@example.org")
    response = client.post("/account/signin", data={"email": "ann@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert re.search(r"SameSite=Lax", cookie)


@pytest.mark.parametrize(
    "sent, stored",
    [("America/Chicago", "America/Chicago"), ("", "UTC"), ("Mars/Olympus_Mons", "UTC"), ("UTC", "UTC")],
)
def test_signup_stores_the_time_zone_the_browser_detected(client, sent, stored):
    """The sign-up form's hidden field (filled by static/js/time-zone.js) sets the account's zone;
    without JavaScript, or with a zone that does not exist, the account stays on UTC (issue 18)."""
    assert signup(client, time_zone=sent).status_code == 302
    user = db.session.scalar(db.select(User))
    assert user.time_zone == stored


def test_the_home_page_shows_times_in_the_learners_zone(client, login_as, learning_bank):
    from datetime import datetime, timezone

    from study.services import practice

    lee = login_as("learner", time_zone="America/Chicago")
    started = datetime(2026, 7, 1, 15, 0, tzinfo=timezone.utc)
    practice.start_practice(lee, practice.PracticeChoice("CPC", ["icd-10-cm"], None, 2, "all"), started)
    home = client.get("/").get_data(as_text=True)
    assert "2026-07-01 10:00 CDT" in home and "15:00 UTC" not in home


def test_a_new_account_signed_out_before_seeing_home_is_welcomed_back_next_time(client):
    """The new account's greeting is for the sign-up only: signing in again says "welcome back"."""
    assert signup(client, email="fay@example.org").status_code == 302  # to the exam-and-date page
    client.post("/account/signout")
    client.post("/account/signin", data={"email": "fay@example.org", "password": "a good long password"})
    home = client.get("/").get_data(as_text=True)
    assert "Welcome back" in home and "Hello, " not in home
