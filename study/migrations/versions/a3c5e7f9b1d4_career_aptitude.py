"""career aptitude: the sample tasks' answers on a run, and their scores on a saved result

Revision ID: a3c5e7f9b1d4
Revises: f1b3d5a7c9e2
Create Date: 2026-12-07 14:40:00

"""
from alembic import op
import sqlalchemy as sa

from study.models.base import UTCDateTime


revision = 'a3c5e7f9b1d4'
down_revision = 'f1b3d5a7c9e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('career_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('aptitude_json', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('aptitude_at', UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('career_assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('aptitude_json', sa.Text(), nullable=False, server_default='{}'))


def downgrade():
    with op.batch_alter_table('career_assessment', schema=None) as batch_op:
        batch_op.drop_column('aptitude_json')
    with op.batch_alter_table('career_run', schema=None) as batch_op:
        batch_op.drop_column('aptitude_at')
        batch_op.drop_column('aptitude_json')
