"""Accounts and roles."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from study.models.base import Model, UTCDateTime, utcnow


class Role(str, enum.Enum):
    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class User(UserMixin, Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(sa.String(80), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.LEARNER.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the IANA time zone the user's dates are shown and entered in (the database keeps UTC)
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="UTC", server_default="UTC")
    # the learner's goal, asked after sign-up and changeable in the account (both optional)
    target_exam: Mapped[str | None] = mapped_column(sa.String(10))
    exam_date: Mapped[date | None] = mapped_column(sa.Date)

    __table_args__ = (
        sa.CheckConstraint("role in ('learner', 'instructor', 'admin')", name="role_known"),
        # SQLite would otherwise hand a deleted account's id to the next one (and its old cookies with it)
        {"sqlite_autoincrement": True},
    )

    # the token of the server-side session being opened or used by this request (never stored here);
    # a plain attribute, not a column (the ORM maps every annotation it sees, so only mypy sees this one)
    if TYPE_CHECKING:
        session_token: str | None
    session_token = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the signed cookie: the session's random token, not the user id."""
        if not self.session_token:
            raise RuntimeError("sign in through study.services.user_sessions.sign_in, which opens a server-side session")
        return self.session_token

    def has_role(self, *roles: Role | str) -> bool:
        wanted = {r.value if isinstance(r, Role) else r for r in roles}
        return self.role in wanted or self.role == Role.ADMIN.value

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class UserSession(Model):
    """One signed-in browser. The cookie carries a random token; only its SHA-256 is stored, so a
    database leak opens no session. Deleting the row ends the session (sign-out, password change,
    revocation, account deletion)."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")

    __table_args__ = ({"sqlite_autoincrement": True},)
