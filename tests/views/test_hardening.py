"""Request-level hardening: NUL bytes, over-size bodies, and the trusted-proxy setting."""

import pytest

from study.extensions import limiter
from tests.factories import PASSWORD, make_user
from tests.support import make_app


@pytest.mark.parametrize(
    "method, url, kwargs",
    [
        ("get", "/codes?q=abc%00def", {}),
        ("get", "/codes/E11%009", {}),
        ("get", "/api/codes/search?q=%00", {}),
        ("post", "/account/signin", {"data": {"email": "a@example.org\x00", "password": "x\x00y"}}),
        (
            "post",
            "/account/signup",
            {"data": {"email": "a@example.org", "display_name": "A\x00", "password": PASSWORD, "confirm": PASSWORD}},
        ),
        ("post", "/careers/assessment", {"data": {"setting": "\x00"}}),
    ],
)
def test_a_nul_byte_gets_a_clear_400_and_changes_nothing(client, method, url, kwargs):
    """NUL bytes gave 500s on PostgreSQL, which cannot store them in text, on about 20 routes."""
    from study.extensions import db
    from study.models import User

    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_a_json_body_with_a_nul_is_refused_by_its_endpoint(client, login_as):
    login_as("learner")
    response = client.post("/api/exams/1/answers", data=b'{"position": 1, "letters": ["A\x00"]}', content_type="application/json")
    assert response.status_code == 400


def test_an_over_size_form_gets_413_not_500(client):
    """The error page's sign-out form used to read the over-size body again and fail."""
    response = client.post("/account/signin", data={"email": "a@example.org", "password": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def _behind_proxy(database_url, instance_path, **overrides):
    return make_app(database_url, instance_path, TRUSTED_PROXY_HOPS=1, **overrides)


def test_hsts_is_sent_for_https_at_a_trusted_proxy(app, database_url, instance_path):
    proxied = _behind_proxy(database_url, instance_path)
    with proxied.app_context():
        response = proxied.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    # without the setting the header is not trusted (anybody could send it)
    assert "Strict-Transport-Security" not in app.test_client().get("/", headers={"X-Forwarded-Proto": "https"}).headers


def test_per_address_limits_use_the_client_address_from_a_trusted_proxy(app, database_url, instance_path):
    """Behind a proxy every client had the proxy's address, so per-address limits became site-wide."""
    proxied = _behind_proxy(database_url, instance_path, RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_IP="3 per minute")
    with proxied.app_context():
        limiter.reset()
        make_user(email="ann@example.org")

        def post(client_address):
            return (
                proxied.test_client()
                .post(
                    "/account/signin",
                    data={"email": "nobody@example.org", "password": "wrong"},
                    headers={"X-Forwarded-For": client_address},
                    environ_base={"REMOTE_ADDR": "10.0.0.2"},  # the proxy
                )
                .status_code
            )

        assert [post("203.0.113.1") for _ in range(4)] == [400, 400, 400, 429]
        assert post("203.0.113.2") == 400  # another client behind the same proxy is not limited
        limiter.reset()


def test_forwarded_headers_are_ignored_without_the_setting(app, database_url, instance_path):
    direct = make_app(database_url, instance_path, RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_IP="2 per minute")
    with direct.app_context():
        limiter.reset()
        codes = [
            direct.test_client()
            .post("/account/signin", data={"email": "x@example.org", "password": "wrong"}, headers={"X-Forwarded-For": f"198.51.100.{i}"})
            .status_code
            for i in range(3)
        ]
        assert codes == [400, 400, 429]  # a spoofed header does not buy a fresh limit
        limiter.reset()
