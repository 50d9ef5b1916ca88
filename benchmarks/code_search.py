"""Code-book search speed: the project's search against a plain Python scan, in the same run.

Usage: .venv/bin/python benchmarks/code_search.py   (after `make setup`; uses DATABASE_URL or instance/)
Prints median and p95 per query kind for the project's search (FTS5 on SQLite, tsvector on
PostgreSQL; indexed range for code prefixes) and for a scan over every description held in a
Python list, then the ratio, and the memory a web worker gains by using the code sets.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORD_QUERIES = [
    "diab nephrop",
    "type 2 diabetes hyperglycemia",
    "essential hypertension",
    "hypertensive heart kidney failure",
    "acute myocardial infarction anterior",
    "atrial fibrillation",
    "congestive heart failure",
    "copd exacerbation",
    "pneumonia organism",
    "acute bronchitis",
    "asthma moderate persistent",
    "urinary tract infection",
    "sepsis unspecified organism",
    "severe sepsis shock",
    "acute kidney failure",
    "chronic kidney disease stage 3",
    "fracture distal radius",
    "subtrochanteric fracture femur",
    "ankle sprain",
    "laceration forearm",
    "pressure ulcer sacral stage 3",
    "cellulitis lower limb",
    "malignant neoplasm breast",
    "secondary malignant liver",
    "anemia neoplastic",
    "major depressive recurrent",
    "generalized anxiety",
    "alcohol dependence withdrawal",
    "opioid use disorder",
    "migraine without aura",
    "cerebral infarction",
    "hemiplegia dominant side",
    "osteoarthritis knee",
    "low back pain",
    "carpal tunnel",
    "cataract senile",
    "otitis media acute",
    "gastroesophageal reflux",
    "appendicitis peritonitis",
    "cholecystitis calculus",
    "crohn disease",
    "pregnancy weeks gestation",
    "gestational diabetes",
    "preeclampsia",
    "obesity body mass",
    "vitamin d deficiency",
    "hypothyroidism",
    "hyperlipidemia",
    "screening colon",
    "long term insulin",
]
PREFIX_QUERIES = [
    "E11",
    "E11.2",
    "E1122",
    "I10",
    "I11.0",
    "I13",
    "I21.0",
    "I48",
    "I50.2",
    "J44",
    "J18",
    "J45.4",
    "N39",
    "A41",
    "R65.2",
    "N17",
    "N18.3",
    "S52.5",
    "S72.2",
    "S93.4",
    "S51.8",
    "L89.15",
    "L03.11",
    "C50.91",
    "C78.7",
    "D63",
    "F33",
    "F41",
    "F10.2",
    "F11.2",
    "G43.0",
    "I63",
    "I69.35",
    "M17",
    "M54.5",
    "G56",
    "H25",
    "H66",
    "K21",
    "K35",
    "K80",
    "K50",
    "O09",
    "Z3A",
    "O24.4",
    "O14",
    "E66",
    "Z68",
    "E55",
    "Z79.4",
]
REPEAT = 5


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn, queries):
    times = []
    for _ in range(REPEAT):
        for q in queries:
            start = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    before_app = rss_mb()
    from study import create_app

    app = create_app()
    with app.app_context():
        from study.extensions import db
        from study.models import Icd10cmCode
        from study.services import code_search
        from study.services.code_loaders import code_set_version

        if code_set_version("icd10cm") is None:
            sys.exit("ICD-10-CM is not loaded: run `make setup` first")
        backend = db.engine.dialect.name
        after_app = rss_mb()
        # warm up, then the project's search
        for q in WORD_QUERIES + PREFIX_QUERIES:
            code_search.search(q)
        word = timed(code_search.search, WORD_QUERIES)
        prefix = timed(code_search.search, PREFIX_QUERIES)
        after_use = rss_mb()

        # baseline: every description in a Python list, scanned per query
        rows = db.session.execute(db.select(Icd10cmCode.code, Icd10cmCode.bare, Icd10cmCode.search_text)).all()
        table = [(code, bare, text.lower()) for code, bare, text in rows]

        def scan_words(q):
            words = code_search.search_words(q)
            return [c for c, _, text in table if all(w in text for w in words)][:25]

        def scan_prefix(q):
            bare = q.replace(".", "").upper()
            return [c for c, b, _ in table if b.startswith(bare)][:25]

        scan_word = timed(scan_words, WORD_QUERIES)
        scan_pref = timed(scan_prefix, PREFIX_QUERIES)

    print(f"backend: {backend}; {len(rows):,} ICD-10-CM entries; {REPEAT} rounds of 50 word and 50 prefix queries")
    print(f"{'':18}{'median ms':>10}{'p95 ms':>10}")
    print(f"{'search, words':18}{word[0]:10.3f}{word[1]:10.3f}")
    print(f"{'scan, words':18}{scan_word[0]:10.3f}{scan_word[1]:10.3f}")
    print(f"{'search, prefix':18}{prefix[0]:10.3f}{prefix[1]:10.3f}")
    print(f"{'scan, prefix':18}{scan_pref[0]:10.3f}{scan_pref[1]:10.3f}")
    print(f"ratio scan/search, words:  median {scan_word[0] / word[0]:.0f}x, p95 {scan_word[1] / word[1]:.0f}x")
    print(f"ratio scan/search, prefix: median {scan_pref[0] / prefix[0]:.0f}x, p95 {scan_pref[1] / prefix[1]:.0f}x")
    print(
        f"worker memory: {before_app:.0f} MB before the app, {after_app:.0f} MB with it, "
        f"{after_use:.0f} MB after {REPEAT * 100} searches: code sets add {after_use - after_app:.1f} MB"
        f" (simple_icd_10_cm imported: {'simple_icd_10_cm' in sys.modules})"
    )


if __name__ == "__main__":
    os.environ.setdefault("RATELIMIT_ENABLED", "0")
    main()
