"""Orders: reading one, its wire form, cancelling it, letting unclaimed in-store holds expire,
and a customer's orders from every channel. Placing one is in placing.py."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session, col

from app.contracts.orders import (
    OrderCancel,
    OrderOut,
    PayLinkOut,
)
from app.domain import masking, orders
from app.domain.errors import Conflict, Forbidden, NotFound
from app.domain.orders import OPEN_STATUSES, OrderStatus, awaits_payment
from app.qr import paylink
from app.qr.keys import KeyRing
from app.server.catalog.directory import LocationDirectory, Place
from app.server.catalog.models import Product, Variant
from app.server.customers.access import access_level
from app.server.customers.models import Customer
from app.server.db import utcnow
from app.server.deps import Principal
from app.server.inventory import service as inventory
from app.server.inventory.models import Reservation
from app.server.loyalty import service as loyalty
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.promotions import service as promotions
from app.server.promotions.models import Coupon, Redemption
from app.server.sync import changelog


class LineNames(NamedTuple):
    """What a line says of its variant, besides its SKU."""

    product_id: int
    name_tr: str
    name_en: str
    size: str
    colour: str
    colour_en: str

    @classmethod
    def of(cls, variant: Variant, product: Product) -> LineNames:
        assert product.id is not None
        return cls(product.id, product.name_tr, product.name_en, variant.size, variant.colour,
                   variant.colour_en or variant.colour)  # fmt: skip


Names = dict[int, LineNames]  # variant id -> what its lines say of it
# The stores' clock, for the day an order is promised on (ApiSettings.timezone's default).
STORE_ZONE = "Europe/Istanbul"


def order_out(
    session: Session,
    order: Order,
    locations: dict[int, Place],
    *,
    masked: bool = False,
    tz: str = STORE_ZONE,
) -> OrderOut:
    lines = list(
        session.execute(
            select(OrderLine).where(col(OrderLine.order_id) == order.id).order_by(col(OrderLine.id))
        ).scalars()
    )
    names: Names = {
        v_id: LineNames.of(v, p)
        for v_id, v, p in session.execute(
            select(col(Variant.id), Variant, Product)
            .join(Product, col(Product.id) == col(Variant.product_id))
            .where(col(Variant.id).in_([ln.variant_id for ln in lines]))
        ).all()
    }
    history = list(
        session.execute(
            select(OrderStatusEvent)
            .where(col(OrderStatusEvent.order_id) == order.id)
            .order_by(col(OrderStatusEvent.at), col(OrderStatusEvent.id))
        ).scalars()
    )
    coupon_code = (
        session.execute(
            select(col(Coupon.code)).where(col(Coupon.id) == order.coupon_id)
        ).scalar_one()
        if order.coupon_id
        else None
    )
    columns = order.model_dump()
    if masked and columns.get("ship_to"):
        columns["ship_to"] = masking.mask_address(columns["ship_to"])
    return assemble(
        columns,
        [ln.model_dump() for ln in lines],
        names,
        [{"status": e.status, "at": e.at, "note": e.note} for e in history],
        coupon_code,
        locations,
        held=held_until(session, order.id),
        tz=tz,
    )


def held_until(session: Session, order_id: int | None) -> dict[int, datetime]:
    """Order line id -> until when its units are held at the source (holds with an end: a
    reservation in store); a released, collected or expired hold promises nothing."""
    rows = session.execute(
        select(col(Reservation.order_line_id), col(Reservation.expires_at)).where(
            col(Reservation.order_id) == order_id,
            col(Reservation.status) == "held",
            col(Reservation.expires_at).is_not(None),
        )
    ).all()
    return {line_id: _aware(at) for line_id, at in rows if line_id is not None and at is not None}


def _aware(at: datetime) -> datetime:
    """SQLite hands back the UTC it stored without its zone."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def assemble(
    order: dict[str, Any],
    lines: list[dict[str, Any]],
    names: Names,
    history: list[dict[str, Any]],
    coupon_code: str | None,
    locations: dict[int, Place],
    *,
    held: dict[int, datetime] | None = None,
    tz: str = STORE_ZONE,
) -> OrderOut:
    """The wire form of an order from its column values (placing an order has them all in
    hand; reading one loads them), validated once. `held`: line id -> end of its hold."""
    held = held or {}
    pickup = order["pickup_location_id"]

    def place(ln: dict[str, Any]) -> Place | None:
        return locations.get(ln["source_location_id"])

    sources = [
        orders.source_of(p.kind, p.id, pickup) for p in (place(ln) for ln in lines) if p is not None
    ]
    promised = (
        orders.expected_on(
            order["fulfilment_type"],
            sources,
            _aware(order["placed_at"]).astimezone(ZoneInfo(tz)),
            order["status"],
        )
        if len(sources) == len(lines)
        else None  # a line from a location no longer listed: promise nothing rather than guess
    )
    return OrderOut.model_validate(
        {
            **{k: order[k] for k in _ORDER_FIELDS},
            "coupon_code": coupon_code,
            "expected_on": promised,
            "lines": [
                {
                    **{k: ln[k] for k in _LINE_FIELDS},
                    **names[ln["variant_id"]]._asdict(),
                    "source_location_code": p.code if (p := place(ln)) is not None else "",
                    "source_location_name": p.name if p is not None else "",
                    "held_until": held.get(ln["id"]),
                }
                for ln in sorted(lines, key=lambda ln: ln["id"])
            ],
            "history": history,
        }
    )


