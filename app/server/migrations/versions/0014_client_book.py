"""client book: who looks after which client, follow-up tasks (once per source), birth dates

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 11:47:01.080614
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('clientassignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('associate_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by'], ['associate.id'], name=op.f('fk_clientassignment_assigned_by_associate')),
    sa.ForeignKeyConstraint(['associate_id'], ['associate.id'], name=op.f('fk_clientassignment_associate_id_associate')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_clientassignment_customer_id_customer')),
    sa.ForeignKeyConstraint(['store_id'], ['location.id'], name=op.f('fk_clientassignment_store_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clientassignment')),
    sa.UniqueConstraint('customer_id', 'store_id', name='uq_clientassignment_store')
    )
    with op.batch_alter_table('clientassignment', schema=None) as batch_op:
        batch_op.create_index('ix_clientassignment_associate', ['associate_id', 'store_id'], unique=False)

    op.create_table('followuptask',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('associate_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('snoozed_until', sa.Date(), nullable=True),
    sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('done_by', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('source_ref', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('handed_from', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("(status = 'done') = (done_at IS NOT NULL)", name='ck_followuptask_done'),
    sa.CheckConstraint("kind = 'manual' OR source_ref IS NOT NULL", name='ck_followuptask_ref'),
    sa.CheckConstraint("kind in ('after_purchase', 'birthday', 'abandoned_cart', 'back_in_stock', 'hold_expiring', 'lapsed', 'manual')", name='ck_followuptask_kind'),
    sa.CheckConstraint("status <> 'snoozed' OR snoozed_until IS NOT NULL", name='ck_followuptask_snoozed'),
    sa.CheckConstraint("status in ('open', 'done', 'snoozed')", name='ck_followuptask_status'),
    sa.ForeignKeyConstraint(['associate_id'], ['associate.id'], name=op.f('fk_followuptask_associate_id_associate')),
    sa.ForeignKeyConstraint(['created_by'], ['associate.id'], name=op.f('fk_followuptask_created_by_associate')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_followuptask_customer_id_customer')),
    sa.ForeignKeyConstraint(['done_by'], ['associate.id'], name=op.f('fk_followuptask_done_by_associate')),
    sa.ForeignKeyConstraint(['handed_from'], ['associate.id'], name=op.f('fk_followuptask_handed_from_associate')),
    sa.ForeignKeyConstraint(['store_id'], ['location.id'], name=op.f('fk_followuptask_store_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followuptask')),
    sa.UniqueConstraint('kind', 'customer_id', 'source_ref', name='uq_followuptask_source')
    )
    with op.batch_alter_table('followuptask', schema=None) as batch_op:
        batch_op.create_index('ix_followuptask_associate', ['associate_id', 'status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_followuptask_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_followuptask_store', ['store_id', 'status', 'due_on'], unique=False)

    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_date', sa.Date(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_column('birth_date')

    with op.batch_alter_table('followuptask', schema=None) as batch_op:
        batch_op.drop_index('ix_followuptask_store')
        batch_op.drop_index(batch_op.f('ix_followuptask_customer_id'))
        batch_op.drop_index('ix_followuptask_associate')

    op.drop_table('followuptask')
    with op.batch_alter_table('clientassignment', schema=None) as batch_op:
        batch_op.drop_index('ix_clientassignment_associate')

    op.drop_table('clientassignment')
