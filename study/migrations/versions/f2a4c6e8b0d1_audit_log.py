"""audit log: one row per admin or instructor action (who, when, what, to what, in which cohort)

Revision ID: f2a4c6e8b0d1
Revises: d3c5a7e9f1b2
Create Date: 2026-12-08 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import study.models.base


revision = 'f2a4c6e8b0d1'
down_revision = 'd3c5a7e9f1b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', study.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_label', sa.String(length=254), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('target_type', sa.String(length=20), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=True),
        sa.Column('target_label', sa.String(length=254), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=True),
        sa.Column('details_json', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_audit_event_cohort_id_cohort'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_event_cohort_at', ['cohort_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_event_actor_at', ['actor_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_event_target', ['target_type', 'target_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_target')
        batch_op.drop_index('ix_audit_event_actor_at')
        batch_op.drop_index('ix_audit_event_cohort_at')
        batch_op.drop_index('ix_audit_event_at')
    op.drop_table('audit_event')
