"""The parcels a store sends home, as its queue shows them: which paid ship-to-home orders
have lines sourced at the store and are not shipped from it yet, and how far its parcel has
come (packed, shipped with a carrier)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import exists, select
from sqlmodel import Session, col

from app.contracts.fulfilment import ParcelOut
from app.domain.fulfilment import PARCEL_PICKABLE, ShipmentStatus
from app.domain.sourcing import FulfilmentType
from app.server.orders.models import Order, OrderLine, Shipment


def _aware(at: datetime) -> datetime:
    """SQLite hands back the UTC it stored without its zone."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def shipments(
    session: Session, order_ids: Iterable[int | None], location_id: int
) -> dict[int, Shipment]:
    """Order id -> the parcel this store packed for it (fresh: a pack or ship just changed it)."""
    return {
        s.order_id: s
        for s in session.execute(
            select(Shipment)
            .where(
                col(Shipment.order_id).in_([i for i in order_ids if i is not None]),
                col(Shipment.location_id) == location_id,
            )
            .execution_options(populate_existing=True)
        ).scalars()
    }


def parcel_out(shipment: Shipment) -> ParcelOut:
    return ParcelOut(
        status=shipment.status,
        parcels=shipment.parcels,
        weight_grams=shipment.weight_grams,
        packed_at=_aware(shipment.packed_at),
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        label_url=shipment.label_url,
        shipped_at=_aware(shipment.shipped_at) if shipment.shipped_at else None,
    )


def parcels_to_send(session: Session, location_id: int, limit: int) -> list[Order]:
    """Paid orders to ship home with a line sourced at this store that it has not shipped."""
    return list(
        session.execute(
            select(Order)
            .where(
                col(Order.fulfilment_type) == FulfilmentType.SHIP_TO_HOME,
                col(Order.status).in_(PARCEL_PICKABLE),
                exists().where(
                    col(OrderLine.order_id) == col(Order.id),
                    col(OrderLine.source_location_id) == location_id,
                ),
                ~exists().where(
                    col(Shipment.order_id) == col(Order.id),
                    col(Shipment.location_id) == location_id,
                    col(Shipment.status) == ShipmentStatus.SHIPPED,
                ),
            )
            .order_by(col(Order.placed_at), col(Order.id))
            .limit(limit)
        ).scalars()
    )
