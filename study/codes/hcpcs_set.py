"""The project's HCPCS Level II code set of the current year (pure: text in, rows out).

``data/hcpcs_2026.tsv`` is a derived data file: the Level II codes valid in 2026 with their CMS
short descriptions, made by ``scripts/derive_hcpcs.py`` from the CMS I/OCE tables in the `pyoce`
wheel (provenance: ``data/hcpcs_2026.PROVENANCE.md``). `flask setup` loads it into ``hcpcs_code``
(study.services.code_loaders.load_hcpcs_set) unless a site loaded its own CMS file.

The file: ``#`` comment lines first, one of them ``# version: ...`` (the text recorded as the
code set's version), then a header line and one tab-separated line per code::

    code  short_description  effective (YYYY-MM-DD or empty)  terminated (last day of use or empty)

Dental D-codes have an empty description: their descriptors are the ADA's CDT text, which the
project does not ship.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HCPCS_SET_FILE = Path(__file__).resolve().parent / "data" / "hcpcs_2026.tsv"
COLUMNS = ("code", "short_description", "effective", "terminated")
_LEVEL_II = re.compile(r"[A-V][0-9]{4}", re.ASCII)


@dataclass(frozen=True)
class HcpcsSetRow:
    code: str
    short_description: str
    effective_date: date | None
    termination_date: date | None


@dataclass(frozen=True)
class HcpcsSet:
    version: str
    rows: tuple[HcpcsSetRow, ...]


class HcpcsSetError(ValueError):
    """The derived file is not what scripts/derive_hcpcs.py writes."""


def _day(text: str, line_no: int) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as exc:
        raise HcpcsSetError(f"line {line_no}: {text!r} is not a date") from exc


def read_version(text: str) -> str:
    """The ``# version:`` line of the file's header (cheap: the rows are not parsed)."""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# version:"):
            return line.removeprefix("# version:").strip()
    raise HcpcsSetError("no '# version:' line in the header")


def parse_hcpcs_set(text: str) -> HcpcsSet:
    """Parse the derived file; raises HcpcsSetError on anything it would not write itself."""
    version = read_version(text)
    rows: list[HcpcsSetRow] = []
    header_seen = False
    for line_no, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#") and not header_seen:
            continue
        fields = line.split("\t")
        if not header_seen:
            if tuple(fields) != COLUMNS:
                raise HcpcsSetError(f"line {line_no}: expected the header {' '.join(COLUMNS)}")
            header_seen = True
            continue
        if len(fields) != len(COLUMNS) or not _LEVEL_II.fullmatch(fields[0]):
            raise HcpcsSetError(f"line {line_no}: not a HCPCS Level II row: {line[:60]!r}")
        if rows and fields[0] <= rows[-1].code:
            raise HcpcsSetError(f"line {line_no}: {fields[0]} is out of order or repeated")
        rows.append(HcpcsSetRow(fields[0], fields[1], _day(fields[2], line_no), _day(fields[3], line_no)))
    if not rows:
        raise HcpcsSetError("no codes")
    return HcpcsSet(version, tuple(rows))


def hcpcs_set_text() -> str | None:
    """The committed file's text, or None when it is missing (a trimmed install)."""
    return HCPCS_SET_FILE.read_text(encoding="utf-8") if HCPCS_SET_FILE.exists() else None
