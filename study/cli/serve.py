"""`flask serve`: one waitress process (`make run`), gunicorn with several worker processes
(`--workers N` or WEB_CONCURRENCY: `make serve`, production), or Flask's debug server with DEBUG=1.
docs/deploy.md describes the production set-up."""

from __future__ import annotations

import os
from typing import Any

import click
from flask import Flask, current_app

#: threads per process when --threads is not given
WAITRESS_THREADS = 8
GUNICORN_THREADS = 4

SHARED_SECRET_NEEDED = (
    "Refusing to start several workers on {dialect} without SECRET_KEY in the environment: every web "
    "process, on every machine, must sign sessions with the same key, and the generated instance/secret_key "
    "exists on this machine only. Set SECRET_KEY (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`) "
    "to the same value everywhere; see docs/deploy.md."
)
PER_PROCESS_LIMITS = (
    "Warning: rate limits and sign-in back-off are kept in memory, per process: with {workers} workers each "
    "counts on its own. Set REDIS_URL (or RATELIMIT_STORAGE_URI) to share them; see docs/deploy.md."
)


def _workers_from_environment() -> str | None:
    """WEB_CONCURRENCY, checked by click like the option itself."""
    return os.environ.get("WEB_CONCURRENCY", "").strip() or None


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="127.0.0.1")
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), type=int, show_default="5000")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=_workers_from_environment,
    show_default="$WEB_CONCURRENCY, else one waitress process",
    help="Serve with gunicorn and this many worker processes.",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help=f"Threads per process [waitress: {WAITRESS_THREADS}; gunicorn: {GUNICORN_THREADS} (gthread workers), 1 = sync workers].",
)
def serve_command(host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Serve the site: one waitress process, or gunicorn with --workers N; DEBUG=1 uses Flask's debug server."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed as the Flask it stands for
    if app.debug and workers:
        raise click.UsageError("DEBUG=1 serves with Flask's debug server, one process: drop --workers (and WEB_CONCURRENCY).")
    if workers:
        _check_shared_settings(app, workers)
    click.echo(f"CodePrep is running at http://{_display_host(host)}:{port}/  (Ctrl+C to stop)")
    if app.debug:
        app.run(host=host, port=port, debug=True, use_reloader=False)
        return
    if workers:
        serve_with_gunicorn(app, host, port, workers, threads or GUNICORN_THREADS)
        return
    from waitress import serve

    # behind a proxy the app's ProxyFix (TRUSTED_PROXY_HOPS) reads X-Forwarded-*: waitress must not drop them
    keep_forwarded = bool(app.config.get("TRUSTED_PROXY_HOPS"))
    serve(
        app,
        host=host,
        port=port,
        threads=threads or WAITRESS_THREADS,
        ident="CodePrep",
        clear_untrusted_proxy_headers=not keep_forwarded,
    )


def _check_shared_settings(app: Flask, workers: int) -> None:
    """Several processes share what must be shared: the secret key (refused without it, except on
    SQLite, whose processes are all on one machine and read the same instance/secret_key), and the
    limits' storage (a warning: per-process limits still limit)."""
    from sqlalchemy.engine import make_url

    dialect = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    if dialect != "sqlite" and not os.environ.get("SECRET_KEY"):
        raise click.ClickException(SHARED_SECRET_NEEDED.format(dialect=dialect))
    storage = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if workers > 1 and storage.startswith("memory://") and app.config.get("RATELIMIT_ENABLED", True):
        click.echo(PER_PROCESS_LIMITS.format(workers=workers), err=True)


def _display_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """gunicorn's settings for `flask serve --workers N`."""
    return {
        "bind": f"{_display_host(host)}:{port}",
        "workers": workers,
        "worker_class": "gthread" if threads > 1 else "sync",
        "threads": threads,
        "accesslog": "-",  # one line per request on stdout
        "errorlog": "-",  # gunicorn's own messages on stderr
        "proc_name": "codeprep",
        # the client's address and scheme come from the app's ProxyFix (TRUSTED_PROXY_HOPS) only
        "forwarded_allow_ips": "",
        # no control socket: it lives at one path per user, so two servers on one machine would clash
        "control_socket_disable": True,
        "post_fork": _after_fork,
    }


def _after_fork(server, worker) -> None:
    """Each worker opens database connections of its own (none may be inherited from the master)."""
    from study.extensions import db

    app = worker.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)


def serve_with_gunicorn(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    """Run gunicorn in this process (its master), serving `app` (already loaded: the workers are
    forked from it)."""
    from gunicorn.app.base import BaseApplication

    options = gunicorn_options(host, port, workers, threads)

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    Server().run()
