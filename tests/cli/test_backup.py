"""`flask backup create|restore`: a learner's attempts survive losing the database, on SQLite
(the online backup API, consistent while another connection writes) and on PostgreSQL
(pg_dump/pg_restore, when they are on PATH)."""

import os
import shutil
import sqlite3
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from study.config import normalize_database_url
from study.extensions import db
from study.models import Attempt, User
from tests.factories import make_attempt, make_user
from tests.support import backend, make_app

ANN = "ann.backup@example.org"


def _learner_with_attempts(app) -> None:
    with app.app_context():
        upgrade()
        ann = make_user(email=ANN)
        make_attempt(ann)
        make_attempt(ann, kind="exam")


def _anns_attempts(app) -> list[str]:
    with app.app_context():
        kinds = db.session.scalars(sa.select(Attempt.kind).join(User).where(User.email == ANN).order_by(Attempt.kind))
        found = list(kinds)
        db.session.remove()
        db.engine.dispose()
        return found


def _invoke(app, *args):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", *args])
        db.session.remove()
        db.engine.dispose()
    return result


def test_sqlite_backup_and_restore_bring_back_a_learners_attempts(tmp_path, instance_path):
    live = tmp_path / "live.sqlite"
    app = make_app(f"sqlite:///{live}", instance_path)
    _learner_with_attempts(app)
    # another connection (a web process) is writing and has not committed: the backup neither waits nor sees it
    writer = sqlite3.connect(live)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("CREATE TABLE half_done (x)")
    (tmp_path / "backups").mkdir()
    made = _invoke(app, "create", str(tmp_path / "backups"))
    writer.rollback()
    writer.close()
    assert made.exit_code == 0, made.output
    assert "1 account(s), 2 attempt(s)" in made.output
    [backup] = (tmp_path / "backups").iterdir()
    assert backup.name.startswith("codeprep-") and backup.suffix == ".sqlite"
    assert oct(backup.stat().st_mode & 0o777) == "0o600"  # personal data: its owner only
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchone() is None
    again = _invoke(app, "create", str(backup))
    assert again.exit_code == 1 and "already exists" in again.output  # never overwrites

    for path in tmp_path.glob("live.sqlite*"):  # the database is lost
        path.unlink()
    restored = _invoke(app, "restore", str(backup), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "Database schema is up to date." in restored.output
    assert _anns_attempts(app) == ["exam", "practice"]


def test_restore_refuses_what_is_not_a_codeprep_backup(tmp_path, instance_path):
    live = tmp_path / "live.sqlite"
    app = make_app(f"sqlite:///{live}", instance_path)
    _learner_with_attempts(app)
    not_a_database = tmp_path / "notes.sqlite"
    not_a_database.write_text("not a database", encoding="utf-8")
    newer = tmp_path / "newer.sqlite"
    assert _invoke(app, "create", str(newer)).exit_code == 0
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00dfeedbeef'")
    for source, reason in ((not_a_database, "not a CodePrep SQLite database"), (newer, "newer CodePrep")):
        refused = _invoke(app, "restore", str(source), "--yes")
        assert refused.exit_code == 1 and reason in refused.output
    asked = _invoke(app, "restore", str(newer))  # without --yes it asks, and no answer changes nothing
    assert asked.exit_code == 1 and "Replace everything" in asked.output
    assert _anns_attempts(app) == ["exam", "practice"]


@pytest.fixture
def two_postgres_databases():
    """Two empty databases on the test server (a source, and a target to restore into); dropped afterwards."""
    if backend() != "postgres":
        pytest.skip("PostgreSQL backups are tested in the PostgreSQL pass (CODEPREP_TEST_BACKEND=postgres, TEST_DATABASE_URL)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not on PATH (Debian: postgresql-client)")
    base = sa.make_url(normalize_database_url(os.environ["TEST_DATABASE_URL"]))
    names = [f"codeprep_backup_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield [base.set(database=name).render_as_string(hide_password=False) for name in names]
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgresql_backup_and_restore_bring_back_a_learners_attempts(two_postgres_databases, tmp_path, instance_path):
    source_url, target_url = two_postgres_databases
    source = make_app(source_url, instance_path)
    _learner_with_attempts(source)
    made = _invoke(source, "create", str(tmp_path / "codeprep.dump"))
    assert made.exit_code == 0, made.output
    assert (tmp_path / "codeprep.dump").stat().st_mode & 0o077 == 0
    target = make_app(target_url, instance_path)
    restored = _invoke(target, "restore", str(tmp_path / "codeprep.dump"), "--yes")
    assert restored.exit_code == 0, restored.output
    assert _anns_attempts(target) == ["exam", "practice"]
