"""ship from store: the parcel a store packs and ships home with the order's lines sourced
there, its carrier and tracking number (shipment)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A new table only: nothing existing is rebuilt, and orders shipped before this have no
    # row (the customer view shows their carrier as unknown).
    op.create_table('shipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('parcels', sa.Integer(), nullable=False),
    sa.Column('weight_grams', sa.Integer(), nullable=True),
    sa.Column('packed_by', sa.Integer(), nullable=False),
    sa.Column('packed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('carrier', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('tracking_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('label_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('shipped_by', sa.Integer(), nullable=True),
    sa.Column('shipped_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status in ('packed', 'shipped')", name='ck_shipment_status'),
    sa.CheckConstraint('parcels >= 1', name='ck_shipment_parcels'),
    sa.CheckConstraint('weight_grams IS NULL OR weight_grams > 0', name='ck_shipment_weight'),
    sa.CheckConstraint("status = 'packed' OR (carrier IS NOT NULL AND tracking_number IS NOT NULL)", name='ck_shipment_booked'),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_shipment_order_id_order')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_shipment_location_id_location')),
    sa.ForeignKeyConstraint(['packed_by'], ['associate.id'], name=op.f('fk_shipment_packed_by_associate')),
    sa.ForeignKeyConstraint(['shipped_by'], ['associate.id'], name=op.f('fk_shipment_shipped_by_associate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment'))
    )
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_order_id'), ['order_id'], unique=False)
        batch_op.create_index('uq_shipment_order_location', ['order_id', 'location_id'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.drop_index('uq_shipment_order_location')
        batch_op.drop_index(batch_op.f('ix_shipment_order_id'))

    op.drop_table('shipment')
