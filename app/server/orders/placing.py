"""Placing an order, from a store's tablet (endless aisle) or the brand's web shop and app: each
line sourced and its stock reserved at a named location, the coupon claimed, the points promised
(earned later, when the order is paid: loyalty.order_reached), all in the caller's one
transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import Session, col

from app.contracts.orders import OrderCreate, OrderLineIn, OrderOut
from app.domain import money, sourcing
from app.domain.channels import Channel
from app.domain.errors import Invalid, NotFound, OutOfStock
from app.domain.orders import OrderStatus
from app.domain.sourcing import FulfilmentType, LocationKind
from app.qr.keys import KeyRing
from app.server.catalog.service import LocationDirectory, Place
from app.server.customers.access import accessible_customer
from app.server.customers.models import Customer
from app.server.db import core_table, insert_id, utcnow
from app.server.deps import Principal
from app.server.inventory import service as inventory
from app.server.inventory.models import StockLevel
from app.server.loyalty import service as loyalty
from app.server.orders import checking
from app.server.orders.checking import Found
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.orders.service import LineNames, Names, assemble
from app.server.promotions import service as promotions
from app.server.promotions.models import Coupon
from app.server.sync import changelog

_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at the till


@dataclass(frozen=True, slots=True)
class Seller:
    """Who makes the sale, and the store credited with it (commission, the store's figures)."""

    channel: Channel
    store: Place | None  # the associate's store; online, the store of the last shelf scan
    associate_id: int | None = None
    principal: Principal | None = None

    @property
    def number_prefix(self) -> str:
        if self.channel == Channel.ENDLESS_AISLE and self.store is not None:
            return f"EA-{self.store.code}-"
        return {Channel.WEB: "W-", Channel.APP: "A-"}.get(self.channel, "O-")

    @property
    def till_store_id(self) -> int | None:
        """Where a coupon is used: the store's till for a store's sale, none for an online one
        (a store credited with a web order did not take the coupon)."""
        online = self.channel in (Channel.WEB, Channel.APP)
        return None if online or self.store is None else self.store.id


@dataclass(frozen=True, slots=True)
class _Placing:
    """What every step of placing one order reads: who sells it, for whom, where, what."""

    session: Session
    seller: Seller
    body: OrderCreate
    customer: Customer
    directory: LocationDirectory
    locations: dict[int, Place]
    # The pickup store; for shipping the place sourcing measures distances from (the selling
    # store; online, the credited store or else the warehouse).
    target: Place
    found: Found

    @property
    def fulfilment(self) -> FulfilmentType:
        return FulfilmentType(self.body.fulfilment.type)


def place_order(
    *,
    db_session: Session,
    principal: Principal,
    body: OrderCreate,
    directory: LocationDirectory,
    ring: KeyRing,
    hold_hours: int,
) -> OrderOut:
    s = db_session
    customer, _ = accessible_customer(s, body.customer_id, principal)
    locations = directory.all(s)
    selling_store, target = checking.stores(locations, principal, body)
    seller = Seller(Channel.ENDLESS_AISLE, selling_store, principal.associate_id, principal)
    return _place(s, seller, body, customer, directory, locations, target, ring, hold_hours)


def place_online_order(
    *,
    db_session: Session,
    body: OrderCreate,
    channel: Channel,
    credited_store_id: int | None,
    directory: LocationDirectory,
    ring: KeyRing,
    hold_hours: int,
    credited_associate_id: int | None = None,
) -> OrderOut:
    """An order from the brand's web shop or app, for the customer signed in there (no consent
    to check: it is their own order). `credited_store_id`: the store to credit (the phone's
    last shelf scan), if any and still an active store; `credited_associate_id`: the associate
    whose look the customer ordered from (their commission), credited only with their store."""
    s = db_session
    customer = s.get(Customer, body.customer_id)
    if customer is None:
        raise NotFound("Customer", body.customer_id)
    locations = directory.all(s)
    credited = locations.get(credited_store_id) if credited_store_id is not None else None
    if credited is not None and credited.kind != LocationKind.STORE:
        credited = None
    associate_id = credited_associate_id if credited is not None else None
    seller = Seller(channel, credited, associate_id)
    target = checking.online_target(locations, body, credited)
    return _place(s, seller, body, customer, directory, locations, target, ring, hold_hours)


def _place(
    s: Session,
    seller: Seller,
    body: OrderCreate,
    customer: Customer,
    directory: LocationDirectory,
    locations: dict[int, Place],
    target: Place,
    ring: KeyRing,
    hold_hours: int,
) -> OrderOut:
    ship_to = checking.ship_to(s, customer, body)
    found = checking.known_lines(s, body, locations)
    it = _Placing(s, seller, body, customer, directory, locations, target, found)
    gross = [found[line.sku][0].price_kurus * line.quantity for line in body.lines]

    now = utcnow()
    # The order row first: the coupon's redemption and every hold refer to its id. Then the
    # locks, in the order every writer takes them (see service._close): the coupon row, then
    # stock rows by variant.
    order = _write_order(it, ship_to, subtotal=sum(gross), now=now)
    coupon, discount = _claim_coupon(it, order, ring)
    expires = None
    if it.fulfilment == FulfilmentType.RESERVE_IN_STORE:
        expires = now + timedelta(hours=hold_hours)
    lines = _reserve_lines(it, order["id"], gross, money.allocate(discount, gross), expires)
    _complete(s, order, lines, coupon, discount)
    history = [_placed_event(it, order["id"], now)]
    _record(it, order)
    code = coupon.code if coupon else None
    held = {ln["id"]: expires for ln in lines} if expires is not None else {}
    return assemble(order, lines, _names(found), history, code, locations, held=held)


# --- writing the order ----------------------------------------------------------------------


def _order_number(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))


