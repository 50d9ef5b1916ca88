"""`flask serve`: waitress in one process (make run), gunicorn with --workers N or WEB_CONCURRENCY
(make serve), and the refusals before several processes start without what they must share."""

import pytest
from flask import request
from waitress.adjustments import Adjustments
from waitress.proxy_headers import proxy_headers_middleware
from werkzeug.test import EnvironBuilder

from study.cli import serve
from tests.support import make_app


def _serve(app, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["serve", *args])


@pytest.fixture
def started(monkeypatch):
    """Which server `flask serve` would have started, and with what (nothing is started)."""
    calls = {}
    monkeypatch.setattr(serve, "serve_with_gunicorn", lambda app, host, port, workers, threads: calls.update(
        server="gunicorn", host=host, port=port, workers=workers, threads=threads))
    import waitress

    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls.update(server="waitress", **kw))
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setenv("SECRET_KEY", "shared by every process")  # the test database may be PostgreSQL
    return calls


def test_without_workers_one_waitress_process_serves(runner, started):
    result = runner.invoke(args=["serve", "--host", "127.0.0.1", "--port", "5099"])
    assert result.exit_code == 0, result.output
    assert started == {
        "server": "waitress", "host": "127.0.0.1", "port": 5099, "threads": 8, "ident": "CodePrep",
        "clear_untrusted_proxy_headers": True,
    }


def test_workers_start_gunicorn(runner, started):
    result = runner.invoke(args=["serve", "--host", "127.0.0.1", "--port", "5099", "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert started == {"server": "gunicorn", "host": "127.0.0.1", "port": 5099, "workers": 3, "threads": 4}
    assert "running at http://127.0.0.1:5099/" in result.output


def test_web_concurrency_sets_the_workers(runner, started, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert runner.invoke(args=["serve", "--threads", "1"]).exit_code == 0
    assert started["server"] == "gunicorn" and started["workers"] == 5 and started["threads"] == 1
    monkeypatch.setenv("WEB_CONCURRENCY", "many")
    refused = runner.invoke(args=["serve"])
    assert refused.exit_code == 2 and "many" in refused.output


def test_gunicorn_settings():
    options = serve.gunicorn_options("::", 8000, workers=4, threads=4)
    assert options["bind"] == "[::]:8000" and options["workers"] == 4
    assert options["worker_class"] == "gthread" and options["threads"] == 4
    assert options["accesslog"] == "-" and options["forwarded_allow_ips"] == ""
    assert options["control_socket_disable"] is True  # two servers on one machine must not clash
    assert serve.gunicorn_options("127.0.0.1", 8000, workers=2, threads=1)["worker_class"] == "sync"


def test_several_workers_on_postgresql_need_a_shared_secret_key(instance_path, started, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    app = make_app("postgresql+psycopg://codeprep@db.example/codeprep", instance_path)
    refused = _serve(app, "--workers", "2")
    assert refused.exit_code == 1 and "SECRET_KEY" in refused.output and started == {}
    monkeypatch.setenv("SECRET_KEY", "shared by every machine")
    assert _serve(app, "--workers", "2").exit_code == 0
    assert started["server"] == "gunicorn"


def test_several_workers_on_sqlite_share_the_instance_key_and_are_warned_about_memory_limits(instance_path, tmp_path, started, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    app = make_app(f"sqlite:///{tmp_path / 'one.sqlite'}", instance_path, RATELIMIT_ENABLED=True)
    result = _serve(app, "--workers", "2")
    assert result.exit_code == 0 and started["workers"] == 2
    assert "per process" in result.output and "REDIS_URL" in result.output


def test_debug_serves_one_process_only(instance_path, tmp_path, started):
    app = make_app(f"sqlite:///{tmp_path / 'one.sqlite'}", instance_path, DEBUG=True)
    refused = _serve(app, "--workers", "2")
    assert refused.exit_code == 2 and "DEBUG=1" in refused.output and started == {}



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
