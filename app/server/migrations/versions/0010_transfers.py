"""transfers of units between stores: the transfer, its lines with the units asked for, sent,
in transit, received and damaged, and each stock row's units on their way to it (incoming)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 22:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_location_id', sa.Integer(), nullable=False),
    sa.Column('to_location_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=False),
    sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('sent_by', sa.Integer(), nullable=True),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('received_by', sa.Integer(), nullable=True),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('from_location_id <> to_location_id', name='ck_transfer_locations'),
    sa.CheckConstraint("status in ('requested', 'sent', 'received', 'partly_received', 'cancelled', 'refused')", name='ck_transfer_status'),
    sa.CheckConstraint("reason in ('customer', 'shelf')", name='ck_transfer_reason'),
    sa.CheckConstraint("reason = 'shelf' OR customer_id IS NOT NULL", name='ck_transfer_customer'),
    sa.ForeignKeyConstraint(['from_location_id'], ['location.id'], name=op.f('fk_transfer_from_location_id_location')),
    sa.ForeignKeyConstraint(['to_location_id'], ['location.id'], name=op.f('fk_transfer_to_location_id_location')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_transfer_customer_id_customer')),
    sa.ForeignKeyConstraint(['requested_by'], ['associate.id'], name=op.f('fk_transfer_requested_by_associate')),
    sa.ForeignKeyConstraint(['sent_by'], ['associate.id'], name=op.f('fk_transfer_sent_by_associate')),
    sa.ForeignKeyConstraint(['received_by'], ['associate.id'], name=op.f('fk_transfer_received_by_associate')),
    sa.ForeignKeyConstraint(['closed_by'], ['associate.id'], name=op.f('fk_transfer_closed_by_associate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer'))
    )
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.create_index('ix_transfer_outgoing', ['from_location_id', 'status', 'requested_at'], unique=False)
        batch_op.create_index('ix_transfer_incoming', ['to_location_id', 'status', 'requested_at'], unique=False)

    op.create_table('transferline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('sku', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('reservation_id', sa.Integer(), nullable=True),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('in_transit', sa.Integer(), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('damaged', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name='ck_transferline_quantity'),
    sa.CheckConstraint('sent >= 0 AND sent <= quantity', name='ck_transferline_sent'),
    sa.CheckConstraint('in_transit >= 0 AND in_transit <= sent', name='ck_transferline_transit'),
    sa.CheckConstraint('received >= 0 AND damaged >= 0 AND received + damaged <= sent', name='ck_transferline_received'),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfer.id'], name=op.f('fk_transferline_transfer_id_transfer')),
    sa.ForeignKeyConstraint(['variant_id'], ['variant.id'], name=op.f('fk_transferline_variant_id_variant')),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservation.id'], name=op.f('fk_transferline_reservation_id_reservation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transferline')),
    sa.UniqueConstraint('transfer_id', 'variant_id', name=op.f('uq_transferline_transfer_id'))
    )

    # ADD COLUMN with its own CHECK, not a batch table rebuild (as in 0008): on SQLite a
    # rebuild copies every stock row (millions in a chain); both databases take the same
    # statement, and PostgreSQL adds a column with a constant default without rewriting.
    op.execute(
        "ALTER TABLE stocklevel ADD COLUMN incoming INTEGER DEFAULT '0' NOT NULL "
        "CONSTRAINT ck_stock_incoming CHECK (incoming >= 0)"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE stocklevel DROP COLUMN incoming")

    op.drop_table('transferline')
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.drop_index('ix_transfer_incoming')
        batch_op.drop_index('ix_transfer_outgoing')

    op.drop_table('transfer')
