"""The question bank in the database: topics, blueprints, items and their versions.

Bank files are the source of truth for content (docs/authoring.md). An item keeps its bank id for
life; every change to what a learner sees or how it is graded makes a new `ItemVersion`, and
attempts point at the version they answered. Items are never deleted: removed ones are retired.
"""
from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from study.models.base import Model, UTCDateTime, utcnow


class Topic(Model):
    __tablename__ = "topic"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")


class ExamBlueprint(Model):
    __tablename__ = "blueprint"

    exam: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    minutes: Mapped[int] = mapped_column(sa.Integer)
    pass_percent: Mapped[float] = mapped_column(sa.Float)
    warn_at_minutes_left: Mapped[int] = mapped_column(sa.Integer)
    pace_minutes_per_question: Mapped[float | None] = mapped_column(sa.Float)
    source: Mapped[str] = mapped_column(sa.Text, default="")
    # JSON list of sections: {key, title, questions, cases, topics, confirmed}
    sections_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    # the blueprint file as written, for export
    source_text: Mapped[str] = mapped_column(sa.Text, default="")

    @property
    def sections(self) -> list[dict]:
        return json.loads(self.sections_json or "[]")


class Item(Model):
    __tablename__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)  # the bank id, e.g. cpc-icd-0007
    type: Mapped[str] = mapped_column(sa.String(16))  # study.kinds.ItemType: mcq, case, claim, remittance, scrubber
    topic: Mapped[str] = mapped_column(sa.String(64), index=True)
    difficulty: Mapped[str] = mapped_column(sa.String(8), default="medium")
    status: Mapped[str] = mapped_column(sa.String(10), default="published", index=True)
    setting: Mapped[str | None] = mapped_column(sa.String(24))  # cases only
    # cases only, copied from the current version for the case list: the bank's `title` (None:
    # the key is shown) and suggested `minutes`
    title: Mapped[str | None] = mapped_column(sa.String(200))
    minutes: Mapped[int | None] = mapped_column(sa.Integer)
    tags_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    # a reserved pool (bank field `reserve`): "exam" items are served only in exams, "diagnostic"
    # items only in the careers diagnostic; None: every mode
    reserved: Mapped[str | None] = mapped_column(sa.String(12))
    # where the item comes from: "file" (the bank folder) or "web" (authored or imported in the browser)
    origin: Mapped[str] = mapped_column(sa.String(8), default="file")
    path: Mapped[str] = mapped_column(sa.String(400), default="")  # relative to the bank root
    # the instructor who authored it in the browser (None for items from files)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    current_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("item_version.id", use_alter=True, name="fk_item_current_version_id_item_version")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the bank list (study/services/bank_search.py): a one-line summary (the MCQ stem, the case's
    # title or record); the searched text is in ItemSearch, so that these rows stay narrow
    summary: Mapped[str] = mapped_column(sa.String(240), default="")
    # the divergence rule (docs/authoring.md): an item from the bank files that was edited in the
    # browser is "site-changed": `flask bank import` leaves it alone (unless --force) until the
    # file's content equals the site's current version; `diverged_from` is the content hash of the
    # file version it was edited from
    site_changed: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    diverged_from: Mapped[str | None] = mapped_column(sa.String(64))

    current_version: Mapped[ItemVersion | None] = relationship(foreign_keys=[current_version_id], post_update=True)
    exam_links: Mapped[list[ItemExam]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    __table_args__ = (
        sa.CheckConstraint("type in ('mcq', 'case', 'claim', 'remittance', 'scrubber')", name="type_known"),
        sa.CheckConstraint("status in ('published', 'draft', 'retired')", name="status_known"),
        sa.CheckConstraint("reserved is null or reserved in ('exam', 'diagnostic')", name="reserved_known"),
        # the bank list (study/services/bank_search.py) counts and pages through this narrow index in
        # bank-id order, never through the wide rows (their search text): every filter column of the
        # item itself is in it
        sa.Index("ix_item_list", "key", "status", "origin", "author_id", "type", "topic", "difficulty"),
    )

    @property
    def exams(self) -> list[str]:
        return sorted(link.exam for link in self.exam_links)

    @property
    def tags(self) -> list[str]:
        return json.loads(self.tags_json or "[]")


class ItemSearch(Model):
    """The text the bank list searches: the item's current version, in full (stem, options, case
    record, key, rationales), kept by save_item_version (study.services.bank_search.index_item).
    Indexed outside the models: SQLite's FTS5 table `item_fts` (rowid = item id), PostgreSQL's
    stored tsvector column `item_search.search_tsv` with its GIN index (migration c4e8a2b6d0f1).
    A table of its own, so that counting and paging through `item` never reads this text."""

    __tablename__ = "item_search"

    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    search_text: Mapped[str] = mapped_column(sa.Text, default="")


class ItemExam(Model):
    __tablename__ = "item_exam"

    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    exam: Mapped[str] = mapped_column(sa.String(10), primary_key=True, index=True)


class ItemVersion(Model):
    __tablename__ = "item_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"), index=True)
    number: Mapped[int] = mapped_column(sa.Integer)
    # hash of what a learner sees and how it is graded (not of metadata such as tags)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    # the item file's text for this version (metadata kept current for the latest version)
    source_text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("item_id", "number", name="uq_item_version_number"),
        sa.UniqueConstraint("item_id", "content_hash", name="uq_item_version_hash"),
    )


class BankImport(Model):
    """One import run: what the bank folder looked like, and what changed."""

    __tablename__ = "bank_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    root: Mapped[str] = mapped_column(sa.String(400))
    bank_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    summary_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ItemStat(Model):
    """The bank list's per-item figures, computed by study.services.bank_stats over every submitted
    exam attempt (one pooled analysis, Moodle's definitions: study.analysis) and stored, so a page of
    the bank list reads them instead of every response. Refreshed when older than
    BANK_STATS_MAX_AGE_MINUTES on a page view, or by `flask bank stats`."""

    __tablename__ = "item_stat"

    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    facility: Mapped[float | None] = mapped_column(sa.Float)
    discrimination: Mapped[float | None] = mapped_column(sa.Float)
    enough: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    flagged: Mapped[bool] = mapped_column(sa.Boolean, default=False, index=True)
    wrong_key: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    flags: Mapped[str] = mapped_column(sa.String(200), default="")  # the flags' labels, "; "-joined
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BankStatsRun(Model):
    """One row per computation of the bank list's figures (the newest says when they were computed)."""

    __tablename__ = "bank_stats_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    items: Mapped[int] = mapped_column(sa.Integer, default=0)
