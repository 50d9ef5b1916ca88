"""The bank list (/teach/bank) over 10,000 items: search and filters, against a one-row page.

Usage: .venv/bin/python benchmarks/bank_list.py                       (a throwaway SQLite database)
       .venv/bin/python benchmarks/bank_list.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
                                                                      (a throwaway schema there)
Options: --items 10000

Seeds the items in bulk (their versions, exam links, search text and the full-text index, a few
hundred open reports and stored figures, some flagged), signs an instructor in, and measures whole
requests through the app (route, services, template): the first page, a full-text search, search
with filters, a deep page, the "flagged with open reports" filter, and a one-row page (a search
that finds one item) in the same run. Prints median and p95 in milliseconds; the target is p95
under 50 ms for every page.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dashboard import ROUNDS, timed  # noqa: E402  (the same timing as the dashboard benchmark)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
TOPICS = ["icd-10-cm", "modifiers", "em", "anesthesia", "surgery-musculoskeletal", "radiology", "medicine", "hcpcs"]
EXAMS = ["CPC", "CPB", "CCS", "CCS-P"]
WORDS = (
    "fracture radius ulna elbow shoulder knee hip injection infusion anesthesia modifier bilateral laceration repair "
    "excision biopsy lesion benign malignant neoplasm pneumonia asthma copd sepsis dialysis catheter stent graft "
    "colonoscopy endoscopy arthroscopy screening counseling prolonged observation admission discharge consultation"
).split()


def seed(count: int) -> int:
    """`count` items in bulk (as tests/factories.make_mcqs does, at scale); the instructor's id."""
    import sqlalchemy as sa

    from study.extensions import db
    from study.models import BankStatsRun, Item, ItemExam, ItemReport, ItemSearch, ItemStat, ItemVersion, Topic, User
    from study.models.base import table_of
    from study.services import bank_search
    from tests.learning_bank import QUESTIONS, mcq_source

    rng = random.Random(17)
    db.session.execute(sa.insert(table_of(Topic)), [{"key": t, "title": t.replace("-", " ").title(), "description": ""} for t in TOPICS])
    items, versions, links, texts = [], [], [], []
    for n in range(1, count + 1):
        key, stem, options, answer = QUESTIONS[n % len(QUESTIONS)]
        extra = " ".join(rng.choice(WORDS) for _ in range(12))
        stem = f"{stem} ({extra}; item {n})"
        text = mcq_source(f"bench-{n:05d}", stem, options, answer)
        status = "published" if n % 10 else ("draft" if n % 20 else "retired")
        items.append(
            {
                "id": n,
                "key": f"bench-{n:05d}",
                "type": "mcq" if n % 7 else "case",
                "topic": TOPICS[n % len(TOPICS)],
                "difficulty": ("easy", "medium", "hard")[n % 3],
                "status": status,
                "origin": "file",
                "path": f"bench/{n}.md",
                "tags_json": "[]",
                "summary": stem[:240],
                "site_changed": n % 50 == 0,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        versions.append({"id": n, "item_id": n, "number": 1, "content_hash": f"h{n}", "source_text": text, "created_at": NOW})
        texts.append({"item_id": n, "search_text": text})
        links.extend({"item_id": n, "exam": exam} for exam in EXAMS if (n + len(exam)) % 3)
    db.session.execute(sa.insert(table_of(Item)), items)
    db.session.execute(sa.insert(table_of(ItemVersion)), versions)
    db.session.execute(sa.update(Item).values(current_version_id=Item.id))
    db.session.execute(sa.insert(table_of(ItemExam)), links)
    db.session.execute(sa.insert(table_of(ItemSearch)), texts)
    learner = User(email="bench-learner@example.org", password_hash="x", role="learner")
    instructor = User(email="bench-instructor@example.org", password_hash="x", role="instructor", display_name="Bench")
    db.session.add_all([learner, instructor])
    db.session.flush()
    reported = rng.sample(range(1, count + 1), k=min(300, count))
    db.session.execute(
        sa.insert(table_of(ItemReport)),
        [
            {
                "user_id": learner.id,
                "item_id": n,
                "item_version_id": n,
                "kind": "wrong-key",
                "comment": "",
                "status": "open",
                "resolution": "",
                "created_at": NOW,
            }
            for n in reported
        ],
    )
    stats = []
    for n in range(1, count + 1, 2):  # half the items were served in exams
        facility = rng.random()
        stats.append(
            {
                "item_id": n,
                "attempts": rng.randint(5, 400),
                "facility": facility,
                "discrimination": rng.uniform(-20, 60),
                "enough": True,
                "flagged": facility < 0.05 or n in reported[:40],
                "wrong_key": n in reported[:20],
                "flags": "",
                "computed_at": NOW,
            }
        )
    db.session.execute(sa.insert(table_of(ItemStat)), stats)
    db.session.add(BankStatsRun(computed_at=datetime.now(timezone.utc), attempts=4000, items=len(stats)))
    bank_search.rebuild_index()
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return instructor.id


def run(app, count: int) -> list[tuple[str, float, float]]:
    from study.extensions import db
    from tests.support import sign_in

    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        start = time.perf_counter()
        instructor_id = seed(count)
        print(f"backend: {db.engine.dialect.name}; seeded {count:,} items in {time.perf_counter() - start:.1f} s; {ROUNDS} requests each")
        client = app.test_client()
        sign_in(client, instructor_id)
    pages = [
        ("first page, no filter", "/teach/bank"),
        ("search: one word", "/teach/bank?q=fracture"),
        ("search: two words, prefix", "/teach/bank?q=hypertension+essen"),
        ("search + exam, topic, difficulty, status", "/teach/bank?q=biopsy&exam=CPC&topic=em&difficulty=hard&status=published"),
        ("filters only, deep page 150", "/teach/bank?exam=CCS&type=mcq&page=150"),
        ("flagged + open reports", "/teach/bank?flagged=y&open_reports=y"),
        ("one-row page (baseline)", f"/teach/bank?q=bench-{count // 2:05d}"),
    ]
    results = []
    with app.app_context():
        for label, url in pages:
            median, p95 = timed(client, url)
            results.append((label, median, p95))
            print(f"{label:<44}{median:>10.2f}{p95:>10.2f}   {url}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL URL: the benchmark runs in a throwaway schema there")
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    from flask_migrate import upgrade

    from tests.support import make_app, scratch_database

    if args.database_url:
        os.environ["CODEPREP_TEST_BACKEND"] = "postgres"
        os.environ["TEST_DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("CODEPREP_TEST_BACKEND", None)
    with tempfile.TemporaryDirectory() as tmp, scratch_database(Path(tmp)) as url:
        app = make_app(url, str(Path(tmp) / "instance"), TESTING=False)
        with app.app_context():
            upgrade()
        print(f"{'page':<44}{'median ms':>10}{'p95 ms':>10}")
        results = run(app, args.items)
        with app.app_context():
            from study.extensions import db

            db.session.remove()
            db.engine.dispose()
    worst = max(p95 for _, _, p95 in results)
    base = results[-1]
    print(f"slowest p95 {worst:.1f} ms, {worst / base[2]:.1f}x the one-row page's p95 ({base[2]:.1f} ms)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f}")
    print(f"target: every page's p95 under 50 ms -> {'OK' if worst < 50 else 'SLOWER THAN TARGET'}")


if __name__ == "__main__":
    main()