_ORDER_FIELDS = (
    "id",
    "number",
    "customer_id",
    "channel",
    "status",
    "fulfilment_type",
    "ship_to",
    "pickup_location_id",
    "store_location_id",
    "associate_id",
    "subtotal_kurus",
    "discount_kurus",
    "total_kurus",
    "kdv_kurus",
    "currency",
    "placed_at",
)
_LINE_FIELDS = (
    "id",
    "sku",
    "quantity",
    "unit_price_kurus",
    "kdv_rate",
    "discount_kurus",
    "line_total_kurus",
    "source_location_id",
)


def _readable_order(session: Session, order_id: int, principal: Principal) -> Order:
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound("Order", order_id)
    if order.store_location_id == principal.store_id:
        return order
    customer = session.get(Customer, order.customer_id) if order.customer_id else None
    if customer is None or access_level(session, customer, principal) == "none":
        # Same answer as a missing order: do not reveal which order ids exist elsewhere.
        raise NotFound("Order", order_id)
    return order


def may_see_recipient(session: Session, order: Order, principal: Principal) -> bool:
    """The one rule for an order's personal data (the delivery name, street and phone): shown
    to whoever may see its customer (consent, or their QR visit at this store); an order with
    no customer, only to the store that took it."""
    if order.customer_id is None:
        return order.store_location_id == principal.store_id
    customer = session.get(Customer, order.customer_id)
    return customer is not None and access_level(session, customer, principal) != "none"


def writable_order(session: Session, order_id: int, principal: Principal) -> Order:
    """An order the caller's store may change: one it sold, or one it fulfils (the pickup
    store, or a store a line ships from). Reading it is not enough: a manager elsewhere who
    may see a consenting customer's web order must not cancel it."""
    order = _readable_order(session, order_id, principal)
    if principal.store_id in (order.store_location_id, order.pickup_location_id):
        return order
    ships_from_here = session.execute(
        select(col(OrderLine.id))
        .where(
            col(OrderLine.order_id) == order.id,
            col(OrderLine.source_location_id) == principal.store_id,
        )
        .limit(1)
    ).first()
    if ships_from_here is None:
        raise Forbidden(
            "other-store",
            "Another store's order",
            "Only the store that sold or fulfils this order can change it.",
        )
    return order


def get_order(
    *, db_session: Session, principal: Principal, order_id: int, directory: LocationDirectory
) -> OrderOut:
    order = _readable_order(db_session, order_id, principal)
    masked = not may_see_recipient(db_session, order, principal)
    return order_out(db_session, order, directory.all(db_session), masked=masked)


def _close(
    session: Session,
    order: Order,
    *,
    status: str,
    note: str,
    by: int | None,
    reservation_status: str,
) -> None:
    # Coupon rows before stock rows, the same order place_order takes them in (no deadlock).
    redemptions = session.execute(
        select(col(Redemption.id)).where(
            col(Redemption.order_id) == order.id, col(Redemption.status) != "voided"
        )
    ).scalars()
    for redemption_id in list(redemptions):
        promotions.release_redemption(session, redemption_id, by)
    reservations = session.execute(
        select(col(Reservation.id))
        .where(col(Reservation.order_id) == order.id, col(Reservation.status) == "held")
        .order_by(col(Reservation.variant_id))
    ).scalars()
    for reservation_id in list(reservations):
        inventory.release(session, reservation_id, to_status=reservation_status)
    loyalty.reverse_for_order(
        session,
        order_id=order.id,
        customer_id=order.customer_id,
        number=order.number,
        channel=order.channel,
        location_id=order.store_location_id,
    )
    session.add(OrderStatusEvent(order_id=order.id, status=status, associate_id=by, note=note))  # type: ignore[arg-type]
    changelog.record(
        session,
        "order",
        order.id,
        customer_id=order.customer_id,
        payload={"status": status, "number": order.number},
    )


