"""changelog: an `id` of its own as the key; `seq`, the feed's position, given after commit

On PostgreSQL writers used to take one advisory lock through their COMMIT so that `seq`
followed commit order; now they insert rows without a `seq` and the feed's readers number the
committed ones (sync/changelog.py). Existing rows keep their `seq` and take it as their id.
On SQLite `seq` stays the id, given in the writing transaction.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "entity, entity_id, op, location_id, customer_id, payload, at"


def _sqlite_table(name: str, key: str) -> None:
    """The change log as the models describe it, keyed on `key` ('id' now, 'seq' before)."""
    columns = [
        sa.Column(key, sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('op', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=True),
        sa.Column('customer_id', sa.Integer(), nullable=True),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(key, name='pk_changelog'),
    ]
    if key == 'id':
        columns.insert(1, sa.Column('seq', sa.Integer(), nullable=True))
    op.create_table(name, *columns, sqlite_autoincrement=True)


def _sqlite_swap(new: str) -> None:
    """Put `new` in the old table's place, and keep AUTOINCREMENT's high mark: numbers of rows
    pruned at the top must never be handed out again."""
    op.execute(
        f"UPDATE sqlite_sequence SET seq = max(seq, coalesce("
        f"(SELECT seq FROM sqlite_sequence WHERE name = 'changelog'), 0)) WHERE name = '{new}'"
    )
    op.execute(
        f"INSERT INTO sqlite_sequence (name, seq) SELECT '{new}', seq FROM sqlite_sequence "
        f"WHERE name = 'changelog' AND NOT EXISTS "
        f"(SELECT 1 FROM sqlite_sequence WHERE name = '{new}')"
    )
    op.drop_index('ix_changelog_location_seq', table_name='changelog')
    op.drop_table('changelog')
    op.rename_table(new, 'changelog')


def _restart_above(sequence: str, top: str) -> None:
    """The sequence's next value is `top` + 1 (1 when `top` is 0)."""
    op.execute(f"SELECT setval('{sequence}', greatest(v, 1), v > 0) FROM (SELECT {top} AS v) t")


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_table('changelog_next', 'id')
        op.execute(
            f"INSERT INTO changelog_next (id, seq, {_COLUMNS}) "
            f"SELECT seq, seq, {_COLUMNS} FROM changelog"
        )
        _sqlite_swap('changelog_next')
        op.create_index('ix_changelog_location_seq', 'changelog', ['location_id', 'seq'])
    else:
        op.execute("ALTER TABLE changelog DROP CONSTRAINT pk_changelog")
        op.execute("ALTER TABLE changelog ALTER COLUMN seq DROP DEFAULT")
        op.execute("ALTER TABLE changelog ALTER COLUMN seq DROP NOT NULL")
        op.execute("ALTER TABLE changelog ADD COLUMN id BIGINT")
        op.execute("UPDATE changelog SET id = seq")
        # The ids go on from the numbers handed out, pruned ones included.
        op.execute("ALTER SEQUENCE changelog_seq_seq RENAME TO changelog_id_seq")
        op.execute("ALTER SEQUENCE changelog_id_seq OWNED BY changelog.id")
        op.execute("ALTER TABLE changelog ALTER COLUMN id SET DEFAULT nextval('changelog_id_seq')")
        op.execute("ALTER TABLE changelog ALTER COLUMN id SET NOT NULL")
        op.execute("ALTER TABLE changelog ADD CONSTRAINT pk_changelog PRIMARY KEY (id)")
    op.create_index('ux_changelog_seq', 'changelog', ['seq'], unique=True)
    op.create_index(
        'ix_changelog_unnumbered',
        'changelog',
        ['id'],
        postgresql_where=sa.text('seq IS NULL'),
        sqlite_where=sa.text('seq IS NULL'),
    )


def downgrade() -> None:
    # Rows not yet numbered take the next numbers, in id order, so none is lost on the way.
    op.execute(
        "UPDATE changelog SET seq = (SELECT coalesce(max(seq), 0) FROM changelog) + "
        "(SELECT count(*) FROM changelog AS c WHERE c.seq IS NULL AND c.id <= changelog.id) "
        "WHERE seq IS NULL"
    )
    op.drop_index('ix_changelog_unnumbered', table_name='changelog')
    op.drop_index('ux_changelog_seq', table_name='changelog')
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_table('changelog_before', 'seq')
        op.execute(
            f"INSERT INTO changelog_before (seq, {_COLUMNS}) SELECT seq, {_COLUMNS} FROM changelog"
        )
        _sqlite_swap('changelog_before')
        op.create_index('ix_changelog_location_seq', 'changelog', ['location_id', 'seq'])
    else:
        op.execute("ALTER TABLE changelog DROP CONSTRAINT pk_changelog")
        op.execute("ALTER TABLE changelog ALTER COLUMN id DROP DEFAULT")
        op.execute("ALTER SEQUENCE changelog_id_seq RENAME TO changelog_seq_seq")
        op.execute("ALTER SEQUENCE changelog_seq_seq OWNED BY changelog.seq")
        op.execute("ALTER TABLE changelog DROP COLUMN id")
        _restart_above(
            'changelog_seq_seq', "greatest((SELECT last_value - 1 + is_called::int FROM changelog_seq_seq), "
            "coalesce((SELECT max(seq) FROM changelog), 0))"
        )
        op.execute("ALTER TABLE changelog ALTER COLUMN seq SET DEFAULT nextval('changelog_seq_seq')")
        op.execute("ALTER TABLE changelog ALTER COLUMN seq SET NOT NULL")
        op.execute("ALTER TABLE changelog ADD CONSTRAINT pk_changelog PRIMARY KEY (seq)")
