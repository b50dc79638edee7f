"""shelf scans by visitor: a repeat scan of a label is found without reading every scan

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 15:45:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_shelfscan_visitor', 'shelfscan', ['visitor_ref', 'scanned_at'])


def downgrade() -> None:
    op.drop_index('ix_shelfscan_visitor', table_name='shelfscan')
