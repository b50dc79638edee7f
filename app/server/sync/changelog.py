"""Writing the append-only change log that tablets pull.

Services call `record()` while they work; the rows are inserted just before the unit of work
commits. On PostgreSQL a sequence hands out numbers in the order transactions *ask*, not the
order they *commit*, so a tablet that read up to 100 could later miss 99 committed after it.
We take a transaction-scoped advisory lock right before inserting: change-log inserts (and so
their sequence numbers) are then serialised in commit order, and the lock is held only for the
last moments of each writing transaction. SQLite already serialises writers.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event, insert, text
from sqlmodel import Session

from app.server.db import core_table, utcnow
from app.server.sync.models import ChangeLog

_PENDING = "reyon_changes"
CHANGELOG_LOCK_ID = 7_301_954_211  # arbitrary, constant across processes


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
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHANGELOG_LOCK_ID})
    session.execute(insert(core_table(ChangeLog)), rows)


@event.listens_for(Session, "after_rollback")
def _drop_changes(session: Session) -> None:
    session.info.pop(_PENDING, None)
