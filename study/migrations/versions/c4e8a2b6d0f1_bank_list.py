"""bank list: the item's search text and summary, the site-changed mark of the divergence rule,
the stored per-item figures (item_stat, bank_stats_run), and full-text search over the items

Revision ID: c4e8a2b6d0f1
Revises: b7d2e4f6a8c1
Create Date: 2026-12-07 11:45:00

The full-text structures live outside the models, like the code book's (tests/test_migrations.py
skips them when comparing models and migrations): an FTS5 table `item_fts` (rowid = item id) on
SQLite, written by study.services.bank_search.index_item whenever a version is saved; a stored
generated tsvector column `item.search_tsv` with its GIN index on PostgreSQL.
"""
from alembic import op
import sqlalchemy as sa

from study.models.base import UTCDateTime


revision = 'c4e8a2b6d0f1'
down_revision = 'b7d2e4f6a8c1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('summary', sa.String(length=240), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('site_changed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('diverged_from', sa.String(length=64), nullable=True))

    op.create_table('item_stat',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('facility', sa.Float(), nullable=True),
    sa.Column('discrimination', sa.Float(), nullable=True),
    sa.Column('enough', sa.Boolean(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('wrong_key', sa.Boolean(), nullable=False),
    sa.Column('flags', sa.String(length=200), nullable=False),
    sa.Column('computed_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_item_stat_item_id_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_item_stat'))
    )
    with op.batch_alter_table('item_stat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_stat_flagged'), ['flagged'], unique=False)
    op.create_table('bank_stats_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('computed_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_stats_run'))
    )
    with op.batch_alter_table('bank_stats_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_stats_run_computed_at'), ['computed_at'], unique=False)

    # the search text of the items already stored: their current version's text
    op.execute(
        "UPDATE item SET search_text = coalesce((SELECT v.source_text FROM item_version v "
        "WHERE v.id = item.current_version_id), '')"
    )
    create_search_index()


def create_search_index():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE item_fts USING fts5("
            "search_text, tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4')"
        )
        op.execute("INSERT INTO item_fts(rowid, search_text) SELECT id, search_text FROM item")
    elif dialect == "postgresql":
        op.execute(
            "ALTER TABLE item ADD COLUMN search_tsv tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED"
        )
        op.execute("CREATE INDEX ix_item_search_tsv ON item USING gin (search_tsv)")


def drop_search_index():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS item_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_item_search_tsv")
        op.execute("ALTER TABLE item DROP COLUMN IF EXISTS search_tsv")


def downgrade():
    drop_search_index()
    with op.batch_alter_table('bank_stats_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_stats_run_computed_at'))
    op.drop_table('bank_stats_run')
    with op.batch_alter_table('item_stat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_stat_flagged'))
    op.drop_table('item_stat')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('diverged_from')
        batch_op.drop_column('site_changed')
        batch_op.drop_column('summary')
        batch_op.drop_column('search_text')
