"""pcs tables: the ICD-10-PCS tables (rows, axis value labels, approach definitions), loaded at setup

Revision ID: b7d2e4f6a8c1
Revises: b8e2d4f6a1c3
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d2e4f6a8c1'
down_revision = 'b8e2d4f6a1c3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pcs_table',
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('section', sa.String(length=120), nullable=False),
    sa.Column('body_system', sa.String(length=120), nullable=False),
    sa.Column('operation', sa.String(length=200), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('examples', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_pcs_table'))
    )
    op.create_table('pcs_definition',
    sa.Column('section', sa.String(length=1), nullable=False),
    sa.Column('axis', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=1), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('section', 'axis', 'value', name=op.f('pk_pcs_definition'))
    )
    op.create_table('pcs_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_code', sa.String(length=3), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('body_parts', sa.String(length=34), nullable=False),
    sa.Column('approaches', sa.String(length=34), nullable=False),
    sa.Column('devices', sa.String(length=34), nullable=False),
    sa.Column('qualifiers', sa.String(length=34), nullable=False),
    sa.ForeignKeyConstraint(['table_code'], ['pcs_table.code'], name=op.f('fk_pcs_row_table_code_pcs_table')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pcs_row'))
    )
    with op.batch_alter_table('pcs_row', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pcs_row_table_code'), ['table_code'], unique=False)
    op.create_table('pcs_axis_value',
    sa.Column('table_code', sa.String(length=3), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('value', sa.String(length=1), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['table_code'], ['pcs_table.code'], name=op.f('fk_pcs_axis_value_table_code_pcs_table')),
    sa.PrimaryKeyConstraint('table_code', 'position', 'value', name=op.f('pk_pcs_axis_value'))
    )


def downgrade():
    op.drop_table('pcs_axis_value')
    with op.batch_alter_table('pcs_row', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pcs_row_table_code'))
    op.drop_table('pcs_row')
    op.drop_table('pcs_definition')
    op.drop_table('pcs_table')
