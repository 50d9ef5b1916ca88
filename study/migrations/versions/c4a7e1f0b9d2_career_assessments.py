"""career assessments

Revision ID: c4a7e1f0b9d2
Revises: c9de03bc0cb1
Create Date: 2026-11-27 16:00:00.000000

Written by hand (the lead's attempts migration c9de03bc0cb1 also revises 5a12c551827a, so this
one follows it to keep a single head).
"""
from alembic import op
import sqlalchemy as sa
import study.models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'c4a7e1f0b9d2'
down_revision = 'c9de03bc0cb1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('career_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', study.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('preferences_json', sa.Text(), nullable=False),
    sa.Column('area_scores_json', sa.Text(), nullable=False),
    sa.Column('recommended_path', sa.String(length=20), nullable=False),
    sa.Column('recommended_certification', sa.String(length=10), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('weekly_hours', sa.Integer(), nullable=False),
    sa.CheckConstraint("recommended_path in ('billing', 'outpatient', 'inpatient')", name=op.f('ck_career_assessment_path_known')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_career_assessment_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_career_assessment'))
    )
    with op.batch_alter_table('career_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_career_assessment_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('career_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_career_assessment_user_id'))

    op.drop_table('career_assessment')
