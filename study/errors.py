"""Friendly error pages (HTML) and JSON errors for API clients."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("Something in that request was not right", "The form or link may be out of date. Go back, reload the page and try again."),
    403: ("You do not have access to this page", "Your account does not have the role this page needs. If you think it should, ask an administrator."),
    404: ("Page not found", "The page you asked for does not exist or has moved."),
    405: ("That action is not allowed here", "This address does not accept that kind of request."),
    409: ("That conflicts with what is already there", "Reload the page to see the current state."),
    413: ("That upload is too large", "Send a smaller file."),
    429: ("Too many attempts", "Please wait a minute before trying again."),
    500: ("Something went wrong on our side", "The error has been logged. Please try again in a moment."),
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or (best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"])


def render_error(code: int, detail: str | None = None):
    title, text = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    if _wants_json():
        return {"error": title, "detail": detail or text, "status": code}, code
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_error(400, "The form expired or was sent without its security token. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        return render_error(exc.code)

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):
        if app.testing and app.config.get("PROPAGATE_UNHANDLED", True):
            raise exc
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)
