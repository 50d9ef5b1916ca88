"""The database-backed `CodeSource`: what the pure checker sees in the application.

Web processes never import the `simple-icd-10-cm` package; they read the tables loaded at setup.
Lookups are primary-key or indexed prefix queries; a small per-source cache keeps repeated look-ups
(a case's key, a learner's rows) from going back to the database.
"""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import sqlalchemy as sa

from study.codes.memory import levenshtein
from study.codes.normalize import (
    icd10cm_without_dot,
    normalize_cpt,
    normalize_hcpcs,
    normalize_icd10cm,
    normalize_modifier,
    normalize_pcs,
)
from study.codes.pcs_data import SOURCE as PCS_SOURCE
from study.codes.pcs_tables import PcsRow
from study.codes.types import CodeRecord
from study.extensions import db
from study.models import CodeSetVersion, CptCode, HcpcsCode, Icd10cmCode, Modifier, PcsCode
from study.models import PcsRow as PcsRowModel

# how many candidates around a prefix are ranked by edit distance when suggesting codes
_NEAREST_WINDOW = 60


def bare_range(prefix: str) -> tuple[str, str]:
    """The bare codes that start with `prefix` are those >= low and < high."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def bare_prefix(prefix: str) -> tuple:
    """`bare LIKE 'prefix%'` as an index range (LIKE with escapes defeats SQLite's index)."""
    low, high = bare_range(prefix)
    return (Icd10cmCode.bare >= low, Icd10cmCode.bare < high)


def record_from_row(row: Icd10cmCode) -> CodeRecord:
    notes = json.loads(row.notes or "{}")
    return CodeRecord(
        code=row.code,
        kind=row.kind,
        description=row.description,
        reportable=row.reportable,
        parent=row.parent,
        notes=MappingProxyType({k: tuple(v) for k, v in notes.items()}),
        seventh=MappingProxyType(json.loads(row.seventh or "{}")),
    )


class DbCodeSource:
    """`CodeSource` over the code-set tables of the current app's database."""

    def __init__(self) -> None:
        self._get = lru_cache(maxsize=4096)(self._get_uncached)
        self._sources: dict[str, str | None] = {}  # the source of each code set's loaded version

    # --- ICD-10-CM ---
    def _get_uncached(self, code: str) -> CodeRecord | None:
        row = db.session.get(Icd10cmCode, code)
        return record_from_row(row) if row is not None else None

    def get(self, code: str) -> CodeRecord | None:
        """Chapters ("4") and blocks ("E08-E13") by their own code; codes normalized ("e1122")."""
        found = self._get(code)
        if found is None and code and code[0].isalpha() and "-" not in code:
            normalized = normalize_icd10cm(code)
            if normalized != code:
                found = self._get(normalized)
        return found

    def children(self, code: str) -> list[str]:
        return list(
            db.session.scalars(sa.select(Icd10cmCode.code).where(Icd10cmCode.parent == code).order_by(Icd10cmCode.position))
        )

    def nearest(self, code: str, limit: int = 5) -> list[str]:
        """Reportable codes sharing the longest prefix with `code`, then by edit distance (as in memory)."""
        target = icd10cm_without_dot(normalize_icd10cm(code))[:8]
        if not target or limit <= 0:
            return []
        found: list[str] = []
        seen: set[str] = {target}
        for length in range(len(target), 0, -1):
            prefix = target[:length]
            base = sa.select(Icd10cmCode.bare, Icd10cmCode.code).where(
                Icd10cmCode.reportable.is_(True), *bare_prefix(prefix)
            )
            below = db.session.execute(
                base.where(Icd10cmCode.bare < target).order_by(Icd10cmCode.bare.desc()).limit(_NEAREST_WINDOW)
            ).all()
            above = db.session.execute(
                base.where(Icd10cmCode.bare >= target).order_by(Icd10cmCode.bare).limit(_NEAREST_WINDOW)
            ).all()
            ranked = sorted((levenshtein(target, bare), bare, dotted) for bare, dotted in [*below, *above] if bare not in seen)
            for _, bare, dotted in ranked:
                seen.add(bare)
                found.append(dotted)
                if len(found) >= limit:
                    return found
        return found

    # --- other code sets ---
    def _is_loaded(self, system: str, *sources: str) -> bool:
        if system not in self._sources:
            version = db.session.get(CodeSetVersion, system)
            self._sources[system] = version.source if version is not None else None
        return self._sources[system] in sources

    def hcpcs(self, code: str) -> str | None:
        """Known and not terminated (a CMS file keeps codes that ended years ago)."""
        row = db.session.get(HcpcsCode, normalize_hcpcs(code))
        if row is None or (row.termination_date is not None and row.termination_date < date.today()):
            return None
        return row.short_description or row.long_description or row.code

    def hcpcs_loaded(self) -> bool:
        # a site's CMS file, or the project's derived set of the current year (code_loaders.DERIVED)
        return self._is_loaded("hcpcs", "cms", "derived")

    def modifier(self, code: str) -> str | None:
        row = db.session.get(Modifier, normalize_modifier(code))
        return row.description if row is not None else None

    def cpt(self, code: str) -> str | None:
        row = db.session.get(CptCode, normalize_cpt(code))
        return row.description if row is not None else None

    def cpt_loaded(self) -> bool:
        return self._is_loaded("cpt", "licensed")

    def pcs(self, code: str) -> str | None:
        row = db.session.get(PcsCode, normalize_pcs(code))
        return row.description if row is not None else None

    def pcs_loaded(self) -> bool:
        return self._is_loaded("pcs", "cms", PCS_SOURCE)

    def pcs_rows(self, table: str) -> list[PcsRow]:
        rows = db.session.execute(
            sa.select(PcsRowModel.body_parts, PcsRowModel.approaches, PcsRowModel.devices, PcsRowModel.qualifiers)
            .where(PcsRowModel.table_code == table)
            .order_by(PcsRowModel.position)
        ).all()
        return [PcsRow(*r) for r in rows]

    def pcs_set_name(self) -> str:
        """A site's own order file (source "cms") is named after the file, the derived set by its year."""
        if self._is_loaded("pcs", "cms"):
            return "ICD-10-PCS (this site's CMS file)"
        return "FY2026 ICD-10-PCS"