def _claim_status(session: Session, order_id: int, to_status: str) -> bool:
    """Move an open order to `to_status` exactly once, whoever else tries at the same time."""
    moved = session.execute(
        update(Order)
        .where(col(Order.id) == order_id, col(Order.status).in_(OPEN_STATUSES))
        .values(status=to_status, updated_at=utcnow())
    )
    return moved.rowcount == 1  # type: ignore[attr-defined]


def cancel_order(
    *,
    db_session: Session,
    principal: Principal,
    order_id: int,
    body: OrderCancel,
    directory: LocationDirectory,
) -> OrderOut:
    order = writable_order(db_session, order_id, principal)
    if not _claim_status(db_session, order_id, OrderStatus.CANCELLED):
        raise Conflict(
            "order-not-cancellable",
            "This order can no longer be cancelled",
            f"It is {order.status}.",
            status_now=order.status,
        )
    db_session.refresh(order)
    _close(
        db_session,
        order,
        status=OrderStatus.CANCELLED,
        note=body.reason,
        by=principal.associate_id,
        reservation_status="released",
    )
    db_session.flush()
    masked = not may_see_recipient(db_session, order, principal)
    return order_out(db_session, order, directory.all(db_session), masked=masked)


def pay_link(
    *,
    db_session: Session,
    principal: Principal,
    order_id: int,
    directory: LocationDirectory,
    ring: KeyRing,
    base_url: str,
) -> PayLinkOut:
    """A fresh signed pay link for an order awaiting payment."""
    order = get_order(
        db_session=db_session, principal=principal, order_id=order_id, directory=directory
    )
    if not awaits_payment(order.status):
        raise Conflict(
            "not-payable",
            "Nothing to pay",
            f"The order is {order.status}, not awaiting payment.",
        )
    url, link = paylink.issue_pay_link(ring, base_url, order_id)
    return PayLinkOut(
        order_id=order_id, url=url, expires_at=datetime.fromtimestamp(link.expires_at, UTC)
    )


def expire_holds(session: Session, limit: int = 200) -> int:
    """Release in-store holds nobody came for and cancel their orders. Safe to run in every API
    process at once: each reservation and order is claimed with a conditional update."""
    expired = 0
    now = utcnow()
    order_ids = session.execute(
        select(col(Reservation.order_id))
        .where(col(Reservation.status) == "held", col(Reservation.expires_at) < now)
        .distinct()
        .limit(limit)
    ).scalars()
    for order_id in list(order_ids):
        if order_id is None or not _claim_status(session, order_id, OrderStatus.CANCELLED):
            continue
        order = session.get(Order, order_id)
        assert order is not None
        session.refresh(order)
        _close(
            session,
            order,
            status=OrderStatus.CANCELLED,
            note="hold expired",
            by=None,
            reservation_status="expired",
        )
        expired += 1
    return expired


_SUMMARIES = (
    select(
        col(Order.id),
        col(Order.number),
        col(Order.channel),
        col(Order.status),
        col(Order.fulfilment_type),
        col(Order.store_location_id),
        col(Order.total_kurus),
        col(Order.placed_at),
        func.coalesce(func.sum(OrderLine.quantity), 0),
    )
    .outerjoin(OrderLine, col(OrderLine.order_id) == col(Order.id))
    .where(col(Order.customer_id) == bindparam("customer_id"))
    .group_by(col(Order.id))
    .order_by(col(Order.placed_at).desc(), col(Order.id).desc())
    .limit(500)
)  # built once: it is part of every single customer view


def order_summaries(
    session: Session, customer_id: int, codes: Mapping[int, str]
) -> list[dict[str, Any]]:
    """A customer's orders from every channel, newest first, with item counts (`OrderSummary`
    fields): one grouped query."""
    rows = session.execute(_SUMMARIES, {"customer_id": customer_id}).all()
    return [
        {
            "id": o_id,
            "number": number,
            "channel": channel,
            "status": status,
            "fulfilment_type": fulfilment,
            "store_location_code": codes.get(store_id) if store_id else None,
            "total_kurus": total,
            "item_count": int(items),
            "placed_at": placed_at,
        }
        for o_id, number, channel, status, fulfilment, store_id, total, placed_at, items in rows
    ]
