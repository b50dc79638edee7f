"""Reading the change log for the tablets' caches (a page of changes after a cursor, scoped to
one tablet), and pruning it: old rows go, and the horizon remembers how far."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, case, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from app.contracts.sync import Change, ChangePage
from app.server.db import core_table, utcnow
from app.server.sync.models import ChangeLog, SyncHorizon
from app.server.sync.scope import held_customers

MAX_PAGE = 1000
MAX_LOCATIONS = 50
_LOG = core_table(ChangeLog)
_HORIZON = core_table(SyncHorizon)


def changes(
    *,
    db_session: Session,
    since: int,
    location_ids: Sequence[int] | None,
    device_id: str,
    limit: int,
) -> ChangePage:
    """Changes with seq > since that this tablet follows, oldest first:

    - rows with neither a location nor a customer (catalogue, coupons for anyone) go to all;
    - rows of a location (stock) only for `location_ids`; None means every location, the
      meaning of leaving the parameter out before it could be repeated;
    - rows of a customer only to the device that holds the customer (sync/scope.py);
    - a row with both a location and a customer must pass both.

    When the log no longer reaches back to `since` the page says `must_refetch` and holds no
    changes: the tablet takes a fresh snapshot and follows the feed from its cursor."""
    limit = max(1, min(limit, MAX_PAGE))
    stmt = select(
        _LOG.c.seq,
        _LOG.c.entity,
        _LOG.c.entity_id,
        _LOG.c.op,
        _LOG.c.location_id,
        _LOG.c.customer_id,
        _LOG.c.payload,
        _LOG.c.at,
    ).where(_LOG.c.seq > since)
    if location_ids is not None:
        # "No location or one of these", said so that no index on location_id fits: SQLite
        # then walks the log in seq order and stops at the page's end, instead of collecting
        # and sorting every matching row after `since` (50 ms against 5 ms a page for a
        # tablet 300,000 rows behind). Location ids start at 1, so 0 stands for none.
        followed = [0, *sorted(set(location_ids))]
        stmt = stmt.where(func.coalesce(_LOG.c.location_id, 0).in_(followed))
    stmt = stmt.where(
        or_(_LOG.c.customer_id.is_(None), _LOG.c.customer_id.in_(held_customers(device_id)))
    )
    rows = db_session.execute(stmt.order_by(_LOG.c.seq).limit(limit + 1)).all()
    # The horizon is read after the rows: pruning deletes rows and moves the horizon in one
    # transaction, so a horizon still at or below `since` now means none of the rows after
    # `since` had been deleted when they were read a moment ago.
    if since < pruned_through(db_session):
        return ChangePage(changes=[], next_cursor=since, up_to_date=False, must_refetch=True)
    more = len(rows) > limit
    rows = rows[:limit]
    return ChangePage(
        changes=[
            Change(
                seq=seq,
                entity=entity,
                entity_id=entity_id,
                op=op,
                location_id=location_id,
                customer_id=customer_id,
                payload=json.loads(payload),
                at=at,
            )
            for seq, entity, entity_id, op, location_id, customer_id, payload, at in rows
        ],
        next_cursor=rows[-1].seq if rows else since,
        up_to_date=not more,
    )


def pruned_through(session: Session) -> int:
    """The highest seq ever pruned (0 before the first pruning)."""
    value = session.execute(select(_HORIZON.c.pruned_through).where(_HORIZON.c.id == 1)).scalar()
    return int(value or 0)


def head(session: Session) -> int:
    """The newest change-log position: the highest seq written, pruned ones included (after
    pruning everything the log is empty but the position is not 0)."""
    newest, pruned = session.execute(
        select(
            select(func.max(_LOG.c.seq)).scalar_subquery(),
            select(_HORIZON.c.pruned_through).where(_HORIZON.c.id == 1).scalar_subquery(),
        )
    ).one()
    return max(int(newest or 0), int(pruned or 0))


def prune_changes(*, db_session: Session, cutoff: datetime, max_rows: int | None = None) -> int:
    """Delete the change-log rows written before `cutoff`, oldest first and as an unbroken run
    of seqs (at most `max_rows` of them), and move the horizon to the highest seq deleted, in
    the caller's transaction. Returns how many rows went."""
    s = db_session
    # Only the oldest `max_rows` rows are looked at, so one call reads no more than it may
    # delete, however long the log has grown.
    window: list[ColumnElement[bool]] = []
    if max_rows is not None:
        nth = s.execute(
            select(_LOG.c.seq).order_by(_LOG.c.seq).offset(max(1, max_rows) - 1).limit(1)
        ).scalar()
        if nth is not None:
            window.append(_LOG.c.seq <= nth)
    # Walk up from the oldest seq to the first row young enough to keep: no index on `at` to
    # maintain on every write. (`at` is stamped at insert and the seq only after the commit,
    # so the two can disagree by moments; such a row simply waits for the next round. Rows
    # not numbered yet are not looked at: the caller numbers what has committed first.)
    first_kept = s.execute(
        select(_LOG.c.seq).where(*window, _LOG.c.at >= cutoff).order_by(_LOG.c.seq).limit(1)
    ).scalar()
    bound = select(func.max(_LOG.c.seq)).where(*window)
    if first_kept is not None:
        bound = bound.where(_LOG.c.seq < first_kept)
    through = s.execute(bound).scalar()
    if through is None:
        return 0
    result = s.execute(delete(_LOG).where(_LOG.c.seq <= through))
    _advance_horizon(s, int(through))
    return int(getattr(result, "rowcount", 0) or 0)


def _advance_horizon(session: Session, through: int) -> None:
    """Never backwards, even when two API processes prune at the same time."""
    dialect_insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    stmt = dialect_insert(_HORIZON).values(id=1, pruned_through=through, pruned_at=utcnow())
    current, proposed = _HORIZON.c.pruned_through, stmt.excluded.pruned_through
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["id"],
            set_={
                "pruned_through": case((current < proposed, proposed), else_=current),
                "pruned_at": stmt.excluded.pruned_at,
            },
        )
    )
