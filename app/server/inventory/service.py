"""Stock: availability across locations, and the atomic reserve / release that orders use."""

from __future__ import annotations

from datetime import datetime

import orjson
from sqlalchemy import Connection, Select, Text, bindparam, cast, func, insert, select, update
from sqlmodel import Session, col

from app.domain.errors import NotFound
from app.server.catalog.models import Variant
from app.server.catalog.service import LocationDirectory
from app.server.db import core_table, utcnow
from app.server.inventory.models import Reservation, StockLevel
from app.server.sync import changelog


def _stock_by_sku(dialect: str) -> Select[str]:
    """One SKU's stock at every location as ONE row holding a JSON array of
    [location_id, on_hand, reserved] triples.

    One row rather than 200 because Python's sqlite3 releases and re-takes the GIL around every
    row it steps: under concurrent requests each re-take waits behind other threads, and a
    0.2 ms query took 26 ms of wall time in the bench profile. On PostgreSQL the aggregate
    also saves building 200 Row objects."""
    triple = (func.json_array if dialect == "sqlite" else func.json_build_array)(
        _STOCK.c.location_id, _STOCK.c.on_hand, _STOCK.c.reserved
    )
    aggregate = func.json_group_array(triple) if dialect == "sqlite" else func.json_agg(triple)
    return (
        select(cast(aggregate, Text))
        .select_from(_STOCK.join(_VARIANT, _VARIANT.c.id == _STOCK.c.variant_id))
        .where(_VARIANT.c.sku == bindparam("sku"))
    )


_STOCK = core_table(StockLevel)
_VARIANT = core_table(Variant)
_VARIANT_BY_SKU = select(_VARIANT.c.id).where(_VARIANT.c.sku == bindparam("sku"))
_STOCK_BY_SKU = {dialect: _stock_by_sku(dialect) for dialect in ("sqlite", "postgresql")}


def availability_json(
    *, conn: Connection, directory: LocationDirectory, sku: str, near: int
) -> bytes:
    """Every location's stock of one SKU as the JSON of the `Availability` contract: the asking
    location first, then by distance from it (the online warehouse sorted in by its distance
    like any other location).

    The hot path of the shop floor, so it skips the ORM and pydantic: one statement on a plain
    autocommit connection, the per-location fields and the distance order cached per origin,
    serialised by orjson. Tests validate its output against the `Availability` model."""
    raw = conn.execute(_STOCK_BY_SKU[conn.dialect.name], {"sku": sku}).scalar()
    stock = {loc: (on_hand, reserved) for loc, on_hand, reserved in orjson.loads(raw or "[]")}
    if not stock and conn.execute(_VARIANT_BY_SKU, {"sku": sku}).first() is None:
        raise NotFound("Variant", sku)
    if near not in directory.all(conn):
        raise NotFound("Location", near)
    rows = []
    total = 0
    for static in directory.stock_rows(conn, near):
        on_hand, reserved = stock.get(static["location_id"], (0, 0))
        total += on_hand - reserved
        rows.append(
            {**static, "on_hand": on_hand, "reserved": reserved, "available": on_hand - reserved}
        )
    return orjson.dumps(
        {"sku": sku, "near_location_id": near, "total_available": total, "locations": rows}
    )


def _stock_change(
    session: Session, variant_id: int, location_id: int, on_hand: int, reserved: int
) -> None:
    changelog.record(
        session,
        "stock",
        f"{variant_id}:{location_id}",
        location_id=location_id,
        payload={"variant_id": variant_id, "on_hand": on_hand, "reserved": reserved},
    )


_RESERVE = (
    update(_STOCK)
    .where(
        _STOCK.c.variant_id == bindparam("v"),
        _STOCK.c.location_id == bindparam("loc"),
        _STOCK.c.on_hand - _STOCK.c.reserved >= bindparam("q"),
    )
    .values(reserved=_STOCK.c.reserved + bindparam("q"), updated_at=bindparam("now"))
    .returning(_STOCK.c.on_hand, _STOCK.c.reserved)
)


def try_reserve(session: Session, variant_id: int, location_id: int, quantity: int) -> bool:
    """Reserve `quantity` at one location if that many are available, atomically.

    The condition is evaluated by the database on the row it updates, so two concurrent orders
    can never both take the last unit (PostgreSQL re-checks it after waiting for the row lock;
    SQLite runs one writer at a time)."""
    row = session.execute(
        _RESERVE, {"v": variant_id, "loc": location_id, "q": quantity, "now": utcnow()}
    ).first()
    if row is None:
        return False
    _stock_change(session, variant_id, location_id, row[0], row[1])
    return True


def hold(
    session: Session,
    *,
    variant_id: int,
    location_id: int,
    quantity: int,
    order_id: int,
    order_line_id: int,
    expires_at: datetime | None,
) -> None:
    session.execute(
        insert(core_table(Reservation)).values(
            order_id=order_id,
            order_line_id=order_line_id,
            variant_id=variant_id,
            location_id=location_id,
            quantity=quantity,
            status="held",
            expires_at=expires_at,
            created_at=utcnow(),
        )
    )


def release(session: Session, reservation_id: int, *, to_status: str = "released") -> bool:
    """Give a held reservation's units back. Claiming the reservation row first makes a cancel
    racing an expiry release the units once, not twice."""
    claimed = session.execute(
        update(Reservation)
        .where(col(Reservation.id) == reservation_id, col(Reservation.status) == "held")
        .values(status=to_status, closed_at=utcnow())
        .returning(
            col(Reservation.variant_id), col(Reservation.location_id), col(Reservation.quantity)
        )
    ).first()
    if claimed is None:
        return False
    variant_id, location_id, quantity = claimed
    row = session.execute(
        update(StockLevel)
        .where(col(StockLevel.variant_id) == variant_id, col(StockLevel.location_id) == location_id)
        .values(reserved=col(StockLevel.reserved) - quantity, updated_at=utcnow())
        .returning(col(StockLevel.on_hand), col(StockLevel.reserved))
    ).one()
    _stock_change(session, variant_id, location_id, row[0], row[1])
    return True


def expired_reservation_ids(session: Session, now: datetime, limit: int = 500) -> list[int]:
    return list(
        session.execute(
            select(col(Reservation.id))
            .where(col(Reservation.status) == "held", col(Reservation.expires_at) < now)
            .limit(limit)
        ).scalars()
    )
