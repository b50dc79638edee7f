"""Placing an endless-aisle order: each line sourced and its stock reserved at a named location,
the coupon claimed, points earned, all in the caller's one transaction."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import Session, col

from app.contracts.orders import (
    OrderCreate,
    OrderOut,
)
from app.domain import money, sourcing
from app.qr.keys import KeyRing
from app.server.catalog.service import LocationDirectory, Place, variants_by_sku
from app.server.customers.access import accessible_customer
from app.server.customers.models import Customer, CustomerAddress
from app.server.db import core_table, insert_id, utcnow
from app.server.deps import Principal
from app.server.errors import ApiError, not_found
from app.server.inventory import service as inventory
from app.server.inventory.models import StockLevel
from app.server.loyalty import service as loyalty
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.orders.service import Names, assemble
from app.server.promotions import service as promotions
from app.server.promotions.models import Coupon
from app.server.sync import changelog

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
    ring: KeyRing,
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
        coupon = promotions.resolve(s, body.coupon, ring)
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
