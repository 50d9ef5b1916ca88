"""ICD-10-CM records from the ``simple-icd-10-cm`` package, and an in-memory ``CodeSource``.

``load_icd10cm_records()`` is for setup time (``flask codes load`` writes its records to the
database) and for tests: it imports the package inside the function, because importing it costs
about two seconds and 190 MiB, which a web process must never pay.

What the loader does beyond copying the package's data:

- it walks the package's tree itself (``simple-icd-10-cm`` 1.5.0, pinned), because 39 blocks
  share their name with their only category (block "B99" holds category "B99"); such a block is
  given the code ``"B99-B99"`` so that every record has a unique code;
- it gives every code the 7th-character table that applies to it, inherited from the ancestor
  that defines it (the package records that ancestor on each node);
- it cleans the 7th-character meanings, and the descriptions of the codes generated from them,
  that carry an inclusion note glued on after a ``/`` (``S72.001B`` "..., initial encounter for
  open fracture type I or II/\\tinitial encounter for open fracture NOS"); the glued note becomes
  an ``inclusion_term`` of the generated code instead.
"""

from __future__ import annotations

import bisect
import functools
import warnings
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from study.codes.normalize import (
    normalize_cpt,
    normalize_hcpcs,
    normalize_icd10cm,
    normalize_modifier,
    normalize_pcs,
)
from study.codes.pcs_tables import PcsRow, rows_from_codes
from study.codes.types import CodeRecord

#: The version of the ICD-10-CM data the package ships (recorded with the loaded tables).
ICD10CM_SOURCE = "simple-icd-10-cm 1.5.0 (CDC/NCHS ICD-10-CM tabular, April 1, 2026)"

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _clean_meaning(value: str) -> tuple[str, str | None]:
    """Split a package 7th-character meaning into (meaning, glued inclusion note or None).

    The package appends a ``<note>`` that follows an ``<extension>`` as ``"/" + text``; no
    extension text of the tabular list contains a slash, so the first slash is the seam.
    """
    if "/" not in value:
        return value.strip(), None
    meaning, note = value.split("/", 1)
    return meaning.strip(), note.strip() or None


