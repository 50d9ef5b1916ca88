"""The audit log: who did what, when, and to what, for the actions of admins and instructors
(study/services/audit.py writes it; docs/audit.md lists the actions)."""
from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from study.models.base import Model, UTCDateTime, utcnow


class AuditEvent(Model):
    """One action. The actor's and the target's labels are copied when the row is written, so an
    entry still reads right after the actor, the target or the cohort is deleted: `actor_id` and
    `cohort_id` are then set to NULL by the database, `target_id` (any table's id) is kept as it was."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(sa.String(254), default="")
    action: Mapped[str] = mapped_column(sa.String(40))  # a dotted verb: user.role_changed, item.published...
    target_type: Mapped[str] = mapped_column(sa.String(20), default="")  # user | item | cohort | assignment
    target_id: Mapped[int | None] = mapped_column(sa.Integer)
    target_label: Mapped[str] = mapped_column(sa.String(254), default="")
    # the cohort the action concerns (what an instructor's view of the log is scoped by)
    cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohort.id", ondelete="SET NULL"))
    # what changed: {"before": ..., "after": ...}, a reason, counts
    details_json: Mapped[str] = mapped_column(sa.Text, default="{}")

    __table_args__ = (
        sa.Index("ix_audit_event_at", "at"),
        sa.Index("ix_audit_event_cohort_at", "cohort_id", "at"),
        sa.Index("ix_audit_event_actor_at", "actor_id", "at"),
        sa.Index("ix_audit_event_target", "target_type", "target_id"),
        {"sqlite_autoincrement": True},
    )

    @property
    def details(self) -> dict:
        return json.loads(self.details_json or "{}")
