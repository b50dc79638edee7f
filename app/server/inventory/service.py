"""Stock: availability across locations, and the atomic reserve / release that orders use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session, col

from app.contracts.inventory import Availability, LocationStock
from app.domain.geo import haversine_km
from app.server.catalog.models import Variant
from app.server.catalog.service import LocationDirectory, Place
from app.server.db import utcnow
from app.server.errors import not_found
from app.server.inventory.models import Reservation, StockLevel
from app.server.sync import changelog


def distances_from(origin: Place | None, locations: dict[int, Place]) -> dict[int, float]:
    if origin is None:
        return {}
    return {
        loc_id: round(
            haversine_km(origin.latitude, origin.longitude, loc.latitude, loc.longitude), 1
        )
        for loc_id, loc in locations.items()
    }


def availability(
    *, db_session: Session, directory: LocationDirectory, sku: str, near: int | None
) -> Availability:
    """Every location's stock of one SKU: the asking location first, then by distance from it
    (the online warehouse sorted in by its distance like any other location)."""
    variant_id = db_session.execute(
        select(col(Variant.id)).where(col(Variant.sku) == sku)
    ).scalar_one_or_none()
    if variant_id is None:
        raise not_found("Variant", sku)
    locations = directory.all(db_session)
    if near is not None and near not in locations:
        raise not_found("Location", near)
    stock = {
        loc_id: (on_hand, reserved)
        for loc_id, on_hand, reserved in db_session.execute(
            select(
                col(StockLevel.location_id), col(StockLevel.on_hand), col(StockLevel.reserved)
            ).where(col(StockLevel.variant_id) == variant_id)
        )
    }
    dist = distances_from(locations.get(near) if near else None, locations)
    rows = []
    for loc_id, loc in locations.items():
        on_hand, reserved = stock.get(loc_id, (0, 0))
        rows.append(
            LocationStock(
                location_id=loc_id,
                code=loc.code,
                name=loc.name,
                kind=loc.kind,
                city=loc.city,
                distance_km=dist.get(loc_id),
                on_hand=on_hand,
                reserved=reserved,
                available=on_hand - reserved,
            )
        )
    rows.sort(key=lambda r: (r.location_id != near, r.distance_km or 0.0, r.code))
    return Availability(
        sku=sku,
        near_location_id=near,
        total_available=sum(r.available for r in rows),
        locations=rows,
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


def try_reserve(session: Session, variant_id: int, location_id: int, quantity: int) -> bool:
    """Reserve `quantity` at one location if that many are available, atomically.

    The condition is evaluated by the database on the row it updates, so two concurrent orders
    can never both take the last unit (PostgreSQL re-checks it after waiting for the row lock;
    SQLite runs one writer at a time)."""
    row = session.execute(
        update(StockLevel)
        .where(
            col(StockLevel.variant_id) == variant_id,
            col(StockLevel.location_id) == location_id,
            col(StockLevel.on_hand) - col(StockLevel.reserved) >= quantity,
        )
        .values(reserved=col(StockLevel.reserved) + quantity, updated_at=utcnow())
        .returning(col(StockLevel.on_hand), col(StockLevel.reserved))
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
) -> Reservation:
    reservation = Reservation(
        order_id=order_id,
        order_line_id=order_line_id,
        variant_id=variant_id,
        location_id=location_id,
        quantity=quantity,
        expires_at=expires_at,
    )
    session.add(reservation)
    return reservation


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