def _write_order(
    it: _Placing, ship_to: dict[str, Any] | None, *, subtotal: int, now: datetime
) -> dict[str, Any]:
    """The order row as placed, before its discount and KDV are known (`_complete`)."""
    shipped = it.fulfilment == FulfilmentType.SHIP_TO_HOME
    store = it.seller.store
    order: dict[str, Any] = {
        "number": _order_number(it.seller.number_prefix),
        "customer_id": it.customer.id,
        "channel": it.seller.channel,
        "status": OrderStatus.PLACED,
        "fulfilment_type": it.fulfilment,
        "ship_to": ship_to,
        "pickup_location_id": None if shipped else it.target.id,
        "store_location_id": store.id if store is not None else None,
        "associate_id": it.seller.associate_id,
        "coupon_id": None,
        "subtotal_kurus": subtotal,
        "discount_kurus": 0,
        "total_kurus": subtotal,
        "kdv_kurus": 0,
        "currency": "TRY",
        "placed_at": now,
        "updated_at": now,
    }
    order["id"] = insert_id(it.session, Order, order)
    return order


def _claim_coupon(it: _Placing, order: dict[str, Any], ring: KeyRing) -> tuple[Coupon | None, int]:
    """The coupon given, if any, and its discount: one use of it claimed for this order."""
    if not it.body.coupon:
        return None, 0
    coupon = promotions.resolve(it.session, it.body.coupon, ring)
    redemption = promotions.claim(
        it.session,
        coupon,
        total=order["subtotal_kurus"],
        channel=it.seller.channel,
        customer_id=it.customer.id,
        status="reserved",
        principal=it.seller.principal,
        order_id=order["id"],
        location_id=it.seller.till_store_id,
    )
    return coupon, redemption.discount_kurus


def _reserve_lines(
    it: _Placing,
    order_id: int,
    gross: list[int],
    discounts: list[int],
    expires: datetime | None,
) -> list[dict[str, Any]]:
    """Each line's stock reserved at one location, the line written, the stock held for it."""
    lines: list[dict[str, Any]] = []
    # Lock stock rows in one global order (by variant) so two orders sharing items cannot
    # deadlock on PostgreSQL, whatever order their lines were typed in.
    for i, line in sorted(enumerate(it.body.lines), key=lambda il: it.found[il[1].sku][0].id or 0):
        variant, product = it.found[line.sku]
        assert variant.id is not None
        source = _reserve(it, i, line, variant.id)
        order_line: dict[str, Any] = {
            "order_id": order_id,
            "variant_id": variant.id,
            "sku": variant.sku,
            "quantity": line.quantity,
            "unit_price_kurus": variant.price_kurus,
            "kdv_rate": product.kdv_rate,
            "discount_kurus": discounts[i],
            "line_total_kurus": gross[i] - discounts[i],
            "source_location_id": source,
        }
        order_line["id"] = insert_id(it.session, OrderLine, order_line)
        lines.append(order_line)
        inventory.hold(
            it.session,
            variant_id=variant.id,
            location_id=source,
            quantity=line.quantity,
            order_id=order_id,
            order_line_id=order_line["id"],
            expires_at=expires,
        )
    return lines


