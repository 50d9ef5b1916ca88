"""Test infrastructure shared by conftest and the browser tests: databases and apps."""

from __future__ import annotations

import os
import socket
import uuid
from contextlib import contextmanager
from urllib.parse import quote

import sqlalchemy as sa
from flask.testing import FlaskClient

from study import create_app
from study.extensions import db
from study.models.codes import CODE_TABLES

# tables filled once per session and only read by tests (the code sets); never wiped between tests
REFERENCE_TABLES: set[str] = {"alembic_version", *CODE_TABLES}


def backend() -> str:
    if os.environ.get("CODEPREP_TEST_BACKEND") == "postgres":
        if not os.environ.get("TEST_DATABASE_URL"):
            raise RuntimeError("CODEPREP_TEST_BACKEND=postgres needs TEST_DATABASE_URL")
        return "postgres"
    return "sqlite"


def _with_search_path(url: str, schema: str) -> str:
    from study.config import normalize_database_url

    url = normalize_database_url(url)
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


@contextmanager
def scratch_database(tmp_dir):
    """Yield a database URL of its own for this test session; drop it afterwards."""
    if backend() == "sqlite":
        yield "sqlite:///" + str(tmp_dir / "test.sqlite")
        return
    from study.config import normalize_database_url

    base = normalize_database_url(os.environ["TEST_DATABASE_URL"])
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _with_search_path(base, schema)
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def app_config(database_url: str, instance_path: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SERVER_NAME": None,
        "QUESTION_BANK": os.path.join(os.path.dirname(os.path.dirname(__file__)), "question_bank"),
    }
    config.update(overrides)
    return config


class IsolatedClient(FlaskClient):
    """Each request runs in an app context of its own, as in production: `g` (and so the signed-in
    user) and the database session are never shared with the test or with another client."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(database_url: str, instance_path: str, **overrides):
    os.environ.setdefault("INSTANCE_PATH", instance_path)
    app = create_app(app_config(database_url, instance_path, **overrides))
    app.test_client_class = IsolatedClient
    return app


def wipe(app) -> None:
    """Empty every table the tests write to, children first: each test starts from a fresh database."""
    with app.app_context():
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
        with db.engine.connect() as conn:
            if conn.dialect.name == "sqlite":  # item and item_version point at each other
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.commit()
            with conn.begin():
                _empty(conn, tables)
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()
        db.engine.dispose()


def _empty(conn, tables) -> None:
    if conn.dialect.name == "postgresql":
        # one statement, whatever the foreign keys (item and item_version point at each other)
        names = ", ".join(f'"{t.name}"' for t in tables)
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            conn.execute(table.delete())
        # the bank list's full-text table (outside the models: see study/services/bank_search.py)
        conn.exec_driver_sql("DELETE FROM item_fts")


@contextmanager
def count_statements(engine=None):
    """Collect every SQL statement sent to the database inside the block (a list of their texts,
    filled as they run): `engine` defaults to the app's (`db.engine`, in an app context)."""
    engine = engine if engine is not None else db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def sign_in(client, user) -> str:
    """Sign `user` (a User or its id) in on `client` as the sign-in page does: open a server-side
    session and put its token in the cookie. Returns the token. Needs an app context (the tests'
    `app` fixture)."""
    from study.models import User
    from study.services import user_sessions

    if isinstance(user, int):
        user = db.session.get(User, user)
    token = user_sessions.sign_in(user)
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return token


def sign_in_page(page, email: str, password: str | None = None) -> None:
    """Browser tests: sign in through the real form on a Playwright `page` and wait for the welcome."""
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    page.goto("/account/signin")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password or PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Welcome back")).to_be_visible(timeout=10_000)


def open_case_code_book(page, live_app, bank_dir, email: str) -> str:
    """Browser tests: a learner on a phone opens the first case of the learning bank and the code
    book panel beside it; the case's address."""
    from study.services import bank
    from tests.factories import make_user
    from tests.learning_bank import write_learning_bank

    with live_app.app_context():
        bank.import_bank(write_learning_bank(bank_dir))
        make_user(email=email)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_page(page, email)
    page.goto("/cases")
    page.get_by_role("link", name="Code this case").first.click()
    url = page.url
    page.get_by_text("Code book (ICD-10-CM lookup)").click()
    return url


def start_case(client, key: str, rows: dict | None = None) -> str:
    """Open a case attempt as the case page's script does (its first draft save, `rows` the entry
    form's fields: {"dx": [...], "px": [...]}); the attempt page's URL."""
    saved = client.post(f"/api/cases/{key}/draft", json=rows or {})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    return f"/cases/attempts/{saved.get_json()['attempt_id']}"


def no_horizontal_overflow(page) -> bool:
    """Browser tests: the page does not scroll sideways (nothing wider than the viewport)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def free_port() -> int:
    """A local TCP port nothing listens on (just now): for a server to start on, or as a dead address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_billing_bank(real_root, target, keys=None, extra=()) -> None:
    """A bank at `target` with the real bank's topics and blueprints and its billing exercises
    (only those in `keys` when given), plus the files in `extra` (paths under the real bank): fast to
    import, for the billing tests."""
    import shutil
    from pathlib import Path

    real_root, target = Path(real_root), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(real_root / "topics.yaml", target / "topics.yaml")
    shutil.copytree(real_root / "blueprints", target / "blueprints")
    if keys is None:
        shutil.copytree(real_root / "billing", target / "billing")
    else:
        (target / "billing").mkdir()
        for key in keys:
            shutil.copy(next((real_root / "billing").rglob(f"{key}.md")), target / "billing" / f"{key}.md")
    for relative in extra:
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(real_root / relative, target / relative)
