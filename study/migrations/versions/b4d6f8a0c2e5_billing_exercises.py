"""billing exercises: items of type claim, remittance and scrubber (docs/authoring.md)

Revision ID: b4d6f8a0c2e5
Revises: a3c5e7f9b1d4
Create Date: 2026-12-07 15:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b4d6f8a0c2e5'
down_revision = 'a3c5e7f9b1d4'
branch_labels = None
depends_on = None


def _type_check(types: str, length: int) -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_constraint('type_known', type_='check')
        batch_op.alter_column('type', existing_type=sa.String(length=16 if length == 8 else 8), type_=sa.String(length=length),
                              existing_nullable=False)
        batch_op.create_check_constraint('type_known', f"type in ({types})")


def upgrade():
    _type_check("'mcq', 'case', 'claim', 'remittance', 'scrubber'", 16)  # "remittance" is 10 characters


def downgrade():
    # billing exercises have no place in the old schema: their items (and what hangs off them) go
    op.execute("DELETE FROM item WHERE type IN ('claim', 'remittance', 'scrubber')")
    _type_check("'mcq', 'case'", 8)
