"""Reading the change log: a page of changes after a cursor, for the tablets' caches."""

from __future__ import annotations

import json

from sqlalchemy import or_, select
from sqlmodel import Session, col

from app.contracts.sync import Change, ChangePage
from app.server.sync.models import ChangeLog

MAX_PAGE = 1000


def changes(*, db_session: Session, since: int, location_id: int | None, limit: int) -> ChangePage:
    """Changes with seq > since. With `location_id`, stock rows of other locations are left
    out (a tablet follows its own store's stock); everything else is for everyone."""
    limit = max(1, min(limit, MAX_PAGE))
    stmt = select(ChangeLog).where(col(ChangeLog.seq) > since)
    if location_id is not None:
        stmt = stmt.where(
            or_(col(ChangeLog.location_id).is_(None), col(ChangeLog.location_id) == location_id)
        )
    rows = list(db_session.execute(stmt.order_by(col(ChangeLog.seq)).limit(limit + 1)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return ChangePage(
        changes=[
            Change(
                seq=r.seq,
                entity=r.entity,
                entity_id=r.entity_id,
                op=r.op,
                location_id=r.location_id,
                customer_id=r.customer_id,
                payload=json.loads(r.payload),
                at=r.at,
            )
            for r in rows
        ],
        next_cursor=rows[-1].seq if rows else since,
        up_to_date=not more,
    )
