"""returns and refunds of order lines: the return, its lines, store credit; the units each order
line gave back; the damaged bin of each stock row

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 22:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('orderreturn',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('associate_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('refund_method', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('refund_kurus', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('refund_provider', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('refund_reference', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('points_reversed', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('points_reversed >= 0', name='ck_orderreturn_points'),
    sa.CheckConstraint('refund_kurus >= 0', name='ck_orderreturn_refund'),
    sa.ForeignKeyConstraint(['associate_id'], ['associate.id'], name=op.f('fk_orderreturn_associate_id_associate')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_orderreturn_customer_id_customer')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_orderreturn_location_id_location')),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_orderreturn_order_id_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orderreturn')),
    sa.UniqueConstraint('refund_reference', name=op.f('uq_orderreturn_refund_reference'))
    )
    with op.batch_alter_table('orderreturn', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orderreturn_order_id'), ['order_id'], unique=False)

    op.create_table('returnline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('condition', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('refund_kurus', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name='ck_returnline_quantity'),
    sa.CheckConstraint('refund_kurus >= 0', name='ck_returnline_refund'),
    sa.ForeignKeyConstraint(['order_line_id'], ['orderline.id'], name=op.f('fk_returnline_order_line_id_orderline')),
    sa.ForeignKeyConstraint(['return_id'], ['orderreturn.id'], name=op.f('fk_returnline_return_id_orderreturn')),
    sa.ForeignKeyConstraint(['variant_id'], ['variant.id'], name=op.f('fk_returnline_variant_id_variant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_returnline')),
    sa.UniqueConstraint('return_id', 'order_line_id', name=op.f('uq_returnline_return_id'))
    )
    with op.batch_alter_table('returnline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_returnline_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_returnline_return_id'), ['return_id'], unique=False)

    op.create_table('storecredit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('amount_kurus', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('amount_kurus > 0', name='ck_storecredit_amount'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_storecredit_customer_id_customer')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_storecredit_location_id_location')),
    sa.ForeignKeyConstraint(['return_id'], ['orderreturn.id'], name=op.f('fk_storecredit_return_id_orderreturn')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_storecredit')),
    sa.UniqueConstraint('return_id', name=op.f('uq_storecredit_return_id'))
    )
    with op.batch_alter_table('storecredit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_storecredit_customer_id'), ['customer_id'], unique=False)

    # ADD COLUMN with the column's own CHECK, as 0008 does, not a batch table rebuild: on
    # SQLite a rebuild drops orderline and stocklevel, which other tables refer to once there is
    # data. Both databases take the same statement; existing rows start with nothing returned.
    op.execute(
        "ALTER TABLE orderline ADD COLUMN returned INTEGER DEFAULT '0' NOT NULL "
        "CONSTRAINT ck_orderline_returned CHECK (returned >= 0 AND returned <= quantity)"
    )
    op.execute(
        "ALTER TABLE stocklevel ADD COLUMN damaged INTEGER DEFAULT '0' NOT NULL "
        "CONSTRAINT ck_stock_damaged CHECK (damaged >= 0)"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE stocklevel DROP COLUMN damaged")
    op.execute("ALTER TABLE orderline DROP COLUMN returned")

    with op.batch_alter_table('storecredit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storecredit_customer_id'))

    op.drop_table('storecredit')
    with op.batch_alter_table('returnline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_returnline_return_id'))
        batch_op.drop_index(batch_op.f('ix_returnline_order_line_id'))

    op.drop_table('returnline')
    with op.batch_alter_table('orderreturn', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orderreturn_order_id'))

    op.drop_table('orderreturn')
