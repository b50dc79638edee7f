"""Returned units back into the returning store's stock: sellable ones on hand (available
again at once), damaged ones in the store's damaged bin, counted but never sold. The store
taking a web order back may never have stocked the item: its row is made first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlmodel import Session, col

from app.domain.returns import Condition, StockPlace, stock_place
from app.server.db import core_table, insert_unless_exists, utcnow
from app.server.inventory import service as inventory
from app.server.inventory.models import StockLevel

_STOCK = core_table(StockLevel)


def put_back(
    session: Session, variant_id: int, location_id: int, units: int, condition: Condition
) -> None:
    now = utcnow()
    insert_unless_exists(
        session,
        _STOCK,
        {"variant_id": variant_id, "location_id": location_id, "on_hand": 0, "reserved": 0,
         "damaged": 0, "updated_at": now},
        ["variant_id", "location_id"],
    )  # fmt: skip
    place = stock_place(condition)
    counter = col(StockLevel.on_hand) if place == StockPlace.ON_HAND else col(StockLevel.damaged)
    row = session.execute(
        update(StockLevel)
        .where(col(StockLevel.variant_id) == variant_id, col(StockLevel.location_id) == location_id)
        .values({counter: counter + units, col(StockLevel.updated_at): now})
        .returning(col(StockLevel.on_hand), col(StockLevel.reserved))
    ).one()
    if place == StockPlace.ON_HAND:  # the damaged bin changes nothing any tablet shows
        inventory.stock_change(session, variant_id, location_id, row[0], row[1])


def lock(session: Session, variant_ids: Iterable[int]) -> None:
    """Lock every stock row of these variants, by variant then location, before a transaction
    moves units of several variants in more than one step (an exchange: the returned size
    back, then the new one reserved). Each step alone takes rows by variant, but two such
    transactions interleaving their steps (one returning M for L, the other L for M) would
    wait on each other on PostgreSQL; taking all rows first, in one order, makes the second
    wait for the first instead. SQLite has one writer at a time and ignores FOR UPDATE."""
    ids = sorted(set(variant_ids))
    if ids:
        session.execute(
            select(col(StockLevel.variant_id))
            .where(col(StockLevel.variant_id).in_(ids))
            .order_by(col(StockLevel.variant_id), col(StockLevel.location_id))
            .with_for_update()
        ).all()


def aware(at: datetime) -> datetime:
    """SQLite hands back the UTC it stored without its zone."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
