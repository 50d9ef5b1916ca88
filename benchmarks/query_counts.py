"""SQL statements per learner request at two sizes, and the time of the exam pages (issue 15).

Usage: .venv/bin/python benchmarks/query_counts.py            (a scratch SQLite database of its own)
       .venv/bin/python benchmarks/query_counts.py --postgres (a scratch schema on TEST_DATABASE_URL)
       .venv/bin/python benchmarks/query_counts.py --profile  (also: where one 100-question exam page and result spend their time)

Builds the learner states of tests/learner_states.py (the ones tests/views/test_query_budgets.py
holds to their budgets) on the learning bank plus 100 questions, at 20 and 100 items (or earlier
attempts), and prints a table of the statements each request runs (the second of two identical
requests), then the median and p95 time of the exam question page, the exam review and the exam
result at both sizes. Nothing is written outside the scratch database.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dashboard import ROUNDS, timed  # noqa: E402  (the same timing as the dashboard benchmark)


def use_postgres() -> None:
    """--postgres: the scratch database is a schema of its own on TEST_DATABASE_URL (tests/support.py)."""
    from study.config import normalize_database_url

    if not os.environ.get("TEST_DATABASE_URL"):
        sys.exit("--postgres needs TEST_DATABASE_URL")
    os.environ["CODEPREP_TEST_BACKEND"] = "postgres"
    os.environ["TEST_DATABASE_URL"] = normalize_database_url(os.environ["TEST_DATABASE_URL"])


def scratch_app(url: str, tmp: Path):
    """The app on a migrated scratch database with the code sets and the learning bank (+100 questions)."""
    from flask_migrate import upgrade

    from tests.support import make_app

    app = make_app(url, str(tmp / "instance"))
    with app.app_context():
        from study.codes.memory import ICD10CM_SOURCE, cached_icd10cm_records
        from study.services import bank, code_loaders
        from tests import learner_states
        from tests.learning_bank import write_learning_bank

        upgrade()
        code_loaders.load_icd10cm(cached_icd10cm_records(), version=ICD10CM_SOURCE)
        code_loaders.load_project_lists()
        bank.import_bank(write_learning_bank(tmp / "bank"))
        learner_states.add_bulk_questions()
    return app


def profile(client, url: str, rounds: int = 20) -> str:
    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def main() -> None:
    from tests.support import scratch_database

    if "--postgres" in sys.argv:
        use_postgres()
    tmp = Path(tempfile.mkdtemp())
    with scratch_database(tmp) as url:
        run(scratch_app(url, tmp))


def run(app) -> None:
    from study.extensions import db
    from tests import learner_states
    from tests.support import sign_in

    sizes = learner_states.SIZES
    counts: dict[str, dict[int, int]] = {}
    pages: dict[int, dict[str, tuple[int, str]]] = {size: {} for size in sizes}  # size -> page -> (learner id, url)
    with app.app_context():
        backend = db.engine.dialect.name
        for build in learner_states.SCENARIOS.values():
            for size in sizes:
                user, requests = build(size)
                for name, n in learner_states.measure(app, user, requests).items():
                    counts.setdefault(name, {})[size] = n
                for name in ("exam question (MCQ)", "exam review", "exam result"):
                    if name in requests:
                        pages[size][name] = (user.id, requests[name][1])
    print(f"backend: {backend}; SQL statements per request (the second of two identical requests)")
    print(f"{'request':34}" + "".join(f"{size:>8}" for size in sizes))
    for name, by_size in counts.items():
        print(f"{name:34}" + "".join(f"{by_size[size]:8}" for size in sizes))
    print(f"\nmilliseconds per request, {ROUNDS} requests each: median / p95")
    print(f"{'page':34}" + "".join(f"{size:>16}" for size in sizes))
    clients = {}
    for name in pages[sizes[0]]:
        cells = []
        for size in sizes:
            user_id, url = pages[size][name]
            clients[(name, size)] = client = app.test_client()
            with app.app_context():
                sign_in(client, user_id)
            median, p95 = timed(client, url)
            cells.append(f"{median:7.1f} /{p95:7.1f}")
        print(f"{name:34}" + "".join(f"{cell:>16}" for cell in cells))
    if "--profile" in sys.argv:
        for name in ("exam question (MCQ)", "exam result"):
            print(f"\n== cProfile: {name}, {sizes[-1]} items, 20 requests ==")
            print(profile(clients[(name, sizes[-1])], pages[sizes[-1]][name][1]))


if __name__ == "__main__":
    main()
