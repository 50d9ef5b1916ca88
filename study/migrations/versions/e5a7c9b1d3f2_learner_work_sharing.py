"""learner work: a cohort member's consent to share their general progress with the cohort's
instructor, and when the learner read the answer to their problem report

Revision ID: e5a7c9b1d3f2
Revises: d4a7c2e9b6f1
Create Date: 2026-12-07 11:40:00

"""
from alembic import op
import sqlalchemy as sa

import study.models.base


revision = 'e5a7c9b1d3f2'
down_revision = 'd4a7c2e9b6f1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohort_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_progress', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('item_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('learner_read_at', study.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('item_report', schema=None) as batch_op:
        batch_op.drop_column('learner_read_at')
    with op.batch_alter_table('cohort_member', schema=None) as batch_op:
        batch_op.drop_column('share_progress')
