"""The cache file: engine, schema and migrations, transactions, small state, shared helpers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, select, text
from sqlmodel import col

from app.sqlite_engine import SQLITE_BUSY_TIMEOUT_MS, configure_sqlite
from app.tablet.cache.models import CacheModel, SyncState

# The full-text index over products' folded names, brands, categories and style codes. An
# external-content FTS5 table kept in step by triggers: one copy of the text, and every
# writer (snapshot, feed) keeps the index right without knowing it exists. Prefix indexes for
# the first 1-3 letters: a short prefix ("g", "fit") otherwise merges the lists of every word
# it starts (about 10 ms against 4 over 100,000 products).
_FTS_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS product_fts USING fts5("
    "search_text, content='product', content_rowid='id', tokenize='unicode61', prefix='1 2 3')"
)
_FTS = [
    _FTS_TABLE,
    "CREATE TRIGGER IF NOT EXISTS product_ai AFTER INSERT ON product BEGIN "
    "INSERT INTO product_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS product_ad AFTER DELETE ON product BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS product_au AFTER UPDATE ON product BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO product_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]


SCHEMA_VERSION = 2  # raise it with a step in CacheBase._migrate whenever a table changes


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(at: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were written as UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


class CacheBase:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(
            f"sqlite:///{self.path}",
            connect_args={
                "check_same_thread": False,
                "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
            },
        )
        configure_sqlite(self.engine)
        self._write_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        with self.write() as conn:
            self._migrate(conn)

    @staticmethod
    def _migrate(conn: Connection) -> None:
        """Bring a cache file made by an older app up to this schema, keeping its rows (an
        outbox may hold work not sent yet): tables are created, columns added, and the
        file's PRAGMA user_version says how far it got."""
        CacheModel.metadata.create_all(conn)
        for statement in _FTS:
            conn.exec_driver_sql(statement)
        version = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
        if version < 1:
            columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(outbox)")}
            for name, kind in (("till_id", "VARCHAR"), ("amount_kurus", "INTEGER")):
                if name not in columns:
                    conn.exec_driver_sql(f"ALTER TABLE outbox ADD COLUMN {name} {kind}")
            columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(associate)")}
            if "failed_window_started_at" not in columns:
                conn.exec_driver_sql(
                    "ALTER TABLE associate ADD COLUMN failed_window_started_at DATETIME"
                )
            conn.exec_driver_sql(
                "CREATE INDEX IF NOT EXISTS ix_outbox_open ON outbox (id) "
                "WHERE status IN ('pending', 'sending')"
            )
        if version < 2:
            made = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'product_fts'"
            ).scalar_one()
            if "prefix=" not in made:  # made by version 1: the same index, without prefixes
                conn.exec_driver_sql("DROP TABLE product_fts")
                conn.exec_driver_sql(_FTS_TABLE)
                conn.exec_driver_sql("INSERT INTO product_fts(product_fts) VALUES ('rebuild')")
        if version < SCHEMA_VERSION:
            conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One local transaction, taken with the write lock up front (BEGIN IMMEDIATE), so two
        app processes on one cache queue instead of failing half-way."""
        with self._write_engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    # -- small state ----------------------------------------------------------------------

    def state(self, name: str, default: str | None = None) -> str | None:
        with self.read() as conn:
            value = conn.execute(
                select(col(SyncState.value)).where(col(SyncState.name) == name)
            ).scalar()
        return default if value is None else str(value)

    @staticmethod
    def set_state(conn: Connection, name: str, value: str) -> None:
        conn.execute(
            text(
                "INSERT INTO sync_state(name, value) VALUES (:n, :v) "
                "ON CONFLICT(name) DO UPDATE SET value = excluded.value"
            ),
            {"n": name, "v": value},
        )

    def count(self, table: type[CacheModel]) -> int:
        with self.read() as conn:
            name = table.__tablename__
            return int(conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar_one())
