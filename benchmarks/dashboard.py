"""Progress dashboard speed: a learner with 100,000 answers across every section and 50 exams.

Usage: .venv/bin/python benchmarks/dashboard.py   (after `make setup`; uses DATABASE_URL or instance/)
       .venv/bin/python benchmarks/dashboard.py --postgres   (a scratch schema on TEST_DATABASE_URL)
Prints the median and p95 time to compute and render /progress, against a page that reads one row
(/account/password) measured in the same run. The benchmark learner is deleted afterwards.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ANSWERS = 100_000
EXAMS = 50
ROUNDS = 30


def timed(client, url: str) -> tuple[float, float]:
    client.get(url)  # warm up
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def build_learner(db, now):
    import sqlalchemy as sa

    from study.models import Attempt, AttemptItem, Item, Response
    from tests.factories import make_user

    user = make_user(email=f"bench-{uuid.uuid4().hex[:8]}@example.org")
    items = db.session.execute(sa.select(Item.id, Item.current_version_id).where(Item.type == "mcq", Item.status == "published")).all()
    if not items:
        sys.exit("The question bank is not imported: run `make setup` first")
    rng = random.Random(1)
    started = time.perf_counter()
    from collections import Counter, defaultdict

    from study.models import AnswerRollup, ItemExam
    from study.services.rollups import week_of

    topic_of = dict(db.session.execute(sa.select(Item.id, Item.topic)).all())
    exams_of = defaultdict(list)
    for item_id, exam in db.session.execute(sa.select(ItemExam.item_id, ItemExam.exam)).all():
        exams_of[item_id].append(exam)
    rollup = defaultdict(Counter)  # what grading keeps one answer at a time, summed here in bulk
    per_attempt = 100
    for batch_start in range(0, ANSWERS + EXAMS * per_attempt, per_attempt):
        is_exam = batch_start >= ANSWERS
        when = now - timedelta(days=rng.randrange(120))
        attempt = Attempt(
            user_id=user.id,
            kind="exam" if is_exam else "practice",
            exam="CPC",
            status="submitted",
            started_at=when,
            submitted_at=when + timedelta(hours=3),
            score_pct=rng.uniform(40, 90),
            served_count=per_attempt,
            answered_count=per_attempt,
            deadline_at=when + timedelta(hours=4) if is_exam else None,
        )
        db.session.add(attempt)
        db.session.flush()
        chosen = [items[rng.randrange(len(items))] for _ in range(per_attempt)]
        db.session.execute(
            AttemptItem.__table__.insert(),
            [
                {"attempt_id": attempt.id, "position": i + 1, "item_id": it, "item_version_id": v, "option_order": "ABCD", "flagged": False}
                for i, (it, v) in enumerate(chosen)
            ],
        )
        ai_ids = db.session.scalars(
            sa.select(AttemptItem.id).where(AttemptItem.attempt_id == attempt.id).order_by(AttemptItem.position)
        ).all()
        rows = []
        for ai_id, (item_id, _) in zip(ai_ids, chosen, strict=True):
            correct = rng.random() < 0.7
            answered_at, seconds = when + timedelta(minutes=rng.randrange(180)), rng.uniform(20, 300)
            rows.append(
                {
                    "attempt_item_id": ai_id,
                    "user_id": user.id,
                    "item_id": item_id,
                    "answer_json": json.dumps({"selected": ["A"]}),
                    "report_json": "",
                    "correct": correct,
                    "score": 1.0 if correct else 0.0,
                    "answered_at": answered_at,
                    "seconds": seconds,
                }
            )
            for exam in exams_of[item_id]:
                c = rollup[(exam, topic_of[item_id], week_of(answered_at))]
                c["answered"] += 1
                c["correct"] += int(correct)
                c["seconds_sum"] += seconds
                c["timed"] += 1
        db.session.execute(Response.__table__.insert(), rows)
    db.session.execute(
        AnswerRollup.__table__.insert(),
        [{"user_id": user.id, "exam": e, "topic": t, "week": w, **dict(c)} for (e, t, w), c in rollup.items()],
    )
    db.session.commit()
    return user, time.perf_counter() - started


def main() -> None:
    if "--postgres" in sys.argv:
        return on_postgres()
    from study import create_app

    app = create_app()
    run(app)


def on_postgres() -> None:
    """Build a scratch schema on TEST_DATABASE_URL with the code sets and the bank, then run."""
    import os
    import tempfile

    from flask_migrate import upgrade

    from study.config import normalize_database_url
    from tests.support import make_app, scratch_database

    if not os.environ.get("TEST_DATABASE_URL"):
        sys.exit("--postgres needs TEST_DATABASE_URL")
    os.environ["CODEPREP_TEST_BACKEND"] = "postgres"
    os.environ["TEST_DATABASE_URL"] = normalize_database_url(os.environ["TEST_DATABASE_URL"])
    tmp = Path(tempfile.mkdtemp())
    with scratch_database(tmp) as url:
        app = make_app(url, str(tmp / "instance"), TESTING=False)
        with app.app_context():
            from study.services import bank, code_loaders

            upgrade()
            code_loaders.load_icd10cm()
            code_loaders.load_project_lists()
            bank.import_bank(Path(__file__).resolve().parent.parent / "question_bank")
        run(app)


def run(app) -> None:
    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        from study.extensions import db
        from study.models import User
        from study.services import progress

        now = datetime.now(timezone.utc)
        user, build_seconds = build_learner(db, now)
        user_id, session_id = user.id, user.get_id()
        backend = db.engine.dialect.name
    try:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = session_id
        with app.app_context():
            dash = timed(client, "/progress?exam=CPC")
            base = timed(client, "/account/password")
            from study.extensions import db
            from study.models import User
            from study.services import progress

            board = progress.dashboard(db.session.get(User, user_id), "CPC", now)
        print(
            f"backend: {backend}; learner with {ANSWERS:,} practice answers and {EXAMS} exams "
            f"({EXAMS * 100:,} more answers), built in {build_seconds:.1f} s"
        )
        print(f"graded answers the CPC dashboard aggregates: {board.total_answers:,}; {ROUNDS} requests each")
        print(f"{'':28}{'median ms':>10}{'p95 ms':>10}")
        print(f"{'dashboard (compute+render)':28}{dash[0]:10.2f}{dash[1]:10.2f}")
        print(f"{'one-row page (baseline)':28}{base[0]:10.2f}{base[1]:10.2f}")
        print(f"ratio dashboard/baseline: median {dash[0] / base[0]:.1f}x, p95 {dash[1] / base[1]:.1f}x; target p95 < 50 ms")
    finally:
        with app.app_context():
            from study.extensions import db
            from study.models import User
            from study.services import progress

            progress.delete_account(db.session.get(User, user_id))


if __name__ == "__main__":
    main()
