"""The one transaction helper of the services.

    with transaction():          # or @transaction() on a public service function
        ...                      # writes; internal helpers only flush

The outermost ``transaction()`` commits when its block ends normally and rolls back (and re-raises)
when it raises. A ``transaction()`` opened inside another one (a service calling another service)
only flushes: the outermost call commits once, so a service built from others is one transaction.
Read paths open none and never commit.

Helpers that must end the transaction early keep doing so themselves (``attempts.hold_open`` and
``attempts.close_attempt`` roll back when they lose a race, so that the caller reads what the
winner committed); the rollback then leaves nothing for the enclosing ``transaction()`` to commit.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from study.extensions import db

_DEPTH = "study.transaction_depth"


@contextmanager
def transaction() -> Iterator[Session]:
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth:
            session.flush()
        else:
            session.commit()
    except BaseException:
        if not depth:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


def in_transaction() -> bool:
    """Whether a `transaction()` block is open (for writes that must join the caller's, such as
    the audit log's)."""
    return bool(db.session().info.get(_DEPTH, 0))


def changed_rows(stmt: Executable) -> int:
    """Run an UPDATE or DELETE in the current transaction; how many rows it changed (the
    compare-and-set checks: 1 for the caller whose condition still held, 0 for the others)."""
    return cast(CursorResult[Any], db.session.execute(stmt)).rowcount
