"""Orders: placing an endless-aisle order with stock reserved at named locations, reading it,
cancelling it, and letting unclaimed in-store holds expire."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlmodel import Session, col

from app.contracts.orders import (
    OrderCancel,
    OrderCreate,
    OrderOut,
)
from app.domain import money, sourcing
from app.server.catalog.models import Product, Variant
from app.server.catalog.service import LocationDirectory, Place, variants_by_sku
from app.server.customers.access import access_level, accessible_customer
from app.server.customers.models import Customer, CustomerAddress
from app.server.db import core_table, insert_id, utcnow
from app.server.deps import Principal
from app.server.errors import ApiError, not_found
from app.server.inventory import service as inventory
from app.server.inventory.models import Reservation, StockLevel
from app.server.loyalty import service as loyalty
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.promotions import service as promotions
from app.server.promotions.models import Coupon, Redemption
from app.server.sync import changelog

OPEN_STATUSES = ("placed", "paid", "ready")
_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at the till


def _order_number(store_code: str) -> str:
    return f"EA-{store_code}-" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))


def _store(locations: dict[int, Place], location_id: int, what: str) -> Place:
    loc = locations.get(location_id)
    if loc is None or loc.kind != "store":
        raise ApiError(
            422, "not-a-store", f"The {what} must be a store", f"No active store {location_id}."
        )
    return loc


def _ship_to(session: Session, customer: Customer, body: OrderCreate) -> dict[str, Any] | None:
    f = body.fulfilment
    if f.type != "ship_to_home":
        return None
    if f.address is not None:
        return f.address.model_dump()
    address = session.get(CustomerAddress, f.address_id)
    if address is None or address.customer_id != customer.id:
        raise not_found("Address", f.address_id)
    return {
        "recipient": address.recipient,
        "line1": address.line1,
        "district": address.district,
        "city": address.city,
        "postal_code": address.postal_code,
        "phone": address.phone,
    }


def _candidates(
    session: Session,
    variant_id: int,
    quantity: int,
    origin: Place,
    directory: LocationDirectory,
) -> list[sourcing.Candidate]:
    rows = session.execute(
        select(
            col(StockLevel.location_id), col(StockLevel.on_hand) - col(StockLevel.reserved)
        ).where(
            col(StockLevel.variant_id) == variant_id,
            col(StockLevel.on_hand) - col(StockLevel.reserved) >= quantity,
        )
    ).all()
    places = {place.id: (place, km) for place, km in directory.by_distance(session, origin.id)}
    return [
        sourcing.Candidate(
            location_id=loc_id,
            kind=sourcing.LocationKind(places[loc_id][0].kind),
            distance_km=places[loc_id][1],
            available=available,
        )
        for loc_id, available in rows
        if loc_id in places
    ]


def _out_of_stock(
    index: int, sku: str, quantity: int, alternatives: list[dict[str, Any]]
) -> ApiError:
    return ApiError(
        409,
        "out-of-stock",
        "Not enough stock",
        f"Line {index + 1} ({sku}): {quantity} not available at the chosen location.",
        line_index=index,
        sku=sku,
        alternatives=alternatives,
    )


def place_order(
    *,
    db_session: Session,
    principal: Principal,
    body: OrderCreate,
    directory: LocationDirectory,
    key: bytes,
    hold_hours: int,
) -> tuple[int, OrderOut]:
    s = db_session
    customer, _ = accessible_customer(s, body.customer_id, principal)
    locations = directory.all(s)
    selling_store = _store(locations, principal.store_id, "selling location")
    f = body.fulfilment
    target = selling_store
    if f.type != "ship_to_home":
        target = _store(locations, f.location_id or principal.store_id, "pickup store")
    ship_to = _ship_to(s, customer, body)

    found = variants_by_sku(s, [line.sku for line in body.lines])
    for i, line in enumerate(body.lines):
        if line.sku not in found or not found[line.sku][0].active:
            raise ApiError(
                422,
                "unknown-sku",
                "Unknown SKU",
                f"Line {i + 1}: no variant {line.sku}.",
                line_index=i,
                sku=line.sku,
            )
        if line.source_location_id is not None and line.source_location_id not in locations:
            raise ApiError(
                422,
                "unknown-location",
                "Unknown source location",
                f"Line {i + 1}: no location {line.source_location_id}.",
                line_index=i,
            )
    gross = [found[line.sku][0].price_kurus * line.quantity for line in body.lines]
    subtotal = sum(gross)

    now = utcnow()
    order: dict[str, Any] = {
        "number": _order_number(selling_store.code),
        "customer_id": customer.id,
        "channel": "endless_aisle",
        "status": "placed",
        "fulfilment_type": f.type,
        "ship_to": ship_to,
        "pickup_location_id": target.id if f.type != "ship_to_home" else None,
        "store_location_id": selling_store.id,
        "associate_id": principal.associate_id,
        "coupon_id": None,
        "subtotal_kurus": subtotal,
        "discount_kurus": 0,
        "total_kurus": subtotal,
        "kdv_kurus": 0,
        "currency": "TRY",
        "placed_at": now,
        "updated_at": now,
    }
    order["id"] = order_id = insert_id(s, Order, order)

    discount = 0
    coupon: Coupon | None = None
    if body.coupon:
        coupon = promotions.resolve(s, body.coupon, key)
        redemption = promotions.claim(
            s,
            coupon,
            total=subtotal,
            channel="endless_aisle",
            customer_id=customer.id,
            status="reserved",
            principal=principal,
            order_id=order_id,
            location_id=selling_store.id,
        )
        discount = redemption.discount_kurus
    line_discounts = money.allocate(discount, gross)

    expires = now + timedelta(hours=hold_hours) if f.type == "reserve_in_store" else None
    kdv_total = 0
    placed_lines: list[dict[str, Any]] = []
    # Lock stock rows in one global order (by variant) so two orders sharing items cannot
    # deadlock on PostgreSQL, whatever order their lines were typed in.
    for i, line in sorted(enumerate(body.lines), key=lambda il: found[il[1].sku][0].id or 0):
        variant, product = found[line.sku]
        assert variant.id is not None
        if line.source_location_id is not None:
            if f.type == "reserve_in_store" and line.source_location_id != target.id:
                raise ApiError(
                    422,
                    "bad-source",
                    "A reservation is held in the pickup store",
                    f"Line {i + 1}: source must be {target.code}.",
                    line_index=i,
                )
            options = [line.source_location_id]
        else:
            options = sourcing.source_candidates(
                _candidates(s, variant.id, line.quantity, target, directory),
                line.quantity,
                sourcing.FulfilmentType(f.type),
                target.id,
            )
        source = next(
            (loc for loc in options if inventory.try_reserve(s, variant.id, loc, line.quantity)),
            None,
        )
        if source is None:
            alternatives = [
                {
                    "location_id": c.location_id,
                    "code": locations[c.location_id].code,
                    "kind": c.kind.value,
                    "available": c.available,
                    "distance_km": c.distance_km,
                }
                for c in sorted(
                    _candidates(s, variant.id, line.quantity, target, directory),
                    key=lambda c: c.distance_km,
                )[:5]
            ]
            raise _out_of_stock(i, line.sku, line.quantity, alternatives)
        line_total = gross[i] - line_discounts[i]
        kdv_total += money.kdv_included(line_total, product.kdv_rate)
        order_line: dict[str, Any] = {
            "order_id": order_id,
            "variant_id": variant.id,
            "sku": variant.sku,
            "quantity": line.quantity,
            "unit_price_kurus": variant.price_kurus,
            "kdv_rate": product.kdv_rate,
            "discount_kurus": line_discounts[i],
            "line_total_kurus": line_total,
            "source_location_id": source,
        }
        order_line["id"] = insert_id(s, OrderLine, order_line)
        placed_lines.append(order_line)
        inventory.hold(
            s,
            variant_id=variant.id,
            location_id=source,
            quantity=line.quantity,
            order_id=order_id,
            order_line_id=order_line["id"],
            expires_at=expires,
        )

    totals = {
        "discount_kurus": discount,
        "total_kurus": subtotal - discount,
        "kdv_kurus": kdv_total,
        "coupon_id": coupon.id if coupon else None,
    }
    orders = core_table(Order)
    s.execute(update(orders).where(orders.c.id == order_id).values(**totals))
    order.update(totals)
    placed = {"status": "placed", "at": now, "note": ""}
    s.execute(
        insert(core_table(OrderStatusEvent)).values(
            order_id=order_id, associate_id=principal.associate_id, **placed
        )
    )
    loyalty.earn_for_order(
        s,
        customer,
        order_id=order_id,
        number=order["number"],
        channel=order["channel"],
        paid_kurus=order["total_kurus"],
        location_id=selling_store.id,
    )
    changelog.record(
        s,
        "order",
        order_id,
        customer_id=customer.id,
        payload={"status": "placed", "number": order["number"]},
    )
    names: Names = {
        v.id: (p.name_tr, p.name_en, v.size, v.colour) for v, p in found.values() if v.id
    }
    code = coupon.code if coupon else None
    return 201, assemble(order, placed_lines, names, [placed], code, locations)


Names = dict[int, tuple[str, str, str, str]]  # variant id -> (name_tr, name_en, size, colour)


def order_out(session: Session, order: Order, locations: dict[int, Place]) -> OrderOut:
    lines = list(
        session.execute(
            select(OrderLine).where(col(OrderLine.order_id) == order.id).order_by(col(OrderLine.id))
        ).scalars()
    )
    names: Names = {
        v_id: (p.name_tr, p.name_en, v.size, v.colour)
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
    return assemble(
        order.model_dump(),
        [ln.model_dump() for ln in lines],
        names,
        [{"status": e.status, "at": e.at, "note": e.note} for e in history],
        coupon_code,
        locations,
    )


def assemble(
    order: dict[str, Any],
    lines: list[dict[str, Any]],
    names: Names,
    history: list[dict[str, Any]],
    coupon_code: str | None,
    locations: dict[int, Place],
) -> OrderOut:
    """The wire form of an order from its column values (placing an order has them all in
    hand; reading one loads them), validated once."""
    return OrderOut.model_validate(
        {
            **{k: order[k] for k in _ORDER_FIELDS},
            "coupon_code": coupon_code,
            "lines": [
                {
                    **{k: ln[k] for k in _LINE_FIELDS},
                    "name_tr": names[ln["variant_id"]][0],
                    "name_en": names[ln["variant_id"]][1],
                    "size": names[ln["variant_id"]][2],
                    "colour": names[ln["variant_id"]][3],
                    "source_location_code": locations[ln["source_location_id"]].code
                    if ln["source_location_id"] in locations
                    else "",
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
        raise not_found("Order", order_id)
    if order.store_location_id == principal.store_id:
        return order
    customer = session.get(Customer, order.customer_id) if order.customer_id else None
    if customer is None or access_level(session, customer, principal) == "none":
        # Same answer as a missing order: do not reveal which order ids exist elsewhere.
        raise not_found("Order", order_id)
    return order


def get_order(
    *, db_session: Session, principal: Principal, order_id: int, directory: LocationDirectory
) -> OrderOut:
    order = _readable_order(db_session, order_id, principal)
    return order_out(db_session, order, directory.all(db_session))


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
    loyalty.reverse_for_order(session, order)
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
    order = _readable_order(db_session, order_id, principal)
    if not _claim_status(db_session, order_id, "cancelled"):
        raise ApiError(
            409,
            "order-not-cancellable",
            "This order can no longer be cancelled",
            f"It is {order.status}.",
            status_now=order.status,
        )
    db_session.refresh(order)
    _close(
        db_session,
        order,
        status="cancelled",
        note=body.reason,
        by=principal.associate_id,
        reservation_status="released",
    )
    db_session.flush()
    return order_out(db_session, order, directory.all(db_session))


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
        if order_id is None or not _claim_status(session, order_id, "cancelled"):
            continue
        order = session.get(Order, order_id)
        assert order is not None
        session.refresh(order)
        _close(
            session,
            order,
            status="cancelled",
            note="hold expired",
            by=None,
            reservation_status="expired",
        )
        expired += 1
    return expired


def order_summaries(
    session: Session, customer_id: int, codes: dict[int, str]
) -> list[dict[str, Any]]:
    """A customer's orders from every channel, newest first, with item counts (`OrderSummary`
    fields): one grouped query."""
    rows = session.execute(
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
        .where(col(Order.customer_id) == customer_id)
        .group_by(col(Order.id))
        .order_by(col(Order.placed_at).desc(), col(Order.id).desc())
        .limit(500)
    ).all()
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
