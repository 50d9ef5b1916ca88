"""Migrations build the schema from an empty database, and the models have nothing pending."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from study.extensions import db
from tests.support import make_app, scratch_database

pytestmark = pytest.mark.database


def include_object(obj, name, type_, reflected, compare_to):
    # the word-search structures are made by hand in the code-set migration, not by the models
    # (FTS5 on SQLite; the stored tsvector column and its GIN index on PostgreSQL)
    # and the bank list's (item_fts on SQLite; item.search_tsv and its index on PostgreSQL)
    prefixes = ("icd10cm_fts", "ix_icd10cm_code_search", "item_fts", "ix_item_search_tsv")
    return not ((name or "").startswith(prefixes) or name == "search_tsv")


def test_upgrade_from_empty_matches_models(tmp_path):
    with scratch_database(tmp_path) as url:
        app = make_app(url, str(tmp_path / "instance"))
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(
                    conn, opts={"compare_type": True, "render_as_batch": True, "include_object": include_object}
                )
                diff = compare_metadata(context, db.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            downgrade(revision="base")
            upgrade()
            db.engine.dispose()
