"""Sign-in back-off and request limits. Only wrong passwords count, per account and address, so
nobody can lock an account's owner out by failing from elsewhere."""

import pytest

from study.extensions import limiter
from tests.factories import PASSWORD, make_user
from tests.support import make_app

ANN = "ann@example.org"


def _limited_app(database_url, instance_path, **overrides):
    settings = {
        "RATELIMIT_ENABLED": True,
        "SIGNIN_FREE_FAILURES": 3,
        "SIGNIN_FREE_FAILURES_PER_ADDRESS": 6,
        "LOGIN_LIMIT_PER_IP": "100 per minute",
    }
    return make_app(database_url, instance_path, **{**settings, **overrides})


def _signin(client, password, email=ANN, address="203.0.113.5"):
    return client.post("/account/signin", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def limited(app, database_url, instance_path):
    limited = _limited_app(database_url, instance_path)
    with limited.app_context():
        limiter.reset()
        make_user(email=ANN)
        yield limited
        limiter.reset()


def test_wrong_passwords_back_off_per_account_and_address(limited):
    client = limited.test_client()
    assert [_signin(client, "wrong password").status_code for _ in range(4)] == [400, 400, 400, 400]
    # the fourth failure started a wait: this address may not try Ann's account, even rightly, until it ends
    waiting = _signin(client, PASSWORD)
    assert waiting.status_code == 429
    assert int(waiting.headers["Retry-After"]) > 0
    assert "Wait" in waiting.get_data(as_text=True)
    # the same account from Ann's own address: the right password works at once
    assert _signin(limited.test_client(), PASSWORD, address="198.51.100.7").status_code == 302


def test_failures_from_many_addresses_never_lock_the_owner_out(limited):
    """50 wrong passwords from 50 addresses used to lock an admin out for 24 hours."""
    for n in range(50):
        assert _signin(limited.test_client(), "wrong password", address=f"192.0.2.{n}").status_code == 400
    assert _signin(limited.test_client(), PASSWORD, address="198.51.100.7").status_code == 302


def test_successful_sign_ins_do_not_count(limited):
    """A class signing in behind one school address: successes used to count towards the limit."""
    for _ in range(12):
        client = limited.test_client()
        assert _signin(client, PASSWORD).status_code == 302


def test_a_correct_password_clears_the_count(limited):
    client = limited.test_client()
    for _ in range(3):
        assert _signin(client, "wrong password").status_code == 400
    assert _signin(client, PASSWORD).status_code == 302
    other = limited.test_client()
    assert [_signin(other, "wrong password").status_code for _ in range(3)] == [400, 400, 400]


def test_an_address_failing_across_many_accounts_backs_off(limited):
    client = limited.test_client()
    codes = [_signin(client, "wrong", email=f"user{i}@example.org").status_code for i in range(8)]
    assert codes[:7] == [400] * 7 and codes[7] == 429


def test_a_flood_of_requests_from_one_address_is_refused(app, database_url, instance_path):
    flood = _limited_app(database_url, instance_path, LOGIN_LIMIT_PER_IP="5 per minute")
    with flood.app_context():
        limiter.reset()
        client = flood.test_client()
        codes = [_signin(client, "wrong", email=f"u{i}@example.org", address=f"198.51.100.{i % 2}").status_code for i in range(6)]
        assert codes == [400] * 6  # two addresses, three each
        assert [_signin(client, "x", address="198.51.100.9").status_code for _ in range(6)][-1] == 429
        limiter.reset()


def test_back_off_is_shared_through_redis_when_configured(app, database_url, instance_path):
    """Several processes share the counters through RATELIMIT_STORAGE_URI=redis://... (Redis runs in CI)."""
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    first = _limited_app(database_url, instance_path, RATELIMIT_STORAGE_URI=url)
    try:
        with first.app_context():
            limiter.reset()
            make_user(email=ANN)
            codes = [_signin(first.test_client(), "wrong password").status_code for _ in range(4)]
        # a second app (another worker process) sees the same counters
        second = _limited_app(database_url, instance_path, RATELIMIT_STORAGE_URI=url)
        with second.app_context():
            refused = _signin(second.test_client(), PASSWORD).status_code
        assert codes == [400] * 4 and refused == 429
    finally:
        redis.Redis.from_url(url).flushdb()


def test_back_off_fails_open_when_its_storage_is_down(limited, monkeypatch):
    """Decided: with Redis down, sign-in keeps working (without back-off) rather than locking everyone out."""
    from limits.storage import RedisStorage

    from study.services import signin_guard

    dead = RedisStorage("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    monkeypatch.setattr(signin_guard, "_storage", lambda: dead)
    client = limited.test_client()
    assert [_signin(client, "wrong password").status_code for _ in range(5)] == [400] * 5
    assert _signin(client, PASSWORD).status_code == 302
