"""appointments at a store, and the quarter-hours each holds of its associate

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 16:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('associate_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ends_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('reminded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('cancelled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name='ck_appointment_cancelled'),
    sa.CheckConstraint("ends_at > starts_at", name='ck_appointment_length'),
    sa.CheckConstraint("kind in ('styling', 'alteration', 'pickup')", name='ck_appointment_kind'),
    sa.CheckConstraint("status in ('booked', 'cancelled')", name='ck_appointment_status'),
    sa.ForeignKeyConstraint(['associate_id'], ['associate.id'], name=op.f('fk_appointment_associate_id_associate')),
    sa.ForeignKeyConstraint(['created_by'], ['associate.id'], name=op.f('fk_appointment_created_by_associate')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_appointment_customer_id_customer')),
    sa.ForeignKeyConstraint(['store_id'], ['location.id'], name=op.f('fk_appointment_store_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment'))
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index('ix_appointment_store_day', ['store_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_customer_id'), ['customer_id'], unique=False)

    op.create_table('appointmentslot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('associate_id', sa.Integer(), nullable=False),
    sa.Column('slot_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_appointmentslot_appointment_id_appointment')),
    sa.ForeignKeyConstraint(['associate_id'], ['associate.id'], name=op.f('fk_appointmentslot_associate_id_associate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointmentslot')),
    sa.UniqueConstraint('associate_id', 'slot_at', name='uq_appointmentslot_associate')
    )
    with op.batch_alter_table('appointmentslot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointmentslot_appointment_id'), ['appointment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('appointmentslot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointmentslot_appointment_id'))
    op.drop_table('appointmentslot')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_customer_id'))
        batch_op.drop_index('ix_appointment_store_day')
    op.drop_table('appointment')
