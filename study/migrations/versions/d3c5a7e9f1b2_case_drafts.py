"""case drafts: the rows a learner typed on an open attempt (attempt.draft_json), and a case's
title and suggested minutes on the item for the case list

Revision ID: d3c5a7e9f1b2
Revises: e3b5a7c9d1f4
Create Date: 2026-12-06 23:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd3c5a7e9f1b2'
down_revision = 'e3b5a7c9d1f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_json', sa.Text(), nullable=True))
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('minutes', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('minutes')
        batch_op.drop_column('title')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('draft_json')
