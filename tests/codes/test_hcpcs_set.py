"""The project's HCPCS Level II set of 2026 (study/codes/data/hcpcs_2026.tsv, derived by
scripts/derive_hcpcs.py from the CMS I/OCE tables in the pyoce wheel): the committed file itself,
its parser, and the script's rules."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from study.codes.checking import CDT_WITHOUT_DESCRIPTOR, CodeChecker
from study.codes.hcpcs_set import HCPCS_SET_FILE, HcpcsSetError, parse_hcpcs_set, read_version
from study.codes.memory import MemoryCodeSource
from study.codes.normalize import is_cpt_shape

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "derive_hcpcs.py"


@pytest.fixture(scope="module")
def text() -> str:
    return HCPCS_SET_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rows(text: str) -> dict:
    return {r.code: r for r in parse_hcpcs_set(text).rows}


def test_the_file_is_the_level_ii_codes_of_2026(text: str, rows: dict) -> None:
    assert 8_000 <= len(rows) <= 8_600  # 8,262 in the April 2026 data
    assert all(re.fullmatch(r"[A-V][0-9]{4}", code) for code in rows)
    assert not any(is_cpt_shape(code) for code in rows)
    lines = [line.split("\t")[0] for line in text.splitlines()[6:]]
    assert lines == sorted(set(lines)) and len(lines) == len(rows)  # sorted, no duplicates
    assert read_version(text) == "CMS HCPCS Level II 2026 (I/OCE tables via pyoce 0.1.0, through April 2026)"
    assert "# as of: 2026-04-01" in text
    assert len(text.encode("utf-8")) < 1_000_000  # small enough to commit uncompressed


@pytest.mark.parametrize(
    ("code", "description"),
    [
        ("J1100", "Dexamethasone sodium phos"),
        ("G2211", "Complex e/m visit add on"),
        ("A0427", "Als1-emergency"),
        ("E0114", "Crutch underarm pair no wood"),
        ("J2919", "Inj, methylpred sod succ 5mg"),  # replaced J2920 in April 2024
        ("J0174", "Lecanemab-irmb, for iv inj"),  # the April 2026 wording, not January's
    ],
)
def test_known_codes_have_their_cms_short_description(rows: dict, code: str, description: str) -> None:
    assert rows[code].short_description == description


def test_codes_that_ended_before_2026_are_absent(rows: dict) -> None:
    # J2920/J2930 (methylprednisolone) and J9070 ended in March 2024, M0239 in April 2021,
    # G0011's neighbours stay: the set is what CMS lists in 2026
    for gone in ("J2920", "J2930", "J9070", "M0239", "Q0239"):
        assert gone not in rows
    assert "G0011" in rows


def test_dates_of_2026(rows: dict) -> None:
    assert rows["C9818"].effective_date == date(2026, 1, 23)  # CMS's approval date
    assert rows["A2040"].effective_date == date(2026, 4, 1)  # new in the April 2026 quarter
    assert rows["J1100"].effective_date is None  # older than the data (July 2019)
    assert rows["C9145"].termination_date == date(2026, 3, 31)  # dropped from the April quarter
    assert rows["G2000"].termination_date == date(2026, 12, 31)  # the table's own date
    assert sum(1 for r in rows.values() if r.termination_date) == 7


def test_dental_codes_carry_no_cdt_text(rows: dict) -> None:
    dental = [r for r in rows.values() if r.code.startswith("D")]
    assert len(dental) > 500 and all(r.short_description == "" for r in dental)
    checker = CodeChecker(MemoryCodeSource(hcpcs={"D0120": "", "J1100": "Dexamethasone sodium phos"}, hcpcs_loaded=True))
    check = checker.check("hcpcs", "d0120")
    assert check.status == "reportable" and check.message == CDT_WITHOUT_DESCRIPTOR and check.description is None
    assert "loaded HCPCS Level II table" in checker.check("hcpcs", "J2920").message


def test_the_parser_refuses_what_the_script_would_not_write(text: str) -> None:
    head = "\n".join(text.splitlines()[:6])
    assert len(parse_hcpcs_set(head + "\nJ1100\tDexamethasone\t\t\n").rows) == 1
    for bad in ("99213\tCPT\t\t", "J1100\tx\t\t\nJ1100\ty\t\t", "J1100\tx\t2026-13-01\t", "J1100\tx"):
        with pytest.raises(HcpcsSetError):
            parse_hcpcs_set(f"{head}\n{bad}\n")
    with pytest.raises(HcpcsSetError, match="version"):
        parse_hcpcs_set("code\tshort_description\teffective\tterminated\nJ1100\tx\t\t\n")


# ---------------------------------------------------------------- the script's rules
def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("derive_hcpcs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["derive_hcpcs"] = module
    spec.loader.exec_module(module)
    return module


def test_derive_keeps_the_codes_valid_in_the_year() -> None:
    derive = _script()
    q = derive.Quarter
    quarters = {
        100: q(100, date(2025, 7, 1), date(2025, 9, 30), "26.2"),
        101: q(101, date(2025, 10, 1), date(2025, 12, 31), "26.3"),
        102: q(102, date(2026, 1, 1), date(2026, 3, 31), "27.0"),
        103: q(103, date(2026, 4, 1), date(2036, 3, 31), "27.1"),
    }
    run = derive.Run
    runs = {
        "A0001": [run(100, 101, "Ended 2025", None, None)],
        "A0002": [run(100, 101, "Old words", None, None), run(102, 103, "New words", None, None)],
        "A0003": [run(102, 102, "Only January", None, None)],
        "A0004": [run(103, 103, "From April", date(2026, 4, 15), None)],
        "A0005": [run(100, 103, "Ends in the year", None, date(2026, 6, 30))],
        "A0006": [run(100, 103, "Terminated in 2025", None, date(2025, 12, 1))],
        "A0007": [run(101, 103, "Far future end", None, date(2065, 1, 1))],
        "D0001": [run(100, 103, "CDT words", None, None)],
    }
    rows = {r[0]: r[1:] for r in derive.derive(quarters, runs, 2026)}
    assert rows == {
        "A0002": ("New words", "", ""),
        "A0003": ("Only January", "2026-01-01", "2026-03-31"),
        "A0004": ("From April", "2026-04-15", ""),
        "A0005": ("Ends in the year", "", "2026-06-30"),
        "A0007": ("Far future end", "2025-10-01", ""),
        "D0001": ("", "", ""),
    }


def _wheel() -> Path | None:
    named = os.environ.get("PYOCE_WHEEL")
    if named:
        return Path(named)
    found = sorted(Path("/tmp/pk").glob("pyoce-0.1.0-*.whl")) if Path("/tmp/pk").is_dir() else []
    return found[0] if found else None


def test_the_script_reproduces_the_committed_file(tmp_path: Path) -> None:
    """Byte for byte, from the pyoce wheel (not in CI: set PYOCE_WHEEL, and install lmdb)."""
    wheel = _wheel()
    if wheel is None or not wheel.is_file():
        pytest.skip("no pyoce 0.1.0 wheel: set PYOCE_WHEEL or put it in /tmp/pk (hcpcs_2026.PROVENANCE.md says how)")
    if importlib.util.find_spec("lmdb") is None:
        pytest.skip("the regeneration script needs the lmdb package: python -m pip install lmdb")
    out = tmp_path / "hcpcs.tsv"
    subprocess.run([sys.executable, str(SCRIPT), "--wheel", str(wheel), "--out", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == HCPCS_SET_FILE.read_bytes()
