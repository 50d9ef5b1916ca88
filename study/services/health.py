"""What /healthz reports: whether the database answers, and the limits' shared storage (Redis)
when one is configured. Each part is "ok" or "down"; a part that is down is logged in one line
(no stack trace: an outage is not a bug)."""
from __future__ import annotations

import logging

import sqlalchemy as sa
from limits.storage import MemoryStorage

from study.extensions import db, limiter

log = logging.getLogger(__name__)

OK, DOWN = "ok", "down"


def first_line(exc: BaseException) -> str:
    """The driver's own message, first line (SQLAlchemy appends the statement and a link)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


def database() -> str:
    """SELECT 1 on a connection of its own (the request's session and transaction are left alone)."""
    try:
        with db.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        log.warning("health check: the database is down: %s", first_line(exc))
        return DOWN
    return OK


def check() -> dict[str, str]:
    """{"database": "ok"|"down"} and, when the limits live in a shared storage, {"redis": ...}."""
    parts = {"database": database()}
    if limiter.enabled and not isinstance(limiter.storage, MemoryStorage):
        storage = limiter.storage
        name = "redis" if "redis" in type(storage).__name__.lower() else "rate_limit_storage"
        up = storage.check()
        if not up:
            log.warning("health check: the rate limits' storage (%s) is down", name)
        parts[name] = OK if up else DOWN
    return parts
