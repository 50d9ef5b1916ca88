"""`flask serve`: the production WSGI server (waitress), or Flask's debug server with DEBUG=1."""

from __future__ import annotations

import os

import click
from flask import current_app


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="127.0.0.1")
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), type=int, show_default="5000")
@click.option("--threads", default=8, show_default=True)
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the site with the production WSGI server (waitress); DEBUG=1 uses Flask's debug server."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed as the Flask it stands for
    click.echo(f"CodePrep is running at http://{host}:{port}/  (Ctrl+C to stop)")
    if app.debug:
        app.run(host=host, port=port, debug=True, use_reloader=False)
        return
    from waitress import serve

    # behind a proxy the app's ProxyFix (TRUSTED_PROXY_HOPS) reads X-Forwarded-*: waitress must not drop them
    keep_forwarded = bool(app.config.get("TRUSTED_PROXY_HOPS"))
    serve(app, host=host, port=port, threads=threads, ident="CodePrep", clear_untrusted_proxy_headers=not keep_forwarded)
