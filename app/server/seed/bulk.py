"""Bulk inserts of rows with explicit ids, inside the caller's single transaction.

SQLite: SQLAlchemy Core executemany in chunks, so the column types (UTCDateTime, JSON, Boolean)
convert the values exactly as the application's own writes do. Very large tables take the
`fast` path: the raw sqlite3 cursor's executemany (values put through the same column bind
processors first), with the table's secondary indexes built once after the load.

PostgreSQL: psycopg 3 binary COPY ... FROM STDIN with write_row, the column types set from the
table (binary skips text formatting of timestamps: about three times faster). A very large
table (`fast`) is loaded with its foreign keys and secondary indexes dropped and re-created
afterwards in the same transaction, as the PostgreSQL manual advises for populating a
database: checking a foreign key once over the whole table is far cheaper than once per row.
Explicit ids leave the id sequences behind, so `finish` moves each one to max(id).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from psycopg.types.json import Json
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    TypeDecorator,
    insert,
)
from sqlalchemy.types import TypeEngine

CORE_CHUNK = 5_000
FAST_CHUNK = 250_000


def _chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _memoised(proc: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Bulk rows repeat the same timestamps; convert each distinct value once."""
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value is None:
            return None
        try:
            return cache[value]
        except KeyError:
            cache[value] = out = proc(value)
            return out
        except TypeError:  # unhashable (a JSON dict)
            return proc(value)

    return convert


class BulkWriter:
    def __init__(self, connection: Connection, progress: Callable[[str], None]) -> None:
        self.conn = connection
        self.progress = progress
        self.dialect = connection.dialect.name
        self.counts: dict[str, int] = {}

    def write(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        total: int | None = None,
        fast: bool = False,
        constants: Mapping[str, Any] | None = None,
    ) -> int:
        """Insert `rows` (tuples in `columns` order) into `table`; returns how many.

        `constants` are columns with the same value in every row (kept out of the tuples).
        `fast` is for very large tables: secondary indexes (and on PostgreSQL foreign keys)
        are dropped for the load and re-created after it, in the same transaction.
        """
        consts = dict(constants or {})
        if self.dialect == "postgresql":
            deferred = _pg_deferred if fast else _nothing_deferred
            with deferred(self.conn, table.name, self.progress):
                n = self._copy(table, columns, rows, total, consts)
        elif fast:
            with _sqlite_deferred(self.conn, table.name, self.progress):
                n = self._sqlite_raw(table, columns, rows, total, consts)
        else:
            n = self._core(table, columns, rows, consts)
        self.counts[table.name] = self.counts.get(table.name, 0) + n
        return n

    def _core(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        consts: dict[str, Any],
    ) -> int:
        stmt = insert(table)
        n = 0
        for chunk in _chunks(rows, CORE_CHUNK):
            self.conn.execute(
                stmt, [{**consts, **dict(zip(columns, row, strict=True))} for row in chunk]
            )
            n += len(chunk)
        return n

    def _report(self, name: str, done: int, total: int | None) -> None:
        self.progress(f"{name} {done:,}/{total:,}" if total else f"{name} {done:,}")

    def _sqlite_raw(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        total: int | None,
        consts: dict[str, Any],
    ) -> int:
        dialect = self.conn.dialect

        def processor(name: str) -> Callable[[Any], Any] | None:
            return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)

        converters = [(i, _memoised(p)) for i, name in enumerate(columns) if (p := processor(name))]
        if converters:
            rows = (_apply(row, converters) for row in rows)
        # Constants go into the statement as literals, converted by their column type first.
        literals = []
        for name, value in consts.items():
            proc = processor(name)
            literals.append(_sqlite_literal(proc(value) if proc and value is not None else value))
        names = [*columns, *consts]
        sql = (
            f"INSERT INTO {_quote(table.name)} ({', '.join(_quote(c) for c in names)}) "
            f"VALUES ({', '.join(['?'] * len(columns) + literals)})"
        )
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        n = 0
        try:
            for chunk in _chunks(rows, FAST_CHUNK):
                cursor.executemany(sql, chunk)
                n += len(chunk)
                self._report(table.name, n, total)
        finally:
            cursor.close()
        return n

    def _copy(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        total: int | None,
        consts: dict[str, Any],
    ) -> int:
        names = [*columns, *consts]
        # JSON the way the column type itself serialises it: None becomes JSON null unless the
        # type says none_as_null (so rows match what the application's own inserts store).
        json_at = [
            (i, bool(table.c[name].type.none_as_null))  # type: ignore[attr-defined]
            for i, name in enumerate(names)
            if isinstance(table.c[name].type, JSON)
        ]
        tail = tuple(consts.values())
        if json_at:
            rows = (_json_row(row, tail, json_at) for row in rows)
        elif tail:
            rows = ((*row, *tail) for row in rows)
        raw = self.conn.connection.driver_connection
        sql = (
            f"COPY {_quote(table.name)} ({', '.join(_quote(c) for c in names)}) "
            "FROM STDIN (FORMAT BINARY)"
        )
        n = 0
        with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            copy.set_types([_pg_type(table.c[name].type) for name in names])
            write_row = copy.write_row
            for chunk in _chunks(rows, FAST_CHUNK):
                for row in chunk:
                    write_row(row)
                n += len(chunk)
                if total and total > FAST_CHUNK:
                    self._report(table.name, n, total)
        return n

    def finish(self) -> None:
        """After explicit ids on PostgreSQL: move each id sequence past the largest id."""
        if self.dialect != "postgresql":
            return
        tables = [t for t in self.counts if self.counts[t]]
        for name in tables:
            cols = self.conn.exec_driver_sql(
                "SELECT 1 FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %(t)s "
                "AND column_name = 'id'",
                {"t": name},
            ).first()
            if cols is None:
                continue
            quoted = _quote(name)
            self.conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence(%(t)s, 'id'), max(id)) FROM {quoted}",
                {"t": quoted},
            )


