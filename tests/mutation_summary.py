"""`make mutation` report: the kill rate of each mutated module, from mutmut's results in mutants/.

Killed counts mutants a test failed on (or that timed out); every other verdict (survived, no
tests) is a survivor. `--survivors` also lists the survivors' names (`mutmut show NAME` prints the diff).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

KILLED = {1, 3, 36, 37, -24, 24, 152, 255}  # mutmut's exit codes for killed, timeout, type check


def summarise(root: Path = Path("mutants"), survivors: bool = False) -> int:
    total = Counter()
    metas = sorted(root.rglob("*.py.meta"))
    if not metas:
        print("no mutation results: run `make mutation` first")
        return 1
    print(f"{'module':45} {'killed':>7} {'total':>6} {'rate':>7}")
    for meta in metas:
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        checked = {name: code for name, code in codes.items() if code is not None}
        if not checked:
            continue
        killed = sum(code in KILLED for code in checked.values())
        total.update(killed=killed, total=len(checked))
        module = str(meta.relative_to(root))[: -len(".meta")]
        print(f"{module:45} {killed:7} {len(checked):6} {killed / len(checked):7.1%}")
        if survivors:
            for name, code in sorted(checked.items()):
                if code not in KILLED:
                    print(f"    {name} ({'survived' if code == 0 else 'no tests' if code in (5, 33) else code})")
    print(f"{'all':45} {total['killed']:7} {total['total']:6} {total['killed'] / total['total']:7.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(summarise(survivors="--survivors" in sys.argv))
