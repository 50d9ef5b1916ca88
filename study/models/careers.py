"""Career self-assessments that a signed-in user chose to keep.

Only what the result page needs is stored: the questionnaire's answers and the score per
diagnostic area (never the items or the answers to them). The recommendation and the study plan
are recomputed from these by the pure `study.careers.recommend`.
"""
from __future__ import annotations

import json
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from study.models.base import Model, UTCDateTime, utcnow


class CareerAssessment(Model):
    __tablename__ = "career_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # JSON object: the questionnaire (recommend.Preferences.to_dict: preferences, background, hours, target date)
    preferences_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    # JSON object: area key -> {"correct": int, "total": int} (the optional knowledge check)
    area_scores_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    # JSON object: skill -> {"correct": int, "total": int} (the sample tasks); {} before they existed
    aptitude_json: Mapped[str] = mapped_column(sa.Text, default="{}", server_default="{}")
    recommended_path: Mapped[str] = mapped_column(sa.String(20))
    recommended_certification: Mapped[str] = mapped_column(sa.String(10))
    target_date: Mapped[date | None] = mapped_column(sa.Date)
    weekly_hours: Mapped[int] = mapped_column(sa.Integer)

    __table_args__ = (
        sa.CheckConstraint("recommended_path in ('billing', 'outpatient', 'inpatient')", name="path_known"),
    )

    @property
    def preferences(self) -> dict:
        return json.loads(self.preferences_json or "{}")

    @property
    def area_scores(self) -> dict:
        return json.loads(self.area_scores_json or "{}")

    @property
    def aptitude(self) -> dict:
        return json.loads(self.aptitude_json or "{}")

    def __repr__(self) -> str:
        return f"<CareerAssessment {self.id} user={self.user_id} {self.recommended_certification}>"


class CareerRun(Model):
    """A careers self-assessment in progress or finished, kept on the server: the visitor's cookie
    holds only a random token (its SHA-256 is stored), so a replayed cookie cannot resubmit."""

    __tablename__ = "career_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    preferences_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    # the sample tasks: task key -> letter chosen; final once aptitude_at is set
    aptitude_json: Mapped[str | None] = mapped_column(sa.Text)
    aptitude_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the optional knowledge check: the bank items drawn, the letters chosen, final once submitted_at is set
    item_keys_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    answers_json: Mapped[str | None] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    saved_assessment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("career_assessment.id", ondelete="SET NULL"))