def _json_row(
    row: Sequence[Any], tail: tuple[Any, ...], json_at: list[tuple[int, bool]]
) -> list[Any]:
    out = [*row, *tail]
    for i, none_as_null in json_at:
        if out[i] is not None or not none_as_null:
            out[i] = Json(out[i], dumps=_json_dumps)
    return out


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _pg_type(type_: TypeEngine[Any]) -> str:
    """The PostgreSQL type name binary COPY needs for a column's SQLAlchemy type."""
    impl = type_.impl if isinstance(type_, TypeDecorator) else type_
    if isinstance(impl, JSON):
        return "json"
    if isinstance(impl, Boolean):
        return "bool"
    if isinstance(impl, BigInteger):
        return "int8"
    if isinstance(impl, Integer):
        return "int4"
    if isinstance(impl, Float):
        return "float8"
    if isinstance(impl, DateTime):
        return "timestamptz" if impl.timezone else "timestamp"
    if isinstance(impl, Date):
        return "date"
    if isinstance(impl, String):
        return "text"
    raise TypeError(f"no COPY type for {type_!r}")


def _sqlite_literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQLite literal for {type(value).__name__}")


def _apply(row: Sequence[Any], converters: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    out = list(row)
    for i, convert in converters:
        out[i] = convert(out[i])
    return out


@contextmanager
def _nothing_deferred(
    conn: Connection, table: str, progress: Callable[[str], None]
) -> Iterator[None]:
    yield


@contextmanager
def _sqlite_deferred(
    conn: Connection, table: str, progress: Callable[[str], None]
) -> Iterator[None]:
    """Drop the table's own indexes (not the primary key's) and re-create them after the load:
    one sorted build beats millions of scattered index inserts. Foreign keys stay enforced."""
    indexes = [
        (r[0], r[1])
        for r in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY name",
            (table,),
        )
    ]
    for name, _ in indexes:
        conn.exec_driver_sql(f"DROP INDEX {_quote(name)}")
    yield
    for _, definition in indexes:
        conn.exec_driver_sql(definition)
    if indexes:
        progress(f"{table}: indexes re-created")


@contextmanager
def _pg_deferred(conn: Connection, table: str, progress: Callable[[str], None]) -> Iterator[None]:
    """Drop the table's foreign keys and secondary indexes; re-create them after the load (the
    PostgreSQL manual's advice for populating a database). All in the caller's transaction, so
    a failure rolls the DROPs back too."""
    q = _quote(table)
    fks = [
        (r[0], r[1])
        for r in conn.exec_driver_sql(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %(t)s::regclass AND contype = 'f' ORDER BY conname",
            {"t": q},
        )
    ]
    indexes = [
        (r[0], r[1])
        for r in conn.exec_driver_sql(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %(t)s::regclass AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
            "ORDER BY i.relname",
            {"t": q},
        )
    ]
    for name, _ in fks:
        conn.exec_driver_sql(f"ALTER TABLE {q} DROP CONSTRAINT {_quote(name)}")
    for name, _ in indexes:
        conn.exec_driver_sql(f"DROP INDEX {_quote(name)}")
    yield
    for _, definition in indexes:
        conn.exec_driver_sql(definition)
    for name, definition in fks:
        conn.exec_driver_sql(f"ALTER TABLE {q} ADD CONSTRAINT {_quote(name)} {definition}")
    if fks or indexes:
        progress(f"{table}: indexes and foreign keys re-created")
