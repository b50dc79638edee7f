"""clienteling outreach: looks, their items and the message outbox; whatsapp consent; opt-out by link

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('look',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('associate_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('template', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('line', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("channel in ('email', 'sms', 'whatsapp')", name='ck_look_channel'),
    sa.ForeignKeyConstraint(['associate_id'], ['associate.id'], name=op.f('fk_look_associate_id_associate')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_look_customer_id_customer')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_look_location_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_look'))
    )
    with op.batch_alter_table('look', schema=None) as batch_op:
        batch_op.create_index('ix_look_associate', ['associate_id', 'created_at'], unique=False)
        batch_op.create_index('ix_look_customer', ['customer_id', 'created_at'], unique=False)

    op.create_table('lookitem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('look_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['look_id'], ['look.id'], name=op.f('fk_lookitem_look_id_look')),
    sa.ForeignKeyConstraint(['variant_id'], ['variant.id'], name=op.f('fk_lookitem_variant_id_variant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lookitem')),
    sa.UniqueConstraint('look_id', 'variant_id', name='uq_lookitem_variant')
    )
    with op.batch_alter_table('lookitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lookitem_look_id'), ['look_id'], unique=False)

    op.create_table('outreachmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('look_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('not_before', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('clicked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name='ck_outreachmessage_sent'),
    sa.CheckConstraint('attempts >= 0', name='ck_outreachmessage_attempts'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_outreachmessage_customer_id_customer')),
    sa.ForeignKeyConstraint(['look_id'], ['look.id'], name=op.f('fk_outreachmessage_look_id_look')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreachmessage')),
    sa.UniqueConstraint('look_id', name=op.f('uq_outreachmessage_look_id'))
    )
    with op.batch_alter_table('outreachmessage', schema=None) as batch_op:
        batch_op.create_index('ix_outreachmessage_customer', ['customer_id', 'created_at'], unique=False)
        batch_op.create_index('ix_outreachmessage_due', ['status', 'not_before'], unique=False)

    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_whatsapp', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('consent_whatsapp_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('consent_whatsapp_source', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))


    # The history table learns the new purpose and the new way of withdrawing (SQLite rebuilds
    # the table in the batch; PostgreSQL swaps the constraints in place).
    with op.batch_alter_table('consentevent', schema=None) as batch_op:
        batch_op.drop_constraint('ck_consentevent_purpose', type_='check')
        batch_op.drop_constraint('ck_consentevent_method', type_='check')
        batch_op.create_check_constraint('ck_consentevent_purpose', "purpose in ('clienteling', 'email', 'sms', 'whatsapp')")
        batch_op.create_check_constraint('ck_consentevent_method', "method in ('qr', 'sms-code', 'email-code', 'app', 'link')")


def downgrade() -> None:
    with op.batch_alter_table('consentevent', schema=None) as batch_op:
        batch_op.drop_constraint('ck_consentevent_purpose', type_='check')
        batch_op.drop_constraint('ck_consentevent_method', type_='check')
        batch_op.create_check_constraint('ck_consentevent_purpose', "purpose in ('clienteling', 'email', 'sms')")
        batch_op.create_check_constraint('ck_consentevent_method', "method in ('qr', 'sms-code', 'email-code', 'app')")

    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_column('consent_whatsapp_source')
        batch_op.drop_column('consent_whatsapp_at')
        batch_op.drop_column('consent_whatsapp')

    with op.batch_alter_table('outreachmessage', schema=None) as batch_op:
        batch_op.drop_index('ix_outreachmessage_due')
        batch_op.drop_index('ix_outreachmessage_customer')

    op.drop_table('outreachmessage')
    with op.batch_alter_table('lookitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lookitem_look_id'))

    op.drop_table('lookitem')
    with op.batch_alter_table('look', schema=None) as batch_op:
        batch_op.drop_index('ix_look_customer')
        batch_op.drop_index('ix_look_associate')

    op.drop_table('look')
