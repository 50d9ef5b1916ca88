"""The kinds and statuses the application stores as text, as enums (pure core: no imports).

They are ``StrEnum``s: a member equals its stored value (``AttemptKind.EXAM == "exam"``), so the
database keeps the same strings and old rows read back unchanged; code names the member instead of
repeating a string, and mypy and ruff see a typo."""
from __future__ import annotations

from enum import StrEnum


class ItemType(StrEnum):
    MCQ = "mcq"
    CASE = "case"
    CLAIM = "claim"  # billing exercises (docs/authoring.md, "Billing exercises")
    REMITTANCE = "remittance"
    SCRUBBER = "scrubber"


BILLING_ITEM_TYPES: tuple[ItemType, ...] = (ItemType.CLAIM, ItemType.REMITTANCE, ItemType.SCRUBBER)


class ItemStatus(StrEnum):
    PUBLISHED = "published"
    DRAFT = "draft"
    RETIRED = "retired"


class Reserve(StrEnum):
    """A reserved pool (bank field ``reserve``); an item with none is in the open pool."""

    EXAM = "exam"
    DIAGNOSTIC = "diagnostic"


class AttemptKind(StrEnum):
    PRACTICE = "practice"
    CASE = "case"
    EXAM = "exam"


class AttemptStatus(StrEnum):
    """An attempt is open until it is submitted (graded), or, for a learner's own exam, abandoned:
    closed without grading, counted nowhere (no score, review cards, rollups or averages)."""

    OPEN = "open"
    SUBMITTED = "submitted"
    ABANDONED = "abandoned"


class AssignmentKind(StrEnum):
    """What an assignment sets: a practice set, a set of cases (plural, unlike AttemptKind.CASE:
    one case attempt per case of the set), or an exam."""

    PRACTICE = "practice"
    CASES = "cases"
    EXAM = "exam"


class Feedback(StrEnum):
    """When an assignment shows keys: after each answer, when the attempt ends, after the due date."""

    EACH = "each"
    ATTEMPT = "attempt"
    DUE = "due"


class Counts(StrEnum):
    """Which submitted attempt of an assignment counts."""

    FIRST = "first"
    LAST = "last"
    BEST = "best"


class ReportStatus(StrEnum):
    OPEN = "open"
    FIXED = "fixed"
    REPLIED = "replied"
    DISMISSED = "dismissed"
