"""integrity: server-side sessions, ids never reused, per-cohort accommodations, assignment
policies, one open attempt per slot, reserved item pools, server-side career runs

Revision ID: b7d2e4f6a8c0
Revises: 48fd490fac78
Create Date: 2026-12-06 20:50:00

"""
from alembic import op
import sqlalchemy as sa
import study.models.base  # noqa: F401  (custom column types)


revision = 'b7d2e4f6a8c0'
down_revision = '48fd490fac78'
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', study.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', study.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('user_agent', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_session_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    # accommodations move from the account to the cohort membership
    with op.batch_alter_table('cohort_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_time_multiplier', sa.Float(), server_default='1.0', nullable=False))
    op.execute(
        'UPDATE cohort_member SET extra_time_multiplier = '
        '(SELECT "user".extra_time_multiplier FROM "user" WHERE "user".id = cohort_member.user_id) '
        'WHERE EXISTS (SELECT 1 FROM "user" WHERE "user".id = cohort_member.user_id AND "user".extra_time_multiplier IS NOT NULL)'
    )
    # SQLite: rebuild the table with AUTOINCREMENT so that a deleted account's id is never reused
    with op.batch_alter_table(
        'user', schema=None, recreate='always' if _sqlite() else 'auto', table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.drop_column('session_version')
        batch_op.drop_column('extra_time_multiplier')

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_attempts', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('feedback', sa.String(length=8), server_default='each', nullable=False))
        batch_op.add_column(sa.Column('retake_fresh', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('counts', sa.String(length=8), server_default='best', nullable=False))
        batch_op.create_check_constraint('feedback_known', "feedback in ('each', 'attempt', 'due')")
        batch_op.create_check_constraint('counts_known', "counts in ('first', 'last', 'best')")
        batch_op.create_check_constraint('max_attempts_positive', 'max_attempts is null or max_attempts >= 1')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_key', sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint('uq_attempt_user_open_key', ['user_id', 'open_key'])

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reserved', sa.String(length=12), nullable=True))
        batch_op.create_check_constraint('reserved_known', "reserved is null or reserved in ('exam', 'diagnostic')")

    op.create_table(
        'career_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', study.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('preferences_json', sa.Text(), nullable=False),
        sa.Column('item_keys_json', sa.Text(), nullable=False),
        sa.Column('answers_json', sa.Text(), nullable=True),
        sa.Column('submitted_at', study.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('saved_assessment_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_career_run_user_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['saved_assessment_id'], ['career_assessment.id'],
            name=op.f('fk_career_run_saved_assessment_id_career_assessment'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_career_run')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_career_run_token_hash')),
    )
    with op.batch_alter_table('career_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_career_run_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_career_run_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('career_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_career_run_user_id'))
        batch_op.drop_index(batch_op.f('ix_career_run_created_at'))
    op.drop_table('career_run')

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_constraint('reserved_known', type_='check')
        batch_op.drop_column('reserved')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint('uq_attempt_user_open_key', type_='unique')
        batch_op.drop_column('open_key')

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_constraint('max_attempts_positive', type_='check')
        batch_op.drop_constraint('counts_known', type_='check')
        batch_op.drop_constraint('feedback_known', type_='check')
        batch_op.drop_column('counts')
        batch_op.drop_column('retake_fresh')
        batch_op.drop_column('feedback')
        batch_op.drop_column('max_attempts')

    with op.batch_alter_table(
        'user', schema=None, recreate='always' if _sqlite() else 'auto', table_kwargs={'sqlite_autoincrement': False}
    ) as batch_op:
        batch_op.add_column(sa.Column('extra_time_multiplier', sa.Float(), server_default='1.0', nullable=False))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('cohort_member', schema=None) as batch_op:
        batch_op.drop_column('extra_time_multiplier')

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
