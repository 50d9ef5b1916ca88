"""user time zone: the IANA zone a user's dates are shown and entered in (default UTC)

Revision ID: d4a7c2e9b6f1
Revises: c4e8a2b6d0f1
Create Date: 2026-12-07 11:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd4a7c2e9b6f1'
down_revision = 'c4e8a2b6d0f1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), server_default='UTC', nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
