"""Accounts and roles."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from study.extensions import db
from study.models.base import UTCDateTime, utcnow


class Role(str, enum.Enum):
    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(sa.String(80), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.LEARNER.value)
    # accommodation: exam time is multiplied by this (set by an instructor or admin)
    extra_time_multiplier: Mapped[float] = mapped_column(sa.Float, default=1.0)
    # bumped on password change so that other sessions of the account sign out
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint("role in ('learner', 'instructor', 'admin')", name="role_known"),
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

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
