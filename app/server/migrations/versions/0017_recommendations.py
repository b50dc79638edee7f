"""recommendations: each product's companions, as the worker learns them, and when it did

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'productcompanion',
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('companion_id', sa.Integer(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('together', sa.Integer(), nullable=False),
        sa.Column('lift', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['companion_id'], ['product.id']),
        sa.ForeignKeyConstraint(['product_id'], ['product.id']),
        sa.PrimaryKeyConstraint('product_id', 'companion_id'),
    )
    op.create_table(
        'recommendationrun',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('refreshed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('orders', sa.Integer(), nullable=False),
        sa.Column('pairs', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('recommendationrun')
    op.drop_table('productcompanion')
