"""Server-side sessions: a cookie opens only the session it was issued for, and only while that
session lives. These reproduce the account-takeover findings of the security review."""

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from study.extensions import db
from study.models import CohortMember, User, UserSession
from study.services import users as user_service
from tests.factories import PASSWORD, make_user


def _signup(client, email):
    response = client.post("/account/signup", data={"email": email, "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    return client.get_cookie("session").value


def _client_with(app, cookie):
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def _signed_in(client) -> bool:
    return client.get("/account/password").status_code == 200


def test_a_deleted_accounts_cookie_does_not_open_the_next_account(app, client):
    """Critical finding: on SQLite the next account got the deleted one's id, and its old cookie
    (id:session_version) opened it, an admin's included."""
    cookie = _signup(client, "gone@example.org")
    old_id = db.session.scalar(sa.select(User.id).where(User.email == "gone@example.org"))
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    admin = user_service.create_user("boss@example.org", PASSWORD + "!", role="admin")
    assert admin.id != old_id  # ids are never reused
    replay = _client_with(app, cookie)
    assert replay.get("/admin/users").status_code == 302  # to the sign-in page
    assert not _signed_in(replay)
    stranger = _client_with(app, cookie)
    assert stranger.get("/account/data.json").status_code == 302


def test_signing_out_ends_the_session_on_the_server(app, client):
    cookie = _signup(client, "ann@example.org")
    assert _signed_in(_client_with(app, cookie))
    assert client.post("/account/signout").status_code == 302
    assert not _signed_in(_client_with(app, cookie))  # a copy of the cookie is worthless now
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0


def test_a_password_change_ends_every_other_session_and_keeps_this_one(app, client):
    cookie = _signup(client, "ann@example.org")
    laptop = app.test_client()
    assert laptop.post("/account/signin", data={"email": "ann@example.org", "password": PASSWORD}).status_code == 302
    new = "a brand new passphrase"
    changed = client.post("/account/password", data={"current": PASSWORD, "password": new, "confirm": new})
    assert changed.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(laptop)
    assert not _signed_in(_client_with(app, cookie))  # the cookie from before the change


def test_a_session_can_be_revoked_from_another_browser(app, client):
    _signup(client, "ann@example.org")
    phone = app.test_client()
    assert phone.post("/account/signin", data={"email": "ann@example.org", "password": PASSWORD}).status_code == 302
    page = client.get("/account/sessions")
    assert page.status_code == 200
    user = db.session.scalar(sa.select(User).where(User.email == "ann@example.org"))
    rows = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)).all()
    assert len(rows) == 2
    phone_row = max(rows, key=lambda r: r.id)
    assert client.post(f"/account/sessions/{phone_row.id}/revoke").status_code == 302
    assert not _signed_in(phone) and _signed_in(client)
    # another account's session cannot be revoked by id
    other = make_user()
    from study.services import user_sessions

    user_sessions.sign_in(other)
    theirs = db.session.scalar(sa.select(UserSession.id).where(UserSession.user_id == other.id))
    assert client.post(f"/account/sessions/{theirs}/revoke").status_code == 404
    assert db.session.get(UserSession, theirs) is not None


def test_sign_out_everywhere_else(app, client):
    _signup(client, "ann@example.org")
    tablet = app.test_client()
    tablet.post("/account/signin", data={"email": "ann@example.org", "password": PASSWORD})
    assert client.post("/account/sessions/others/revoke").status_code == 302
    assert not _signed_in(tablet) and _signed_in(client)


def test_a_forged_or_stale_token_is_refused(app, client):
    with client.session_transaction() as session:
        session["_user_id"] = "1:1"  # the old cookie format: id and session version
    assert not _signed_in(client)
    from study.services import user_sessions

    user = make_user()
    token = user_sessions.sign_in(user)
    row = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))
    row.last_seen_at = datetime(2020, 1, 1, tzinfo=timezone.utc)
    db.session.commit()
    assert user_sessions.load(token) is None  # idle too long


def test_user_ids_are_never_reused(app):
    first = make_user()
    first_id = first.id
    from study.services import progress

    progress.delete_account(first)
    assert make_user().id > first_id


def test_foreign_keys_are_enforced(app):
    """SQLite ran without PRAGMA foreign_keys: a deleted account left its cohort membership behind,
    and the next account inherited it."""
    db.session.add(CohortMember(cohort_id=999999, user_id=999999))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_sqlite_file_is_private(tmp_path):
    import os
    import stat

    from tests.support import make_app

    path = tmp_path / "private" / "site.sqlite"
    make_app(f"sqlite:///{path}", str(tmp_path / "instance"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_sign_in_rotates_the_csrf_token(app, database_url, instance_path):
    from tests.support import make_app

    strict = make_app(database_url, instance_path, WTF_CSRF_ENABLED=True)
    with strict.app_context():
        make_user(email="ann@example.org")
        client = strict.test_client()
        client.get("/account/signin")
        with client.session_transaction() as session:
            planted = session["csrf_token"]
        import re

        page = client.get("/account/signin").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert (
            client.post("/account/signin", data={"email": "ann@example.org", "password": PASSWORD, "csrf_token": token}).status_code == 302
        )
        with client.session_transaction() as session:
            assert session.get("csrf_token") != planted
        # a form token minted before sign-in no longer passes
        assert client.post("/account/signout", data={"csrf_token": token}).status_code == 400


def test_simultaneous_sign_ups_with_one_address_make_one_account(app, database_url, instance_path):
    import threading

    from tests.support import make_app

    worker_app = make_app(database_url, instance_path)
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def sign_up():
        client = worker_app.test_client()
        barrier.wait()
        statuses.append(
            client.post("/account/signup", data={"email": "twin@example.org", "password": PASSWORD, "confirm": PASSWORD}).status_code
        )

    threads = [threading.Thread(target=sign_up) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 200, 200, 302]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
