"""The project's derived ICD-10-PCS files (pure): the FY2026 code list with titles and the tables.

Made by scripts/derive_pcs.py from CMS data carried by three wheels (see
study/codes/data/pcs_PROVENANCE.md); read here at setup time only (study.services.code_loaders),
never by a web process.
"""
from __future__ import annotations

import hashlib
import json
import lzma
from dataclasses import dataclass
from pathlib import Path

from study.codes.normalize import is_pcs_shape
from study.codes.pcs_tables import PcsRow

DATA = Path(__file__).resolve().parent / "data"
CODES_FILE = DATA / "pcs_codes_fy2026.tsv.xz"
TABLES_FILE = DATA / "pcs_tables_fy2026.json.xz"
#: the ``source`` of the codes loaded from the derived list (a site's own CMS file is "cms")
SOURCE = "cms-fy2026"


@dataclass(frozen=True)
class PcsTableData:
    code: str
    section: str
    body_system: str
    operation: str
    definition: str
    explanation: str
    examples: str
    rows: tuple[PcsRow, ...]
    #: position (4-7) -> value -> label
    values: dict[int, dict[str, str]]


@dataclass(frozen=True)
class PcsData:
    version: str
    digest: str  # of both files: a changed file is loaded again
    codes: list[tuple[str, str]]
    tables: list[PcsTableData]
    #: section -> axis ("approach") -> value -> (label, definition)
    definitions: dict[str, dict[str, dict[str, tuple[str, str]]]]
    figures: dict


def data_digest(codes_xz: bytes, tables_xz: bytes) -> str:
    return hashlib.sha256(codes_xz + b"\0" + tables_xz).hexdigest()[:16]


def files_digest() -> str:
    return data_digest(CODES_FILE.read_bytes(), TABLES_FILE.read_bytes())


def parse_codes(text: str) -> list[tuple[str, str]]:
    """``code<TAB>title`` lines; raises ValueError on a line that is not one."""
    codes: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        code, tab, title = line.partition("\t")
        if not tab or not is_pcs_shape(code):
            raise ValueError(f"line {number}: not a code and its title: {line[:40]!r}")
        codes.append((code, title))
    return codes


def parse_tables(document: dict) -> list[PcsTableData]:
    tables = []
    for code, t in sorted(document["tables"].items()):
        rows = tuple(PcsRow(*r.split("|")) for r in t["rows"])
        values = {int(p): dict(v) for p, v in t["values"].items()}
        head = (t["section"], t["body_system"], t["operation"], t["definition"], t["explanation"], t["examples"])
        tables.append(PcsTableData(code, *head, rows, values))
    return tables


def read_pcs_data(codes_xz: bytes | None = None, tables_xz: bytes | None = None) -> PcsData:
    """The derived files (the committed ones by default), parsed."""
    codes_xz = CODES_FILE.read_bytes() if codes_xz is None else codes_xz
    tables_xz = TABLES_FILE.read_bytes() if tables_xz is None else tables_xz
    document = json.loads(lzma.decompress(tables_xz))
    definitions = {
        section: {"approach": {value: (d["label"], d["definition"]) for value, d in axis.items()}}
        for section, axis in document["approaches"].items()
    }
    return PcsData(
        version=document["version"],
        digest=data_digest(codes_xz, tables_xz),
        codes=parse_codes(lzma.decompress(codes_xz).decode("utf-8")),
        tables=parse_tables(document),
        definitions=definitions,
        figures=document["figures"],
    )