def _lines(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(line.strip() for line in text.split("\n") if line.strip())


def load_icd10cm_records() -> Iterator[CodeRecord]:
    """Every chapter, block, category, subcategory and code of ICD-10-CM, in tabular order.

    98,186 categories, subcategories and codes (74,719 reportable), plus 22 chapters and 297
    blocks.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from simple_icd_10_cm import simple_icd_10_cm as cm

    chapters = cm._chapter_list  # noqa: SLF001 - the package keeps its tree here
    category_names = _category_names(chapters)
    sevenths = _SeventhTables()
    # depth-first, tabular order, without recursion
    stack: list[tuple[Any, str | None]] = [(c, None) for c in reversed(chapters)]
    while stack:
        node, parent_code = stack.pop()
        rec = _record(node, parent_code, category_names, sevenths)
        yield rec
        stack.extend((child, rec.code) for child in reversed(node.children))


def _category_names(chapters: Iterable[Any]) -> set[str]:
    """The names of every category of the package's tree."""
    names: set[str] = set()

    def collect(node: Any) -> None:
        if node.type == "category":
            names.add(node.name)
        for child in node.children:
            collect(child)

    for chapter in chapters:
        collect(chapter)
    return names


def _code_of(node: Any, category_names: set[str]) -> str:
    """The node's code; a block named like a category (block "B99") is ``"B99-B99"``."""
    if node.type == "section" and node.name in category_names:
        return f"{node.name}-{node.name}"
    return str(node.name)


def _kind_of(node: Any) -> str:
    if node.type == "chapter":
        return "chapter"
    if node.type == "section":
        return "block"
    if len(node.name) == 3:
        return "category"
    if node.children:
        return "subcategory"
    return "code"


def _notes_of(node: Any) -> dict[str, tuple[str, ...]]:
    """The node's notes by kind, stripped, the empty ones left out."""
    notes: dict[str, tuple[str, ...]] = {}
    for key, values in (
        ("includes", node.includes),
        ("inclusion_term", node.inclusion_term),
        ("excludes1", node.excludes1),
        ("excludes2", node.excludes2),
        ("code_first", _lines(node.code_first)),
        ("use_additional_code", _lines(node.use_additional_code)),
        ("code_also", _lines(node.code_also)),
        ("notes", _lines(node.notes) + _lines(node.seven_chr_note)),
    ):
        if values:
            notes[key] = tuple(v.strip() for v in values)
    return notes


class _SeventhTables:
    """The cleaned 7th-character table that applies to a node (inherited from the ancestor that
    defines it, cleaned once per table), and one read-only view per table."""

    def __init__(self) -> None:
        self._cleaned: dict[int, tuple[dict[str, str], dict[str, str]]] = {}
        self._views: dict[int, Mapping[str, str]] = {}

    def of(self, node: Any) -> tuple[dict[str, str], dict[str, str]]:
        """(meanings by character, glued inclusion notes by character)."""
        owner = node if node.seven_chr_def else node.seven_chr_def_ancestor
        if owner is None:
            return {}, {}
        if id(owner) in self._cleaned:
            return self._cleaned[id(owner)]
        meanings: dict[str, str] = {}
        glued: dict[str, str] = {}
        for char, value in owner.seven_chr_def.items():
            meaning, note = _clean_meaning(value)
            meanings[char] = meaning
            if note:
                glued[char] = note
        self._cleaned[id(owner)] = (meanings, glued)
        return meanings, glued

    def view(self, meanings: dict[str, str]) -> Mapping[str, str]:
        if not meanings:
            return _EMPTY
        return self._views.setdefault(id(meanings), MappingProxyType(meanings))


def _record(node: Any, parent_code: str | None, category_names: set[str], sevenths: _SeventhTables) -> CodeRecord:
    kind = _kind_of(node)
    notes = _notes_of(node)
    description = node.description
    seventh: dict[str, str] = {}
    if kind not in ("chapter", "block"):
        seventh, glued = sevenths.of(node)
        if node.type == "extended subcategory":
            char = node.name[-1]
            if char in seventh:
                description = f"{node.parent.description}, {seventh[char]}"
            if char in glued:
                notes["inclusion_term"] = notes.get("inclusion_term", ()) + (glued[char],)
    return CodeRecord(
        code=_code_of(node, category_names),
        kind=kind,
        description=description,
        reportable=kind not in ("chapter", "block") and not node.children,
        parent=parent_code,
        notes=MappingProxyType(notes) if notes else _EMPTY,
        seventh=sevenths.view(seventh),
    )


@functools.lru_cache(maxsize=1)
def cached_icd10cm_records() -> tuple[CodeRecord, ...]:
    """``load_icd10cm_records()`` once per process (tests share it across test packages)."""
    return tuple(load_icd10cm_records())


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions), for short codes."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


class _Index:
    """Lookups over ICD-10-CM records shared by every ``MemoryCodeSource`` built from them."""

    def __init__(self, records: Iterable[CodeRecord]) -> None:
        self.records: dict[str, CodeRecord] = {}
        self.children: dict[str, list[str]] = {}
        for rec in records:
            self.records[rec.code] = rec
            if rec.parent is not None:
                self.children.setdefault(rec.parent, []).append(rec.code)
        bare = sorted(
            (rec.code.replace(".", ""), rec.code) for rec in self.records.values() if rec.reportable
        )
        self.reportable_bare: list[str] = [b for b, _ in bare]
        self.bare_to_code: dict[str, str] = dict(bare)


