"""Value types shared by the code-set layer, the bank validator and the graders.

Pure: no Flask, no database. ``CodeSource`` is the one seam between this pure core and whatever
holds the code tables (``study.codes.memory.MemoryCodeSource`` in tests, a database-backed class
in the application).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from study.codes.pcs_tables import PcsRow

#: The note kinds a ``CodeRecord`` may carry, in the order the tabular list prints them.
NOTE_KINDS: tuple[str, ...] = (
    "includes",
    "inclusion_term",
    "excludes1",
    "excludes2",
    "code_first",
    "use_additional_code",
    "code_also",
    "notes",
)

#: ``CodeRecord.kind`` values.
KINDS: tuple[str, ...] = ("chapter", "block", "category", "subcategory", "code")

#: ``CodeCheck.status`` values.
STATUSES: tuple[str, ...] = ("reportable", "incomplete", "invalid")

#: ``CodeCheck.system`` values.
SYSTEMS: tuple[str, ...] = ("icd10cm", "cpt", "hcpcs", "pcs", "modifier")


@dataclass(frozen=True)
class CodeRecord:
    """One ICD-10-CM entry as stored in the database.

    ``kind``: ``chapter`` ("4"), ``block`` ("E08-E13"), ``category`` (three characters, "E11" or
    the reportable "I10"), ``subcategory`` (a header with children, "E11.2") or ``code`` (a
    reportable leaf longer than three characters, "E11.22", "S72.21XA").

    ``notes`` holds the record's *own* tabular notes (keys from ``NOTE_KINDS``); notes of an
    ancestor apply to every code below it, and ``CodeChecker`` walks the parents to find them.
    ``seventh`` is the 7th-character table that applies to this code, inherited from the
    ancestor that defines it (``{}`` when none).
    """

    code: str
    kind: str
    description: str
    reportable: bool
    parent: str | None
    notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    seventh: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CodeCheck:
    """The verdict on one typed code.

    ``status`` is ``reportable``, ``incomplete`` (a real code or header that is not valid for
    reporting; ``missing`` says what it lacks: ``"more characters"`` or ``"7th character"``) or
    ``invalid`` (not a code of the set; ``suggestions`` holds up to five nearest real codes for
    ICD-10-CM). ``message`` is a sentence for a learner.
    """

    system: str
    input: str
    code: str
    status: str
    message: str
    description: str | None = None
    suggestions: tuple[str, ...] = ()
    missing: str | None = None

    @property
    def reportable(self) -> bool:
        return self.status == "reportable"

    @property
    def exists(self) -> bool:
        """True for a real code of the set, reportable or not."""
        return self.status != "invalid"


@dataclass(frozen=True)
class Conflict:
    """A problem with a *set* of diagnosis codes.

    ``kind``: ``excludes1`` (two codes never coded together), ``code_first`` (a manifestation
    code listed first) or ``use_additional`` (a hint: a note asks for a code none of which is in
    the set).
    """

    kind: str
    codes: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class ProcedureEntry:
    """One procedure as a learner wrote it: ``CODE[-MOD[-MOD...]][xUNITS]``.

    ``units`` is 1 when no ``xN`` was written. ``problem`` describes a malformed piece (the
    grader marks the entry invalid); ``units_problem`` flags units of 0 or absurd units (kept,
    flagged by the grader).
    """

    raw: str
    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1
    units_written: bool = False
    problem: str | None = None
    units_problem: str | None = None


@dataclass(frozen=True)
class Submission:
    """A learner's answer to a coding case: three ordered lists.

    ``diagnoses`` and ``pcs`` hold normalized codes (``E11.22``); malformed pieces are kept as
    typed (upper-cased) so that the grader can mark them invalid.
    """

    diagnoses: tuple[str, ...] = ()
    procedures: tuple[ProcedureEntry, ...] = ()
    pcs: tuple[str, ...] = ()


@runtime_checkable
class CodeSource(Protocol):
    """Where code tables come from (memory in tests, the database in the application)."""

    def get(self, code: str) -> CodeRecord | None:
        """The ICD-10-CM record for a normalized code with its dot ("E11.22"), or None."""

    def children(self, code: str) -> list[str]:
        """Codes of the direct children, in tabular order."""

    def nearest(self, code: str, limit: int = 5) -> list[str]:
        """Nearest real reportable codes to a code that does not exist (same prefix first)."""

    def hcpcs(self, code: str) -> str | None:
        """Description when this HCPCS Level II code is known, else None."""

    def hcpcs_loaded(self) -> bool:
        """True when a full HCPCS Level II set is loaded: a site's CMS file or the project's set of
        the current year (else only a short list is known, as in some tests)."""

    def modifier(self, code: str) -> str | None:
        """Description of a CPT/HCPCS modifier, or None when unknown."""

    def cpt(self, code: str) -> str | None:
        """Description when a licensed CPT file was loaded and holds the code."""

    def cpt_loaded(self) -> bool:
        """True when a licensed CPT file was loaded."""

    def pcs(self, code: str) -> str | None:
        """Description when an ICD-10-PCS table was loaded and holds the code."""

    def pcs_loaded(self) -> bool:
        """True when an ICD-10-PCS table was loaded."""

    def pcs_rows(self, table: str) -> list[PcsRow]:
        """The rows of an ICD-10-PCS table ("0DT"); empty when it has none or none is loaded."""

    def pcs_set_name(self) -> str:
        """What the loaded ICD-10-PCS set is called in messages ("FY2026 ICD-10-PCS")."""
