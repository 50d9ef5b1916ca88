"""Route-wide guarantees: CSRF on every state-changing route, no anonymous access to private
routes, hardening headers, and templates that the Content-Security-Policy does not have to relax for."""

import re
from pathlib import Path

from tests.support import make_app

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _sample_url(app, rule):
    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg].__class__.__name__
        values[arg] = 1 if converter in {"IntegerConverter", "FloatConverter"} else "x"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_state_changing_route_requires_a_csrf_token(app, database_url, instance_path):
    strict = make_app(database_url, instance_path, WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    with strict.app_context():
        from tests.factories import make_user
        from tests.support import sign_in

        sign_in(client, make_user("admin"))
    checked = 0
    for rule, _ in _routes(strict):
        for method in sorted(rule.methods & STATE_CHANGING):
            url = _sample_url(strict, rule)
            response = client.open(url, method=method, data={"anything": "1"})
            assert response.status_code == 400, f"{method} {rule.rule} accepted a request without a CSRF token"
            checked += 1
    assert checked >= 4


def test_every_private_route_refuses_anonymous_users(app, client):
    checked = 0
    for rule, view in _routes(app):
        if getattr(view, "is_public", False):
            continue
        url = _sample_url(app, rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            # sent to sign in, whatever the route's role
            assert response.status_code == 302, f"{method} {rule.rule} answered an anonymous user with {response.status_code}"
            assert "/account/signin" in response.headers["Location"]
            checked += 1
    assert checked >= 3


def test_role_protected_routes_declare_roles(app):
    """Every admin route carries role_required (declarative authorisation)."""
    for rule, view in _routes(app):
        if rule.endpoint.startswith("admin."):
            assert "admin" in getattr(view, "required_roles", ()), rule.rule


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_secure_cookies_when_served_over_https(database_url, instance_path, app):
    secure = make_app(database_url, instance_path, SESSION_COOKIE_SECURE=True)
    with secure.app_context():
        from tests.factories import PASSWORD, make_user

        make_user(email="ann@example.org")
        response = secure.test_client().post(
            "/account/signin", data={"email": "ann@example.org", "password": PASSWORD}, base_url="https://localhost"
        )
        assert "Secure" in response.headers["Set-Cookie"]
        assert "Strict-Transport-Security" in response.headers


def test_templates_have_no_inline_scripts_styles_or_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path.name}: inline <script>")
        if re.search(r"\sstyle=\"", text) or "<style" in text:
            offenders.append(f"{path.name}: inline style")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{path.name}: inline event handler")
        if re.search(r"(src|href)=\"(https?:)?//", text):
            offenders.append(f"{path.name}: external asset")
    assert offenders == []


def test_friendly_error_pages(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Page not found" in body and "Go to the home page" in body


def test_friendly_500_page(database_url, instance_path, app):
    broken = make_app(database_url, instance_path, PROPAGATE_UNHANDLED=False)

    @broken.route("/boom")
    def boom():
        raise RuntimeError("boom")

    response = broken.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_json_errors_for_api_clients(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404
