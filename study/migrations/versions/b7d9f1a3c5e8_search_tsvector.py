"""word search on PostgreSQL: a stored tsvector column with its GIN index, instead of an index on
an expression that every ranked query had to compute again for each matching row

Revision ID: b7d9f1a3c5e8
Revises: a1f3c5e7b9d2
Create Date: 2026-12-09 06:00:00

The column and index are PostgreSQL-only and live outside the models, like SQLite's FTS5 table
(tests/test_migrations.py skips them when comparing models and migrations).
"""
from alembic import op


revision = 'b7d9f1a3c5e8'
down_revision = 'a1f3c5e7b9d2'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_icd10cm_code_search")
    op.execute(
        "ALTER TABLE icd10cm_code ADD COLUMN search_tsv tsvector "
        "GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED"
    )
    op.execute("CREATE INDEX ix_icd10cm_code_search_tsv ON icd10cm_code USING gin (search_tsv)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_icd10cm_code_search_tsv")
    op.execute("ALTER TABLE icd10cm_code DROP COLUMN IF EXISTS search_tsv")
    op.execute(
        "CREATE INDEX ix_icd10cm_code_search ON icd10cm_code "
        "USING gin (to_tsvector('english', search_text))"
    )
