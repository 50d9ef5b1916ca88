from study.extensions import limiter
from tests.factories import make_user
from tests.support import make_app


def _limited_app(database_url, instance_path):
    return make_app(
        database_url,
        instance_path,
        RATELIMIT_ENABLED=True,
        LOGIN_LIMIT_PER_ACCOUNT="3 per minute",
        LOGIN_LIMIT_PER_IP="6 per minute",
    )


def test_signin_is_rate_limited_per_account(app, database_url, instance_path):
    limited = _limited_app(database_url, instance_path)
    with limited.app_context():
        make_user(email="ann@example.org")
        client = limited.test_client()
        codes = [
            client.post("/account/signin", data={"email": "ann@example.org", "password": "wrong password"}).status_code
            for _ in range(4)
        ]
        assert codes == [400, 400, 400, 429]
        # another account from the same address is still allowed (until the per-IP limit)
        other = client.post("/account/signin", data={"email": "bob@example.org", "password": "wrong password"})
        assert other.status_code == 400
        page = client.post("/account/signin", data={"email": "ann@example.org", "password": "x"})
        assert "Too many attempts" in page.get_data(as_text=True)
        limiter.reset()


def test_signin_is_rate_limited_per_ip(app, database_url, instance_path):
    limited = _limited_app(database_url, instance_path)
    with limited.app_context():
        client = limited.test_client()
        codes = [
            client.post("/account/signin", data={"email": f"user{i}@example.org", "password": "wrong"}).status_code
            for i in range(7)
        ]
        assert codes[:6] == [400] * 6 and codes[6] == 429
        limiter.reset()


def test_limits_are_shared_through_redis_when_configured(app, database_url, instance_path):
    """Several processes share limits through RATELIMIT_STORAGE_URI=redis://... (Redis runs in CI)."""
    import pytest
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    first = make_app(database_url, instance_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=url, LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
    try:
        with first.app_context():
            limiter.reset()
            make_user(email="ann@example.org")
            one = first.test_client()
            codes = [one.post("/account/signin", data={"email": "ann@example.org", "password": "x"}).status_code for _ in range(2)]
        # a second app (another worker process) sees the same counter
        second = make_app(database_url, instance_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=url, LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
        with second.app_context():
            third = second.test_client().post("/account/signin", data={"email": "ann@example.org", "password": "x"}).status_code
        assert codes == [400, 400] and third == 429
    finally:
        redis.Redis.from_url(url).flushdb()
