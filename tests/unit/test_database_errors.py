"""Which database errors mean "unavailable, retry" (503) and which are bugs (500)."""

from __future__ import annotations

import sqlite3

import psycopg
from sqlalchemy.exc import IntegrityError, OperationalError

from app.server.errors import _unavailable


def wrap(orig: Exception, kind: type = OperationalError) -> OperationalError:
    return kind("SELECT 1", {}, orig)  # type: ignore[no-any-return]


def test_busy_or_unreachable_databases_are_unavailable() -> None:
    assert _unavailable(wrap(sqlite3.OperationalError("database is locked")))
    assert _unavailable(wrap(sqlite3.OperationalError("unable to open database file")))
    assert _unavailable(wrap(psycopg.OperationalError("server closed the connection")))
    lost = wrap(sqlite3.OperationalError("no such column: x"))
    lost.connection_invalidated = True
    assert _unavailable(lost)


def test_schema_mistakes_and_constraint_failures_are_bugs_not_outages() -> None:
    assert not _unavailable(wrap(sqlite3.OperationalError("no such column: coupon.public_id")))
    assert not _unavailable(wrap(sqlite3.OperationalError("no such table: payment")))
    assert not _unavailable(wrap(sqlite3.IntegrityError("UNIQUE failed"), IntegrityError))
