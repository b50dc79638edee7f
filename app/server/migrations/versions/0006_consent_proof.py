"""consent with proof: one-time consent codes (kept as keyed hashes) and the history of every
consent given or withdrawn, with who, where, when, how and the text shown

The customer's consent_* columns stay the current state; existing consents get no history row
(nothing recorded how they were given).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('consentchallenge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('code_salt', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('associate_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("channel in ('sms', 'email')", name='ck_consentchallenge_channel'),
    sa.CheckConstraint('failed_attempts >= 0', name='ck_consentchallenge_failed'),
    sa.ForeignKeyConstraint(['associate_id'], ['associate.id'], name=op.f('fk_consentchallenge_associate_id_associate')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_consentchallenge_customer_id_customer')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_consentchallenge_location_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consentchallenge'))
    )
    with op.batch_alter_table('consentchallenge', schema=None) as batch_op:
        batch_op.create_index('ix_consentchallenge_customer', ['customer_id', 'created_at'], unique=False)

    op.create_table('consentevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('given', sa.Boolean(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('associate_id', sa.Integer(), nullable=True),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('text_version', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=True),
    sa.Column('visit_grant_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("method in ('qr', 'sms-code', 'email-code', 'app')", name='ck_consentevent_method'),
    sa.CheckConstraint("purpose in ('clienteling', 'email', 'sms')", name='ck_consentevent_purpose'),
    sa.ForeignKeyConstraint(['associate_id'], ['associate.id'], name=op.f('fk_consentevent_associate_id_associate')),
    sa.ForeignKeyConstraint(['challenge_id'], ['consentchallenge.id'], name=op.f('fk_consentevent_challenge_id_consentchallenge')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_consentevent_customer_id_customer')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_consentevent_location_id_location')),
    sa.ForeignKeyConstraint(['visit_grant_id'], ['visitgrant.id'], name=op.f('fk_consentevent_visit_grant_id_visitgrant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consentevent'))
    )
    with op.batch_alter_table('consentevent', schema=None) as batch_op:
        batch_op.create_index('ix_consentevent_customer', ['customer_id', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('consentevent', schema=None) as batch_op:
        batch_op.drop_index('ix_consentevent_customer')

    op.drop_table('consentevent')
    with op.batch_alter_table('consentchallenge', schema=None) as batch_op:
        batch_op.drop_index('ix_consentchallenge_customer')

    op.drop_table('consentchallenge')
