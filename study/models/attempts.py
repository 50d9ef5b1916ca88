"""Learners' work: practice sets, coding-case attempts and timed exams, their answers, the
spaced-repetition cards built from them, and problem reports on items.

An `Attempt` is one sitting (kind practice, case or exam). Its `AttemptItem`s fix which item
version was served, in which order, with which option order. A `Response` is the answer to one
attempt item: unique per attempt item, so a repeated request can never store it twice.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from study.kinds import AttemptStatus
from study.models.base import Model, UTCDateTime, utcnow

if TYPE_CHECKING:
    from study.models.content import ItemVersion


class Attempt(Model):
    __tablename__ = "attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # practice | case | exam
    exam: Mapped[str | None] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10), default=AttemptStatus.OPEN.value, index=True)  # AttemptStatus
    # practice: the filters used; exam: the blueprint as it was when the exam started
    config_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    auto_submitted: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    extra_time_multiplier: Mapped[float] = mapped_column(sa.Float, default=1.0)
    score_pct: Mapped[float | None] = mapped_column(sa.Float)
    # questions served and answered, fixed when the attempt is submitted (dashboards read these)
    served_count: Mapped[int | None] = mapped_column(sa.Integer)
    answered_count: Mapped[int | None] = mapped_column(sa.Integer)
    # set when the attempt was started from a cohort assignment
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignment.id", ondelete="SET NULL"), index=True)
    # set while the attempt is open to what may be open only once per learner (e.g. "assignment:7",
    # "assignment:7:case:case-pro-001"), cleared when it closes: the unique constraint below makes a
    # second concurrent start fail in the database instead of opening a second attempt
    open_key: Mapped[str | None] = mapped_column(sa.String(120))
    # a coding case's draft while the attempt is open: the rows the learner typed, saved as they
    # type (study.services.cases.Draft); never graded or counted until the learner submits it
    draft_json: Mapped[str | None] = mapped_column(sa.Text)

    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("kind in ('practice', 'case', 'exam')", name="kind_known"),
        sa.CheckConstraint("status in ('open', 'submitted', 'abandoned')", name="status_known"),
        sa.Index("ix_attempt_user_kind_started", "user_id", "kind", "started_at"),
        sa.UniqueConstraint("user_id", "open_key", name="uq_attempt_user_open_key"),
    )

    @property
    def config(self) -> dict:
        return json.loads(self.config_json or "{}")

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN


class AttemptItem(Model):
    __tablename__ = "attempt_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"), index=True)
    item_version_id: Mapped[int] = mapped_column(sa.ForeignKey("item_version.id"))
    section_key: Mapped[str | None] = mapped_column(sa.String(64))
    # the original option letters in the order this learner sees them, e.g. "CADB"
    option_order: Mapped[str] = mapped_column(sa.String(8), default="")
    flagged: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    # the version served (read with attempts.version_item): held by the attempt item once read, so
    # a request reads it once however often it is asked for
    version: Mapped[ItemVersion] = relationship(viewonly=True)
    # joined: an attempt item is read with its answer (one LEFT JOIN on a unique key), so a page
    # that goes through an attempt's items (the exam palette, the review, a score) never reads
    # the answers one question at a time
    response: Mapped[Response | None] = relationship(
        back_populates="attempt_item", uselist=False, cascade="all, delete-orphan", lazy="joined"
    )

    __table_args__ = (sa.UniqueConstraint("attempt_id", "position", name="uq_attempt_item_position"),)


class Response(Model):
    __tablename__ = "response"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_item_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt_item.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"), index=True)
    # MCQ: {"selected": ["B"]} in original letters; case: {"diagnoses": [...], "procedures": [...], "pcs": [...]}
    answer_json: Mapped[str] = mapped_column(sa.Text)
    # case grade report (after-attempt form); empty for MCQs
    report_json: Mapped[str] = mapped_column(sa.Text, default="")
    correct: Mapped[bool | None] = mapped_column(sa.Boolean)
    score: Mapped[float | None] = mapped_column(sa.Float)  # 0..1
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seconds: Mapped[float | None] = mapped_column(sa.Float)

    attempt_item: Mapped[AttemptItem] = relationship(back_populates="response")

    __table_args__ = (sa.Index("ix_response_user_answered", "user_id", "answered_at"),)

    @property
    def answer(self) -> dict:
        return json.loads(self.answer_json or "{}")

    @property
    def report(self) -> dict:
        return json.loads(self.report_json) if self.report_json else {}


class ReviewCard(Model):
    """One FSRS card per (learner, item); `card_json` is the fsrs Card serialised."""

    __tablename__ = "review_card"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"), primary_key=True)
    card_json: Mapped[str] = mapped_column(sa.Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stability: Mapped[float | None] = mapped_column(sa.Float)
    last_review_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_review_card_user_due", "user_id", "due_at"),)


class ReviewLog(Model):
    """Every review, kept so that FSRS parameters can be optimised later."""

    __tablename__ = "review_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"))
    rating: Mapped[int] = mapped_column(sa.Integer)  # 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seconds: Mapped[float | None] = mapped_column(sa.Float)


class ItemReport(Model):
    """A learner's report of a problem with an item, for instructors."""

    __tablename__ = "item_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"), index=True)
    item_version_id: Mapped[int] = mapped_column(sa.ForeignKey("item_version.id"))
    attempt_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attempt_item.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(20))  # wrong-key | typo | unclear | other
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(12), default="open", index=True)  # open | fixed | replied | dismissed
    resolution: Mapped[str] = mapped_column(sa.Text, default="")  # the instructor's reply or note
    resolved_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # when the learner read the answer (dismissed the home page's notice or opened the item);
    # a resolved report with none is "your report was answered" on their home page
    learner_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AnswerRollup(Model):
    """Graded MCQ answers per learner, exam, topic and week, kept as answers are graded, so the
    progress dashboard reads a few hundred rows instead of every answer."""

    __tablename__ = "answer_rollup"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    exam: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    week: Mapped[date] = mapped_column(sa.Date, primary_key=True)  # the Monday of the week (UTC)
    answered: Mapped[int] = mapped_column(sa.Integer, default=0)
    correct: Mapped[int] = mapped_column(sa.Integer, default=0)
    seconds_sum: Mapped[float] = mapped_column(sa.Float, default=0.0)
    timed: Mapped[int] = mapped_column(sa.Integer, default=0)


class CaseRollup(Model):
    """Graded coding-case answers per learner and setting, with counts of each kind of error."""

    __tablename__ = "case_rollup"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    setting: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    score_sum: Mapped[float] = mapped_column(sa.Float, default=0.0)
    sequencing: Mapped[int] = mapped_column(sa.Integer, default=0)
    specificity: Mapped[int] = mapped_column(sa.Integer, default=0)
    modifiers: Mapped[int] = mapped_column(sa.Integer, default=0)
    units: Mapped[int] = mapped_column(sa.Integer, default=0)
    extra: Mapped[int] = mapped_column(sa.Integer, default=0)
    missing: Mapped[int] = mapped_column(sa.Integer, default=0)
