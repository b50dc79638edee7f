"""appointment reminders: the worker's claim and the channel the reminder went by

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('appointment') as batch:
        batch.add_column(
            sa.Column('reminder_claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch.add_column(
            sa.Column('reminder_channel', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )
        batch.add_column(
            sa.Column('reminder_attempts', sa.Integer(), server_default='0', nullable=False)
        )
    op.create_index(
        'ix_appointment_remind', 'appointment', ['status', 'reminded_at', 'starts_at'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_appointment_remind', table_name='appointment')
    with op.batch_alter_table('appointment') as batch:
        batch.drop_column('reminder_attempts')
        batch.drop_column('reminder_channel')
        batch.drop_column('reminder_claimed_at')
