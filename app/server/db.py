"""Engines and sessions for SQLite (one machine) and PostgreSQL (production, several processes).

Writes use short explicit transactions. On SQLite a writing transaction starts with
BEGIN IMMEDIATE so two writers queue on the database lock up front instead of both reading and
then one failing to upgrade its lock ("database is locked") half-way through an order.
"""

from __future__ import annotations

import fcntl
import functools
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    CursorResult,
    Dialect,
    Engine,
    Executable,
    Insert,
    Table,
    create_engine,
    insert,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel
from sqlmodel.sql.sqltypes import AutoString

from app.sqlite_engine import SQLITE_BUSY_TIMEOUT_MS, configure_sqlite

# Stable constraint names so migrations can refer to them on SQLite and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class EnumText(AutoString):
    """A column holding one of the domain's StrEnums as its plain value, in the VARCHAR a `str`
    field gets (not a database enum type, which would store member names): the stored values
    and the migrations stay as they are, and rows read back as the enum."""

    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length=length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


def utcnow() -> datetime:
    """Aware UTC, as SQLModel's UTCDateTime columns require (timestamptz on PostgreSQL)."""
    return datetime.now(UTC)


def execute(
    session: Session, statement: Executable, params: Mapping[str, Any] | list[Any] | None = None
) -> CursorResult[*tuple[Any, ...]]:
    """Run a statement that reads or writes columns, not ORM objects, on the session's own
    connection, in its transaction. `Session.execute` would put it through the ORM's execution
    path first (events, bind lookup, result wrapping): on PostgreSQL about a third of a small
    statement's Python (a one-row select: 105 us of CPU against 71). What the session holds
    unflushed is flushed first, as `Session.execute` would, so a row the caller added is seen."""
    session.flush()
    return session.connection().execute(statement, params)


def insert_id(session: Session, table: type[SQLModel], values: dict[str, Any]) -> int:
    """INSERT one row and return its id, without the ORM unit of work: on the hot write paths
    (orders, redemptions) the flush machinery costs more than the SQL itself. `values` are
    plain values, bound to a statement built once per table."""
    return int(execute(session, _returning_id(core_table(table)), values).scalar_one())


def insert_unless_exists(
    session: Session, table: Table, values: dict[str, Any], conflict_on: list[str]
) -> bool:
    """INSERT one row; False, and nothing written, when a row with the same `conflict_on`
    values exists. The database decides, so concurrent inserters across processes agree:
    exactly one of them gets True."""
    dialect = session.get_bind().dialect.name
    stmt = _insert_or_nothing(dialect, table, tuple(conflict_on))
    return execute(session, stmt, values).first() is not None


# Statements built once and kept: a statement object remembers its cache key, so executing it
# again skips building the expression and hashing it (a third of a small write's CPU).
@functools.cache
def _returning_id(table: Table) -> Insert:
    return insert(table).returning(table.c.id)


@functools.cache
def _insert_or_nothing(dialect: str, table: Table, conflict_on: tuple[str, ...]) -> Insert:
    dialect_insert = sqlite_insert if dialect == "sqlite" else pg_insert
    stmt = dialect_insert(table).on_conflict_do_nothing(index_elements=list(conflict_on))
    return stmt.returning(*table.primary_key.columns)


