"""`flask serve`: waitress in front of the app, as `make run` starts it."""

import pytest
from flask import request
from waitress.adjustments import Adjustments
from waitress.proxy_headers import proxy_headers_middleware
from werkzeug.test import EnvironBuilder

from tests.support import make_app


def _served_remote_addr(app, monkeypatch, forwarded_for: str) -> str:
    """The address the app reads for a request that reached `flask serve` from a proxy at
    127.0.0.1 with X-Forwarded-For: waitress's own proxy-header handling (with the settings the
    command gives it), then the app's ProxyFix."""
    given = {}
    monkeypatch.setattr("waitress.serve", lambda wsgi, **kwargs: given.update(kwargs))
    result = app.test_cli_runner().invoke(args=["serve", "--port", "5999"])
    assert result.exit_code == 0, result.output
    settings = Adjustments(**{k: v for k, v in given.items() if k not in ("host", "port")})
    seen = {}

    @app.before_request
    def probe():
        seen["addr"] = request.remote_addr

    pipeline = proxy_headers_middleware(
        app,
        trusted_proxy=settings.trusted_proxy,
        trusted_proxy_count=settings.trusted_proxy_count,
        trusted_proxy_headers=settings.trusted_proxy_headers,
        clear_untrusted=settings.clear_untrusted_proxy_headers,
    )
    environ = EnvironBuilder(path="/", environ_overrides={"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": forwarded_for})
    pipeline(environ.get_environ(), lambda status, headers, exc_info=None: None)
    return seen.get("addr") or ""


@pytest.mark.parametrize("hops, expected", [(1, "198.18.0.7"), (0, "127.0.0.1")])
def test_behind_a_proxy_the_app_sees_the_clients_address(database_url, instance_path, monkeypatch, hops, expected):
    """Waitress drops X-Forwarded-* headers from proxies it was not told to trust; behind a proxy
    (TRUSTED_PROXY_HOPS) every client then had the proxy's address, so a whole school shared one
    sign-up and sign-in limit. Without a proxy the header is still ignored."""
    app = make_app(database_url, instance_path, TRUSTED_PROXY_HOPS=hops)
    with app.app_context():
        assert _served_remote_addr(app, monkeypatch, "198.18.0.7") == expected
