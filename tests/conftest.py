"""Fixtures: one database per test session (migrated from empty, code sets loaded once), every
table the tests write to emptied after each test, a new app per test, `login_as(role)`, and
`learning_bank` (the small bank of tests/learning_bank.py, imported)."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade

from tests import factories
from tests.learning_bank import write_learning_bank
from tests.support import make_app, scratch_database, sign_in, wipe


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("db")
    with scratch_database(tmp) as url:
        app = make_app(url, str(tmp / "instance"))
        with app.app_context():
            upgrade()
            from study.codes.memory import ICD10CM_SOURCE, cached_icd10cm_records
            from study.extensions import db
            from study.services import code_loaders

            code_loaders.load_icd10cm(cached_icd10cm_records(), version=ICD10CM_SOURCE)
            code_loaders.load_project_lists()
            code_loaders.load_pcs_data()
            db.engine.dispose()
        yield url


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory):
    return str(tmp_path_factory.mktemp("instance"))


@pytest.fixture
def app(database_url, instance_path):
    app = make_app(database_url, instance_path)
    with app.app_context():
        yield app
    wipe(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """login_as("instructor") -> the signed-in User (the client carries the session)."""

    def _login(role="learner", **fields):
        user = factories.make_user(role, **fields)
        sign_in(client, user)
        return user

    return _login


@pytest.fixture
def learning_bank(app, tmp_path):
    """The learning bank written to tmp_path/bank and imported; returns its folder (edit a file
    there and import it again to make a new version)."""
    from study.services import bank

    root = write_learning_bank(tmp_path / "bank")
    bank.import_bank(root)
    return root


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL pass runs only what can differ between databases: tests that use the test
    database (the `database_url` fixture, directly or through `app`, `client`...) or open one of
    their own (marker `database`). The pure core's tests already ran in the SQLite pass."""
    from tests.support import backend

    if backend() != "postgres":
        return
    keep, drop = [], []
    for item in items:
        uses_db = "database_url" in getattr(item, "fixturenames", ()) or item.get_closest_marker("database")
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
