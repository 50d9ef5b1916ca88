"""Access rules and HTTP hardening shared by every blueprint."""

from __future__ import annotations

from functools import wraps
from urllib.parse import unquote, urlsplit

from flask import Flask, abort, request
from flask_login import current_user, login_required

from study.models import Role

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def role_required(*roles: Role | str, refusal: int = 403):
    """Allow signed-in users holding one of `roles` (admins always pass); others get `refusal`
    (403; 404 on a page about a person, whose existence a refusal must not tell)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(refusal)
            return view(*args, **kwargs)

        wrapped.required_roles = tuple(Role(r).value for r in roles)
        wrapped.refusal = refusal
        return wrapped

    return decorator


def public(view):
    """Mark a view as reachable without signing in (checked by the URL-map test)."""
    view.is_public = True
    return view


def safe_next(target: str | None) -> str | None:
    """Return `target` only when it is a path on this site: it starts with exactly one slash and
    holds no scheme, no host, no backslash and no whitespace or control character anywhere, nor a
    percent-encoded one in its path. Browsers drop tabs and newlines and read a backslash as a
    slash, so a slash, a tab, a slash and a host would otherwise leave the site."""
    if not target or any(c == "\\" or ord(c) <= 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    path = unquote(parts.path)
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return None
    if any(c == "\\" or ord(c) < 32 or ord(c) == 127 for c in path):
        return None
    return target


FORM_MIMETYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
NUL_MESSAGE = "Text may not contain NUL characters (\\0). Remove them and try again."


def has_nul_byte() -> bool:
    """Whether the path, query or form carries a NUL, which no text field accepts (PostgreSQL
    cannot store it in text at all). Other bodies (JSON) are left unread here: their views read
    them with a size cap and validate them, and JSON text is stored escaped."""
    if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
        return True
    if request.mimetype in FORM_MIMETYPES:
        return any("\x00" in k or "\x00" in v for k, v in request.form.items(multi=True))
    return False


def init_app(app: Flask) -> None:
    from study.errors import render_error

    proxy_hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if proxy_hops:
        # behind N reverse proxies (TLS termination, load balancer): take the client's address,
        # scheme and host from the X-Forwarded-* headers those proxies set, and from no others
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to add WSGI middleware
            app.wsgi_app, x_for=proxy_hops, x_proto=proxy_hops, x_host=proxy_hops, x_port=proxy_hops
        )

    @app.before_request
    def refuse_nul_bytes():
        if has_nul_byte():
            return render_error(400, NUL_MESSAGE)
        return None

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if response.mimetype == "text/html" or request.endpoint != "static":
            # pages can carry personal data: never let a shared cache keep them
            headers.setdefault("Cache-Control", "no-store")
        return response
