"""Instructors' world: cohorts of learners, assignments, and the log of regrades."""
from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from study.models.base import Model, UTCDateTime, utcnow


class Cohort(Model):
    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    join_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    exam: Mapped[str | None] = mapped_column(sa.String(10))  # the exam the class prepares for
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[CohortMember]] = relationship(cascade="all, delete-orphan", back_populates="cohort")
    assignments: Mapped[list[Assignment]] = relationship(
        cascade="all, delete-orphan", back_populates="cohort", order_by="Assignment.due_at"
    )


class CohortMember(Model):
    __tablename__ = "cohort_member"

    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # accommodation in this cohort: its exam assignments' time is multiplied by this
    extra_time_multiplier: Mapped[float] = mapped_column(sa.Float, default=1.0, server_default="1.0")
    # the learner's consent (asked when joining, changeable later): the cohort's instructor may see
    # their general progress and every attempt, not only their attempts at this cohort's assignments
    share_progress: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())

    cohort: Mapped[Cohort] = relationship(back_populates="members")


class Assignment(Model):
    """Work set for a cohort: a practice set (chosen items or a rule), a case set, or an exam."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # practice | cases | exam
    title: Mapped[str] = mapped_column(sa.String(200))
    # practice: {"items": [...]} or {"topics": [...], "difficulty": ..., "size": N, "exam": ...};
    # cases: {"items": [...]}; exam: {"exam": "CPC"}
    config_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the instructor's policy: attempts allowed (None: no limit), when feedback and keys are shown
    # (each: after each answer; attempt: when the attempt ends; due: after the due date), whether a
    # retake draws fresh items, and which submitted attempt counts (first, last or best)
    max_attempts: Mapped[int | None] = mapped_column(sa.Integer)
    feedback: Mapped[str] = mapped_column(sa.String(8), default="each", server_default="each")
    retake_fresh: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    counts: Mapped[str] = mapped_column(sa.String(8), default="best", server_default="best")

    cohort: Mapped[Cohort] = relationship(back_populates="assignments")

    __table_args__ = (
        sa.CheckConstraint("kind in ('practice', 'cases', 'exam')", name="kind_known"),
        sa.CheckConstraint("feedback in ('each', 'attempt', 'due')", name="feedback_known"),
        sa.CheckConstraint("counts in ('first', 'last', 'best')", name="counts_known"),
        sa.CheckConstraint("max_attempts is null or max_attempts >= 1", name="max_attempts_positive"),
    )

    @property
    def config(self) -> dict:
        return json.loads(self.config_json or "{}")


class RegradeLog(Model):
    """Every regrade of past attempts after a key was corrected."""

    __tablename__ = "regrade_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    mode: Mapped[str] = mapped_column(sa.String(12))  # new-key | best-of
    to_version_id: Mapped[int] = mapped_column(sa.ForeignKey("item_version.id"))
    responses_changed: Mapped[int] = mapped_column(sa.Integer, default=0)
    details_json: Mapped[str] = mapped_column(sa.Text, default="[]")  # [{response_id, old_score, new_score}]
    reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")  # shown to learners
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
