"""Server-side sessions. Signing in opens a `UserSession` row and gives the browser a random token
(kept in the signed session cookie); every request looks the token up. Deleting the row ends the
session, wherever the cookie is: signing out, changing the password, revoking a session and
deleting the account all do. Only the token's SHA-256 is stored."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from study.extensions import db
from study.models import User, UserSession
from study.models.base import utcnow
from study.services import NotFound
from study.services.transactions import changed_rows, transaction

# a session unused this long is over (and its row is removed at the next sign-in of the account)
IDLE_LIMIT = timedelta(days=14)
# last_seen_at is written at most this often, so that reading a page is not a write
TOUCH_EVERY = timedelta(minutes=5)
TOKEN_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(user: User, user_agent: str = "", now: datetime | None = None) -> str:
    """Open a session for `user` and return its token (also set on `user.session_token`). Flushes:
    the caller's transaction commits it."""
    now = now or utcnow()
    db.session.execute(
        sa.delete(UserSession).where(UserSession.user_id == user.id, UserSession.last_seen_at < now - IDLE_LIMIT)
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token), created_at=now, last_seen_at=now, user_agent=user_agent[:200]))
    db.session.flush()
    user.session_token = token
    return token


def load(token: str, now: datetime | None = None) -> User | None:
    """The user whose live session this token opens, or None (unknown, revoked or idle too long)."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    now = now or utcnow()
    row = db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _hash(token)))
    if row is None or row.last_seen_at < now - IDLE_LIMIT:
        return None
    user = db.session.get(User, row.user_id)
    if user is None:
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        with transaction():
            row.last_seen_at = now
    user.session_token = token
    return user


def close(token: str | None) -> None:
    """End the session this token opens (sign-out). Unknown tokens change nothing."""
    if token:
        with transaction():
            db.session.execute(sa.delete(UserSession).where(UserSession.token_hash == _hash(token)))


def close_all(user: User, keep_token: str | None = None) -> int:
    """End every session of `user` except `keep_token`'s; the number ended. Flushes only."""
    stmt = sa.delete(UserSession).where(UserSession.user_id == user.id)
    if keep_token:
        stmt = stmt.where(UserSession.token_hash != _hash(keep_token))
    return changed_rows(stmt)


def sessions_of(user: User) -> list[UserSession]:
    return list(db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.last_seen_at.desc())))


def is_current(row: UserSession, token: str | None) -> bool:
    if not token:
        return False
    return row.token_hash == _hash(token)


def revoke(user: User, session_id: int) -> None:
    """End one of the user's own sessions (another browser's)."""
    with transaction():
        deleted = changed_rows(sa.delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id))
        if not deleted:
            raise NotFound("No such session.")


def sign_out_others(user: User) -> int:
    """End every session of `user` but the one in use; how many ended."""
    with transaction():
        return close_all(user, keep_token=user.session_token)


def sign_in(user: User, user_agent: str = "") -> str:
    """Open and commit a session for a user who has just proved who they are; its token."""
    with transaction():
        return open_session(user, user_agent)
