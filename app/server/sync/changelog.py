"""Writing the append-only change log that tablets pull, and giving its rows their place in
the feed.

Services call `record()` while they work; the rows are inserted just before the unit of work
commits. A tablet reads the feed after a cursor (`seq`), so `seq` must follow commit order: a
tablet that has read up to 100 must never meet a 99 committed later.

- SQLite has one writer at a time, so commit order is insert order: a row's `seq` is its id,
  given in the writing transaction.
- On PostgreSQL ids are handed out in the order transactions *ask*, not the order they
  *commit*. Writers therefore insert rows without a `seq`, and nothing else: they no longer
  queue on one lock through each other's COMMITs (that queue was the ceiling of orders per
  second with several processes). Before the feed is read, `number_committed()` gives the
  rows committed so far the next positions, in one short transaction under an advisory lock,
  committed before the lock is let go. Rows committed later are numbered later, higher, so
  the numbered rows are always a prefix of the feed with nothing missing below its top.
  Within a transaction, and between transactions that changed the same row (they hold its
  lock, so the second inserts its change rows after the first committed), id order is
  commit order, and the numbering keeps it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event, func, insert, select, text, update
from sqlmodel import Session

from app.server.db import Database, core_table, execute, utcnow
from app.server.sync.models import ChangeLog, SyncHorizon

_PENDING = "reyon_changes"
CHANGELOG_LOCK_ID = 7_301_954_211  # arbitrary, constant across processes
# Rows numbered by one call: a log left unread for long is numbered over several reads (each
# page the tablet asks for numbers the next batch), never in one long transaction.
NUMBER_BATCH = 5000
_LOG = core_table(ChangeLog)
_HORIZON = core_table(SyncHorizon)
# Built once (see db.insert_id): every write that records a change runs these.
_INSERT = insert(_LOG)
_NUMBER_AT_INSERT = update(_LOG).where(_LOG.c.seq.is_(None)).values(seq=_LOG.c.id)


def record(
    session: Session,
    entity: str,
    entity_id: object,
    *,
    op: str = "upsert",
    location_id: int | None = None,
    customer_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    session.info.setdefault(_PENDING, []).append(
        {
            "entity": entity,
            "entity_id": str(entity_id),
            "op": op,
            "location_id": location_id,
            "customer_id": customer_id,
            "payload": json.dumps(payload or {}, separators=(",", ":"), default=str),
        }
    )


@event.listens_for(Session, "before_commit")
def _flush_changes(session: Session) -> None:
    rows = session.info.pop(_PENDING, None)
    if not rows:
        return
    now = utcnow()
    for row in rows:
        row["at"] = now
    # One row (an order, say) as a plain execute: a list makes it an executemany, which
    # psycopg runs in pipeline mode, two more waits on the connection for a single row.
    execute(session, _INSERT, rows[0] if len(rows) == 1 else rows)
    if session.get_bind().dialect.name == "sqlite":
        execute(session, _NUMBER_AT_INSERT)


def number_committed(db: Database, *, batch: int = NUMBER_BATCH) -> int:
    """PostgreSQL: give the committed rows without a feed position the next ones, oldest id
    first, at most `batch` of them; how many were numbered. Call it before reading the feed:
    what was committed before the call is then readable. (SQLite numbers at insert: 0.)

    The lock is taken blocking, not tried: the holder only numbers, and a reader that went
    on without waiting could miss a change it had just written itself."""
    if db.dialect != "postgresql":
        return 0
    waiting = select(_LOG.c.id).where(_LOG.c.seq.is_(None)).limit(1)
    with db.read_connection() as conn:  # the usual answer, "none", costs one round trip
        if conn.execute(waiting).first() is None:
            return 0
    with db.engine.connect() as conn, conn.begin():
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHANGELOG_LOCK_ID})
        # Read after the lock: each statement sees what committed before it began, so the
        # last holder's numbers are seen, and ours start above them (and above what pruning
        # deleted, which the horizon remembers).
        top = conn.execute(
            select(
                select(func.max(_LOG.c.seq)).scalar_subquery(),
                select(_HORIZON.c.pruned_through).where(_HORIZON.c.id == 1).scalar_subquery(),
            )
        ).one()
        base = max(int(top[0] or 0), int(top[1] or 0))
        oldest = (
            select(_LOG.c.id).where(_LOG.c.seq.is_(None)).order_by(_LOG.c.id).limit(batch)
        ).subquery()
        todo = select(
            oldest.c.id, (base + func.row_number().over(order_by=oldest.c.id)).label("n")
        ).subquery()
        result = conn.execute(update(_LOG).where(_LOG.c.id == todo.c.id).values(seq=todo.c.n))
        return int(getattr(result, "rowcount", 0) or 0)


@event.listens_for(Session, "after_rollback")
def _drop_changes(session: Session) -> None:
    session.info.pop(_PENDING, None)
