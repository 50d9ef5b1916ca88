"""When the database or Redis is down: /healthz says which part (503), every page answers a clear
"try again" (503, HTML or JSON for /api) instead of a stack trace, and sign-in keeps answering
without Redis (limits counted per process in memory, the back-off failing open)."""

import pytest

from study.config import REDIS_TIMEOUTS
from study.extensions import limiter
from tests.factories import PASSWORD, make_user
from tests.support import free_port, make_app

LIVE_REDIS = "redis://127.0.0.1:6379/0"


def _dead_database_app(instance_path):
    return make_app(f"postgresql+psycopg://codeprep@127.0.0.1:{free_port()}/codeprep", instance_path, PROPAGATE_UNHANDLED=False)


def _signed_in_cookie(client) -> None:
    """A browser that signed in before the outage: its cookie holds a session token."""
    with client.session_transaction() as session:
        session["_user_id"] = "a-token-from-before-the-outage"
        session["_fresh"] = True


def _redis_app(database_url, instance_path, storage_uri, **overrides):
    return make_app(
        database_url,
        instance_path,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=storage_uri,
        RATELIMIT_STORAGE_OPTIONS=dict(REDIS_TIMEOUTS),
        **overrides,
    )


@pytest.fixture
def limiter_state(monkeypatch):
    """A dead storage marks the (process-wide) limiter as fallen back to memory: undo it afterwards."""
    monkeypatch.setattr(limiter, "_storage_dead", False)


def test_healthz_checks_the_database(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_names_the_database_when_it_is_down(instance_path):
    answer = _dead_database_app(instance_path).test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "unavailable", "database": "down"}


def test_healthz_checks_redis_when_it_holds_the_limits(app, database_url, instance_path, limiter_state):
    import redis

    try:
        redis.Redis.from_url(LIVE_REDIS, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server at {LIVE_REDIS}")
    up = _redis_app(database_url, instance_path, LIVE_REDIS).test_client().get("/healthz")
    assert up.status_code == 200 and up.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}
    down = _redis_app(database_url, instance_path, f"redis://127.0.0.1:{free_port()}/0").test_client().get("/healthz")
    # the site serves on without Redis: a load balancer must not take it out, monitoring sees "degraded"
    assert down.status_code == 200 and down.get_json() == {"status": "degraded", "database": "ok", "redis": "down"}


def test_a_database_outage_gives_a_try_again_page_not_a_stack_trace(instance_path):
    client = _dead_database_app(instance_path).test_client()
    _signed_in_cookie(client)
    page = client.get("/exams")
    text = page.get_data(as_text=True)
    assert page.status_code == 503 and page.mimetype == "text/html" and page.headers["Retry-After"] == "30"
    assert "cannot reach its database" in text and "try again" in text
    assert "Traceback" not in text and "psycopg" not in text and "127.0.0.1" not in text
    assert 'href="/account/signin"' in text  # the layout shows the signed-out menu: it asked no database


def test_a_database_outage_answers_json_on_the_api(instance_path):
    client = _dead_database_app(instance_path).test_client()
    _signed_in_cookie(client)
    answer = client.post("/api/exams/1/answers", json={"position": 1, "letters": ["A"]})
    assert answer.status_code == 503 and answer.get_json()["status"] == 503
    assert "try again" in answer.get_json()["detail"]


def test_signing_in_during_a_database_outage_says_try_again(instance_path):
    answer = _dead_database_app(instance_path).test_client().post(
        "/account/signin", data={"email": "ann@example.org", "password": PASSWORD}
    )
    assert answer.status_code == 503 and "try again" in answer.get_data(as_text=True)


def test_sign_in_keeps_answering_when_redis_is_down(app, database_url, instance_path, limiter_state):
    """Decided (docs/deploy.md): with Redis down no request fails. The back-off fails open (a wrong
    password is only refused, even past the free failures); the per-address flood limit is counted
    in each process's memory until Redis answers again."""
    dead = _redis_app(
        database_url,
        instance_path,
        f"redis://127.0.0.1:{free_port()}/0",
        SIGNIN_FREE_FAILURES=1,
        LOGIN_LIMIT_PER_IP="4 per minute",
    )
    with dead.app_context():
        make_user(email="ann@example.org")

    def sign_in(password, address="203.0.113.9"):
        return dead.test_client().post(
            "/account/signin", data={"email": "ann@example.org", "password": password}, environ_base={"REMOTE_ADDR": address}
        )

    assert [sign_in("wrong password").status_code for _ in range(3)] == [400, 400, 400]  # no back-off: it fails open
    assert sign_in(PASSWORD).status_code == 302  # the right password still signs in
    assert sign_in(PASSWORD).status_code == 429  # the fifth request in a minute: the flood limit, kept in memory
    assert sign_in(PASSWORD, address="198.51.100.7").status_code == 302
