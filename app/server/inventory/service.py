"""Stock: availability across locations, and the atomic reserve / release that orders use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlmodel import Session, col

from app.contracts.inventory import Availability
from app.server.catalog.models import Variant
from app.server.catalog.service import LocationDirectory
from app.server.db import core_table, utcnow
from app.server.errors import not_found
from app.server.inventory.models import Reservation, StockLevel
from app.server.sync import changelog

# Built once: the statement is the same on every call, only the SKU changes.
_STOCK_BY_SKU = (
    select(col(StockLevel.location_id), col(StockLevel.on_hand), col(StockLevel.reserved))
    .join(Variant, col(Variant.id) == col(StockLevel.variant_id))
    .where(col(Variant.sku) == bindparam("sku"))
)
_VARIANT_BY_SKU = select(col(Variant.id)).where(col(Variant.sku) == bindparam("sku"))


def availability(
    *, conn: Connection, directory: LocationDirectory, sku: str, near: int
) -> Availability:
    """Every location's stock of one SKU: the asking location first, then by distance from it
    (the online warehouse sorted in by its distance like any other location).

    The hot path of the shop floor: a plain connection (no ORM session), one prepared
    statement, the per-location fields and the distance order cached per origin, and one
    validation pass over the result in pydantic-core."""
    stock = {row[0]: (row[1], row[2]) for row in conn.execute(_STOCK_BY_SKU, {"sku": sku}).all()}
    if not stock and conn.execute(_VARIANT_BY_SKU, {"sku": sku}).first() is None:
        raise not_found("Variant", sku)
    if near not in directory.all(conn):
        raise not_found("Location", near)
    rows = []
    total = 0
    for static in directory.stock_rows(conn, near):
        on_hand, reserved = stock.get(static["location_id"], (0, 0))
        total += on_hand - reserved
        rows.append(
            {**static, "on_hand": on_hand, "reserved": reserved, "available": on_hand - reserved}
        )
    return Availability.model_validate(
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


_STOCK = core_table(StockLevel)
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
