"""exchanges: the order a return's value paid for (exchange_order_id), one return per order

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 10:30:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN with its named foreign key inline, not a batch table rebuild (as in 0008): on
    # SQLite a rebuild of a table that others reference needs the foreign keys switched off;
    # both databases take the same statement, and existing returns are plain returns (NULL).
    op.execute(
        'ALTER TABLE orderreturn ADD COLUMN exchange_order_id INTEGER '
        'CONSTRAINT fk_orderreturn_exchange_order_id_order REFERENCES "order" (id)'
    )
    with op.batch_alter_table('orderreturn', schema=None) as batch_op:
        batch_op.create_index('uq_orderreturn_exchange_order', ['exchange_order_id'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('orderreturn', schema=None) as batch_op:
        batch_op.drop_index('uq_orderreturn_exchange_order')

    op.execute("ALTER TABLE orderreturn DROP COLUMN exchange_order_id")
