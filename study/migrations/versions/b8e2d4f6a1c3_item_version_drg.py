"""item version drg: the MS-DRG of an inpatient case key, grouped at import (MS-DRG v43.0, FY 2026)

Revision ID: b8e2d4f6a1c3
Revises: b7d9f1a3c5e8
Create Date: 2026-12-07 06:30:00

"""
from alembic import op
import sqlalchemy as sa

import study.models.base


revision = 'b8e2d4f6a1c3'
down_revision = 'b7d9f1a3c5e8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('item_version_drg',
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('grouper_version', sa.Integer(), nullable=False),
    sa.Column('drg', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.Float(), nullable=True),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('cc_mcc_json', sa.Text(), nullable=False),
    sa.Column('grouping_json', sa.Text(), nullable=False),
    sa.Column('grouped_at', study.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_version.id'], name=op.f('fk_item_version_drg_item_version_id_item_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_version_id', name=op.f('pk_item_version_drg'))
    )


def downgrade():
    op.drop_table('item_version_drg')