def core_table(model: type[SQLModel]) -> Table:
    """The plain Core table behind a model. Statements on it skip SQLAlchemy's ORM execution
    path (entity bookkeeping, bulk-persistence planning), several times cheaper per call."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


class SqliteWriters:
    """SQLite's one writer at a time, queued across this machine's threads and API processes:
    a lock for the threads of this process, then an exclusive lock on a file beside the
    database for the processes. Both wake the next writer the moment the last lets go; left to
    SQLite's busy handler, a writer polls with sleeps of up to 100 ms, which under load turns
    a 3 ms order into a 1 s one. A waiter waits as long as the writer before it takes, as the
    threads of one process always have (a write transaction is short; a process that dies
    holding the file lock loses it). An in-memory database has no file: its process is its
    only writer."""

    def __init__(self, database: str | None, query: Mapping[str, Any] | None = None) -> None:
        self._threads = threading.Lock()
        path = _database_file(database, query or {})
        self._path = None if path is None else f"{path}.writers"
        self._file: tuple[int, int] | None = None  # (pid, descriptor) of this process's

    def _descriptor(self) -> int:
        # Opened by each process for itself: a descriptor inherited across fork() shares its
        # lock with the parent, and would let both write at once. Mode as for SQLite's own
        # files beside the database: what the umask leaves of read and write for all.
        pid = os.getpid()
        if self._file is None or self._file[0] != pid:
            assert self._path is not None
            self._file = (pid, os.open(self._path, os.O_RDWR | os.O_CREAT, 0o666))
        return self._file[1]

    def __enter__(self) -> None:
        self._threads.acquire()
        if self._path is None:
            return
        try:
            fcntl.flock(self._descriptor(), fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def __exit__(self, *_: object) -> None:
        try:
            if self._path is not None:
                fcntl.flock(self._descriptor(), fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def close(self) -> None:
        if self._file is not None and self._file[0] == os.getpid():
            os.close(self._file[1])
        self._file = None


def _database_file(database: str | None, query: Mapping[str, Any]) -> str | None:
    """The file a SQLite URL's database names (a plain path or a `file:` URI, its `query`
    the URL's), or None for an in-memory one."""
    if not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        path, _, inline = database[len("file:") :].partition("?")
        if not path or path == ":memory:" or "mode=memory" in inline:
            return None
        return None if query.get("mode") == "memory" else path
    return database


class DatabaseLocationError(Exception):
    """The SQLite file's folder does not exist and cannot be made."""


def prepare_sqlite_folder(url: str) -> None:
    """A SQLite file can be made only in a folder that exists: a fresh clone has no var/.
    Every engine and migration makes the folder first, or says clearly why it cannot."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return
    folder = Path(parsed.database).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseLocationError(
            f"cannot make the database folder {folder}/ ({exc.strerror or exc}); "
            "set REYON_DATABASE_URL to a file in a writable folder"
        ) from exc


def make_engine(
    url: str, *, pool_size: int = 10, max_overflow: int = 10, application_name: str = "reyon"
) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        prepare_sqlite_folder(url)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=pool_size,
            max_overflow=max_overflow,
        )
        configure_sqlite(engine)
        return engine
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        # Named, so an operator can tell Reyon's connections apart in pg_stat_activity.
        connect_args={"application_name": application_name},
        # No pre-ping: it costs a round trip on every checkout, a third of a one-query
        # request. When PostgreSQL drops connections (restart, failover), the request that
        # meets a dead one gets 503 with Retry-After (errors.py) and SQLAlchemy discards every
        # connection older than the failure, so the retry gets a fresh one.
        pool_recycle=1800,
    )


def make_scratch_engine(url: str) -> Engine:
    """An engine without a pool, for CLI commands and migrations."""
    prepare_sqlite_folder(url)
    engine = create_engine(url, poolclass=NullPool)
    if is_sqlite(engine):
        configure_sqlite(engine)
    return engine


class Database:
    """The process's engine plus the two kinds of session the services use."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write_engine = (
            engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine
        )
        # SQLite has one writer at a time: writers queue for it here, not in its busy handler.
        self._write_lock = (
            SqliteWriters(engine.url.database, engine.url.query) if is_sqlite(engine) else None
        )
        # Single-statement reads need no transaction: no BEGIN and ROLLBACK around them, which
        # on PostgreSQL are two of the three round trips of a one-query request.
        self._read_engine = (
            engine.execution_options(sqlite_begin=None)
            if is_sqlite(engine)
            else engine.execution_options(isolation_level="AUTOCOMMIT")
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def one_writer(self) -> bool:
        """Whether writers queue for the whole database (SQLite), so that reads worth doing
        outside a write transaction should be (PostgreSQL locks rows, not the database)."""
        return self._write_lock is not None

    def read_connection(self) -> Connection:
        """A plain connection in autocommit mode, for hot paths that read with one statement
        at a time and need no snapshot across statements."""
        return self._read_engine.connect()

    def read_session(self) -> Session:
        """A session on autocommit connections, for read-only requests that run many small
        queries and can live without one snapshot across them (the single customer view):
        no BEGIN and ROLLBACK round trips around the request."""
        return Session(self._read_engine, expire_on_commit=False)

    def session(self) -> Session:
        """For reads (and writes that need no ordering with other writers)."""
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back everything on any exception."""
        if self._write_lock is None:
            with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
                yield session
            return
        with (
            self._write_lock,
            Session(self._write_engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        if self._write_lock is not None:
            self._write_lock.close()
