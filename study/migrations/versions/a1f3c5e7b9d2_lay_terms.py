"""lay terms: the project's lay-term and abbreviation table, loaded at setup for code-book search

Revision ID: a1f3c5e7b9d2
Revises: f2a4c6e8b0d1
Create Date: 2026-12-08 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1f3c5e7b9d2'
down_revision = 'f2a4c6e8b0d1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('code_lay_term',
    sa.Column('term', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('means', sa.String(length=300), nullable=False),
    sa.Column('families', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('term', name=op.f('pk_code_lay_term'))
    )


def downgrade():
    op.drop_table('code_lay_term')
