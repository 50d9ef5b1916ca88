"""user exam goal: the exam a learner prepares for and its date (both optional)

Revision ID: f1b3d5a7c9e2
Revises: e5a7c9b1d3f2
Create Date: 2026-12-07 12:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f1b3d5a7c9e2'
down_revision = 'e5a7c9b1d3f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_exam', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('exam_date', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('exam_date')
        batch_op.drop_column('target_exam')