def _reserve(it: _Placing, index: int, line: OrderLineIn, variant_id: int) -> int:
    """The location that took the line's reservation: the first that still had the quantity
    of those the line may come from, best first."""
    for location_id in _source_options(it, index, line, variant_id):
        if inventory.try_reserve(it.session, variant_id, location_id, line.quantity):
            return location_id
    raise OutOfStock(
        line_index=index,
        sku=line.sku,
        quantity=line.quantity,
        alternatives=_alternatives(it, variant_id, line.quantity),
    )


def _source_options(it: _Placing, index: int, line: OrderLineIn, variant_id: int) -> list[int]:
    """The location the associate named, or the sourcing rule's choice among those that hold
    the whole quantity now."""
    if line.source_location_id is None:
        return sourcing.source_candidates(
            _candidates(it, variant_id, line.quantity),
            line.quantity,
            it.fulfilment,
            it.target.id,
        )
    if it.fulfilment == FulfilmentType.RESERVE_IN_STORE and line.source_location_id != it.target.id:
        raise Invalid(
            "bad-source",
            "A reservation is held in the pickup store",
            f"Line {index + 1}: source must be {it.target.code}.",
            line_index=index,
        )
    return [line.source_location_id]


def _candidates(it: _Placing, variant_id: int, quantity: int) -> list[sourcing.Candidate]:
    rows = it.session.execute(
        select(
            col(StockLevel.location_id), col(StockLevel.on_hand) - col(StockLevel.reserved)
        ).where(
            col(StockLevel.variant_id) == variant_id,
            col(StockLevel.on_hand) - col(StockLevel.reserved) >= quantity,
        )
    ).all()
    places = {
        place.id: (place, km) for place, km in it.directory.by_distance(it.session, it.target.id)
    }
    return [
        sourcing.Candidate(
            location_id=loc_id,
            kind=LocationKind(places[loc_id][0].kind),
            distance_km=places[loc_id][1],
            available=available,
        )
        for loc_id, available in rows
        if loc_id in places
    ]


def _alternatives(it: _Placing, variant_id: int, quantity: int) -> list[dict[str, Any]]:
    """The five nearest locations that hold the quantity now, for the out-of-stock answer."""
    nearest = sorted(_candidates(it, variant_id, quantity), key=lambda c: c.distance_km)[:5]
    return [
        {
            "location_id": c.location_id,
            "code": it.locations[c.location_id].code,
            "kind": c.kind.value,
            "available": c.available,
            "distance_km": c.distance_km,
        }
        for c in nearest
    ]


def _complete(
    session: Session,
    order: dict[str, Any],
    lines: list[dict[str, Any]],
    coupon: Coupon | None,
    discount: int,
) -> None:
    """The order's totals, now that its discount and every line are known."""
    totals = {
        "discount_kurus": discount,
        "total_kurus": order["subtotal_kurus"] - discount,
        "kdv_kurus": sum(
            money.kdv_included(ln["line_total_kurus"], ln["kdv_rate"]) for ln in lines
        ),
        "coupon_id": coupon.id if coupon else None,
    }
    orders = core_table(Order)
    session.execute(update(orders).where(orders.c.id == order["id"]).values(**totals))
    order.update(totals)


def _placed_event(it: _Placing, order_id: int, now: datetime) -> dict[str, Any]:
    placed = {"status": OrderStatus.PLACED, "at": now, "note": ""}
    # Who placed it: the associate at the tablet; not one merely credited with a web order.
    principal = it.seller.principal
    it.session.execute(
        insert(core_table(OrderStatusEvent)).values(
            order_id=order_id, associate_id=principal.associate_id if principal else None, **placed
        )
    )
    return placed


def _record(it: _Placing, order: dict[str, Any]) -> None:
    """What follows from a placed order: the customer's points, promised but pending until the
    order is paid (points follow money, not intentions), and the tablets' change feed."""
    loyalty.promise_for_order(
        it.session,
        it.customer,
        order_id=order["id"],
        number=order["number"],
        channel=order["channel"],
        paid_kurus=order["total_kurus"],
        location_id=order["store_location_id"],
    )
    changelog.record(
        it.session,
        "order",
        order["id"],
        customer_id=it.customer.id,
        payload={"status": OrderStatus.PLACED, "number": order["number"]},
    )


def _names(found: Found) -> Names:
    return {v.id: LineNames.of(v, p) for v, p in found.values() if v.id}
