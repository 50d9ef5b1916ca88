"""attempt status 'abandoned': a learner's own exam closed without grading (counted nowhere)

Revision ID: e3b5a7c9d1f4
Revises: d3f1a9c7e5b2
Create Date: 2026-12-06 23:45:00

"""
from alembic import op


revision = 'e3b5a7c9d1f4'
down_revision = 'd3f1a9c7e5b2'
branch_labels = None
depends_on = None


def _status_check(statuses: str) -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint('status_known', type_='check')
        batch_op.create_check_constraint('status_known', f"status in ({statuses})")


def upgrade():
    _status_check("'open', 'submitted', 'abandoned'")


def downgrade():
    # an abandoned exam was never graded: it goes back to the closed, unscored state the old schema knows
    op.execute("UPDATE attempt SET status = 'submitted' WHERE status = 'abandoned'")
    _status_check("'open', 'submitted'")
