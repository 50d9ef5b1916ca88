"""Friendly error pages (HTML) and JSON errors for API clients."""

from __future__ import annotations

from flask import Flask, flash, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from study.services import ServiceError

MESSAGES = {
    400: ("Something in that request was not right", "The form or link may be out of date. Go back, reload the page and try again."),
    403: (
        "You do not have access to this page",
        "Your account does not have the role this page needs. If you think it should, ask an administrator.",
    ),
    404: ("Page not found", "The page you asked for does not exist or has moved."),
    405: ("That action is not allowed here", "This address does not accept that kind of request."),
    409: ("That conflicts with what is already there", "Reload the page to see the current state."),
    413: ("That upload is too large", "Send a smaller file."),
    429: ("Too many attempts", "Please wait a minute before trying again."),
    500: ("Something went wrong on our side", "The error has been logged. Please try again in a moment."),
    503: (
        "CodePrep cannot reach its database just now",
        "This is usually brief. Please try again in a minute: what you saved before is safe, the last change may not have been saved.",
    ),
}

#: the database is unreachable, locked or out of connections: a 503 "try again", not a bug.
#: Other database errors (integrity, programming) stay 500s with their stack trace in the log.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 30


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(code: int, detail: str | None = None):
    title, text = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    if _wants_json():
        return {"error": title, "detail": detail or text, "status": code}, code
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


#: refusals that say only that the page is not there or not the user's: their pages keep the
#: generic text (the service's reason, "belongs to another learner", is for logs and API clients)
ACCESS_REFUSALS = (403, 404)


def service_error(exc: ServiceError):
    """A service refused the request: its status (NotFound 404, Forbidden 403, Conflict 409, any
    other ServiceError 400). API clients get JSON with the service's message; a page shows the
    message too, except on 403 and 404, which keep their generic text."""
    if _wants_json():
        return {"error": str(exc), "status": exc.status}, exc.status
    return render_error(exc.status, None if exc.status in ACCESS_REFUSALS else str(exc))


def refusal_message(exc: ServiceError) -> str:
    """For a view that shows a service's refusal on its own page (next to a form field, or in a
    flash message before a redirect): the message. An access refusal (403, 404) is raised again,
    for the app-level handler to answer with its status."""
    if exc.status in ACCESS_REFUSALS:
        raise exc
    return str(exc)


def flash_refusal(exc: ServiceError) -> None:
    """Flash a service's refusal (the view then redirects); 403 and 404 go to the handler."""
    flash(refusal_message(exc), "error")


def show_on_form(form, exc: ServiceError, field: str | None = None) -> None:
    """Show a service's refusal next to the field it names (`exc.field`, as FieldError has), else
    next to `field`, else the form's first field; 403 and 404 go to the handler."""
    message = refusal_message(exc)
    name = getattr(exc, "field", None) or field
    target = form[name] if name and name in form else next(iter(form))
    target.errors = [*target.errors, message]


def init_app(app: Flask) -> None:
    app.register_error_handler(ServiceError, service_error)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_error(400, "The form expired or was sent without its security token. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        return render_error(exc.code)

    def database_unavailable(exc: Exception):
        from study.extensions import login_manager
        from study.services.health import first_line

        app.logger.error("Database unavailable on %s %s: %s", request.method, request.path, first_line(exc))
        # the page's layout must not ask the database who is signed in
        g._login_user = login_manager.anonymous_user()
        body, status = render_error(503)
        return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    for exc_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(exc_class, database_unavailable)

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):
        if app.testing and app.config.get("PROPAGATE_UNHANDLED", True):
            raise exc
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)