class MemoryCodeSource:
    """A ``CodeSource`` held in dictionaries (tests, scripts, the pure core's own checks).

    ``hcpcs``/``modifiers`` map codes to descriptions; ``hcpcs_loaded`` says whether that table
    is a full set, a CMS file or the project's set of the year (False: a short list only). ``cpt`` and ``pcs`` are None when no
    table is loaded (then only shapes are checked).
    """

    #: how many neighbours of the insertion point are ranked when a prefix matches very many codes
    NEAREST_WINDOW = 300

    def __init__(
        self,
        records: Iterable[CodeRecord] = (),
        *,
        hcpcs: Mapping[str, str] | None = None,
        hcpcs_loaded: bool = False,
        modifiers: Mapping[str, str] | None = None,
        cpt: Mapping[str, str] | None = None,
        pcs: Mapping[str, str] | None = None,
        _index: _Index | None = None,
    ) -> None:
        self._index = _index if _index is not None else _Index(records)
        self._hcpcs = {normalize_hcpcs(k): v for k, v in (hcpcs or {}).items()}
        self._hcpcs_loaded = hcpcs_loaded
        self._modifiers = {normalize_modifier(k): v for k, v in (modifiers or {}).items()}
        self._cpt = None if cpt is None else {normalize_cpt(k): v for k, v in cpt.items()}
        self._pcs = None if pcs is None else {normalize_pcs(k): v for k, v in pcs.items()}

    def with_tables(
        self,
        *,
        hcpcs: Mapping[str, str] | None = None,
        hcpcs_loaded: bool = False,
        modifiers: Mapping[str, str] | None = None,
        cpt: Mapping[str, str] | None = None,
        pcs: Mapping[str, str] | None = None,
    ) -> MemoryCodeSource:
        """A source with the same ICD-10-CM data (shared, not copied) and other tables."""
        return MemoryCodeSource(
            hcpcs=hcpcs,
            hcpcs_loaded=hcpcs_loaded,
            modifiers=modifiers,
            cpt=cpt,
            pcs=pcs,
            _index=self._index,
        )

    def __len__(self) -> int:
        return len(self._index.records)

    def records(self) -> Iterator[CodeRecord]:
        return iter(self._index.records.values())

    # --- ICD-10-CM ---
    def get(self, code: str) -> CodeRecord | None:
        return self._index.records.get(code)

    def children(self, code: str) -> list[str]:
        return list(self._index.children.get(code, ()))

    def nearest(self, code: str, limit: int = 5) -> list[str]:
        """Reportable codes sharing the longest prefix with ``code``, then by edit distance.

        Deterministic: ties are broken by code order.
        """
        target = normalize_icd10cm(code).replace(".", "")[:8]
        if not target or limit <= 0:
            return []
        pool = self._index.reportable_bare
        found: list[str] = []
        seen: set[str] = {target}
        for length in range(len(target), 0, -1):
            prefix = target[:length]
            lo = bisect.bisect_left(pool, prefix)
            hi = bisect.bisect_left(pool, prefix + "\x7f", lo)
            if lo == hi:
                continue
            if hi - lo > 2 * self.NEAREST_WINDOW:
                middle = bisect.bisect_left(pool, target, lo, hi)
                lo = max(lo, middle - self.NEAREST_WINDOW)
                hi = min(hi, middle + self.NEAREST_WINDOW)
            ranked = sorted((levenshtein(target, bare), bare) for bare in pool[lo:hi] if bare not in seen)
            for _, bare in ranked:
                seen.add(bare)
                found.append(self._index.bare_to_code[bare])
                if len(found) >= limit:
                    return found
        return found

    # --- other code sets ---
    def hcpcs(self, code: str) -> str | None:
        return self._hcpcs.get(normalize_hcpcs(code))

    def hcpcs_loaded(self) -> bool:
        return self._hcpcs_loaded

    def modifier(self, code: str) -> str | None:
        return self._modifiers.get(normalize_modifier(code))

    def cpt(self, code: str) -> str | None:
        return None if self._cpt is None else self._cpt.get(normalize_cpt(code))

    def cpt_loaded(self) -> bool:
        return self._cpt is not None

    def pcs(self, code: str) -> str | None:
        return None if self._pcs is None else self._pcs.get(normalize_pcs(code))

    def pcs_loaded(self) -> bool:
        return self._pcs is not None

    def pcs_rows(self, table: str) -> list[PcsRow]:
        """The table's rows rebuilt from the loaded codes (``rows_from_codes``)."""
        tails = [c[3:] for c in self._pcs or {} if c.startswith(table)] if len(table) == 3 else []
        return rows_from_codes(tails)

    def pcs_set_name(self) -> str:
        return "ICD-10-PCS"


@functools.lru_cache(maxsize=1)
def _cached_index() -> _Index:
    return _Index(cached_icd10cm_records())


def icd10cm_memory_source(
    *,
    hcpcs: Mapping[str, str] | None = None,
    hcpcs_loaded: bool = False,
    modifiers: Mapping[str, str] | None = None,
    cpt: Mapping[str, str] | None = None,
    pcs: Mapping[str, str] | None = None,
) -> MemoryCodeSource:
    """A ``MemoryCodeSource`` over the full ICD-10-CM set, loaded once per process."""
    return MemoryCodeSource(
        hcpcs=hcpcs,
        hcpcs_loaded=hcpcs_loaded,
        modifiers=modifiers,
        cpt=cpt,
        pcs=pcs,
        _index=_cached_index(),
    )
