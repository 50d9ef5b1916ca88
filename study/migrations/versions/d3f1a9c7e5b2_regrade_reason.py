"""regrade reason: the instructor's reason for a regrade, shown to the learners it changed

Revision ID: d3f1a9c7e5b2
Revises: b7d2e4f6a8c0
Create Date: 2026-12-06 23:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd3f1a9c7e5b2'
down_revision = 'b7d2e4f6a8c0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('regrade_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=500), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('regrade_log', schema=None) as batch_op:
        batch_op.drop_column('reason')
