"""Placing an order, from a store's tablet (endless aisle) or the brand's web shop and app: each
line sourced and its stock reserved at a named location, the coupon claimed, the points promised
(earned later, when the order is paid: loyalty.order_reached), all in the caller's one
transaction."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session, col

from app.contracts.orders import OrderCreate, OrderLineIn, OrderOut
from app.domain import money
from app.domain.channels import Channel
from app.domain.errors import Invalid, OutOfStock
from app.domain.orders import OrderStatus
from app.domain.sourcing import FulfilmentType, LocationKind
from app.qr.keys import KeyRing
from app.server.catalog.directory import LocationDirectory, Place
from app.server.customers.access import Buyer, accessible_buyer, buyer
from app.server.db import core_table, execute, insert_id, utcnow
from app.server.deps import Principal
from app.server.inventory import service as inventory
from app.server.inventory.models import StockLevel
from app.server.loyalty import service as loyalty
from app.server.orders import checking
from app.server.orders.checking import Found
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.orders.service import Names, assemble
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
    """What was read and checked before anything is written, and what every step of writing one
    order reads: who sells it, for whom, where, what, and where each line may come from."""

    seller: Seller
    body: OrderCreate
    customer: Buyer
    directory: LocationDirectory
    locations: dict[int, Place]
    # The pickup store; for shipping the place sourcing measures distances from (the selling
    # store; online, the credited store or else the warehouse).
    target: Place
    found: Found
    ship_to: dict[str, Any] | None
    # Per line, the locations to try, best first, as stock stood when checked: each is tried
    # with a conditional reservation, so one emptied since is skipped, never oversold.
    sources: tuple[tuple[int, ...], ...]

    @property
    def fulfilment(self) -> FulfilmentType:
        return FulfilmentType(self.body.fulfilment.type)


Write = Callable[[Session], OrderOut]


def place_order(
    *,
    db_session: Session,
    principal: Principal,
    body: OrderCreate,
    directory: LocationDirectory,
    ring: KeyRing,
    hold_hours: int,
) -> OrderOut:
    """Check and place in one session (the caller's transaction)."""
    write = check_order(
        db_session, principal=principal, body=body, directory=directory, ring=ring,
        hold_hours=hold_hours,
    )  # fmt: skip
    return write(db_session)


def check_order(
    session: Session,
    *,
    principal: Principal,
    body: OrderCreate,
    directory: LocationDirectory,
    ring: KeyRing,
    hold_hours: int,
) -> Write:
    """An endless-aisle order read and checked (the customer's consent, the stores, the address,
    the SKUs, where each line may come from); returns its writing, for the caller's write
    transaction. Reads only: it may run outside that transaction."""
    customer = accessible_buyer(session, body.customer_id, principal)
    locations = directory.all(session)
    selling_store, target = checking.stores(locations, principal, body)
    seller = Seller(Channel.ENDLESS_AISLE, selling_store, principal.associate_id, principal)
    it = _check(session, seller, body, customer, directory, locations, target)
    return lambda s: _write(s, it, ring, hold_hours)


def check_online_order(
    s: Session,
    *,
    body: OrderCreate,
    channel: Channel,
    credited_store_id: int | None,
    directory: LocationDirectory,
    ring: KeyRing,
    hold_hours: int,
    credited_associate_id: int | None = None,
) -> Write:
    """An order from the brand's web shop or app, for the customer signed in there (no consent
    to check: it is their own order), read and checked; returns its writing, as
    `check_order` does. `credited_store_id`: the store to credit (the phone's last shelf scan), if
    any and still an active store; `credited_associate_id`: the associate whose look the
    customer ordered from (their commission), credited only with their store."""
    customer = buyer(s, body.customer_id)
    locations = directory.all(s)
    credited = locations.get(credited_store_id) if credited_store_id is not None else None
    if credited is not None and credited.kind != LocationKind.STORE:
        credited = None
    associate_id = credited_associate_id if credited is not None else None
    seller = Seller(channel, credited, associate_id)
    target = checking.online_target(locations, body, credited)
    it = _check(s, seller, body, customer, directory, locations, target)
    return lambda w: _write(w, it, ring, hold_hours)


def _place(
    s: Session,
    seller: Seller,
    body: OrderCreate,
    customer: Buyer,
    directory: LocationDirectory,
    locations: dict[int, Place],
    target: Place,
    ring: KeyRing,
    hold_hours: int,
) -> OrderOut:
    it = _check(s, seller, body, customer, directory, locations, target)
    return _write(s, it, ring, hold_hours)


def _check(
    s: Session,
    seller: Seller,
    body: OrderCreate,
    customer: Buyer,
    directory: LocationDirectory,
    locations: dict[int, Place],
    target: Place,
) -> _Placing:
    ship_to = checking.ship_to(s, customer, body)
    found = checking.known_lines(s, body, locations)
    fulfilment = FulfilmentType(body.fulfilment.type)
    sources = tuple(
        _source_options(s, directory, fulfilment, target, i, line, found[line.sku].variant_id)
        for i, line in enumerate(body.lines)
    )
    return _Placing(
        seller, body, customer, directory, locations, target, found, ship_to, sources
    )  # fmt: skip


def _write(s: Session, it: _Placing, ring: KeyRing, hold_hours: int) -> OrderOut:
    gross = [it.found[line.sku].price_kurus * line.quantity for line in it.body.lines]
    now = utcnow()
    # The order row first: the coupon's redemption and every hold refer to its id. Then the
    # locks, in the order every writer takes them (see service._close): the coupon row, then
    # stock rows by variant.
    order = _write_order(s, it, gross, now=now)
    coupon, discount = _claim_coupon(s, it, order, ring)
    expires = None
    if it.fulfilment == FulfilmentType.RESERVE_IN_STORE:
        expires = now + timedelta(hours=hold_hours)
    lines = _reserve_lines(s, it, order["id"], gross, money.allocate(discount, gross), expires)
    if coupon is not None:
        _complete(s, order, lines, coupon, discount)
    history = [_placed_event(s, it, order["id"], now)]
    _record(s, it, order)
    code = coupon.code if coupon else None
    held = {ln["id"]: expires for ln in lines} if expires is not None else {}
    return assemble(order, lines, _names(it.found), history, code, it.locations, held=held)


# --- writing the order ----------------------------------------------------------------------


def _order_number(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))


def _write_order(s: Session, it: _Placing, gross: list[int], *, now: datetime) -> dict[str, Any]:
    """The order row as placed; with a coupon, its discount and KDV follow (`_complete`)."""
    shipped = it.fulfilment == FulfilmentType.SHIP_TO_HOME
    store = it.seller.store
    subtotal = sum(gross)
    rates = [it.found[line.sku].kdv_rate for line in it.body.lines]
    order: dict[str, Any] = {
        "number": _order_number(it.seller.number_prefix),
        "customer_id": it.customer.id,
        "channel": it.seller.channel,
        "status": OrderStatus.PLACED,
        "fulfilment_type": it.fulfilment,
        "ship_to": it.ship_to,
        "pickup_location_id": None if shipped else it.target.id,
        "store_location_id": store.id if store is not None else None,
        "associate_id": it.seller.associate_id,
        "coupon_id": None,
        "subtotal_kurus": subtotal,
        "discount_kurus": 0,
        "total_kurus": subtotal,
        "kdv_kurus": sum(money.kdv_included(g, r) for g, r in zip(gross, rates, strict=True)),
        "currency": "TRY",
        "placed_at": now,
        "updated_at": now,
    }
    order["id"] = insert_id(s, Order, order)
    return order


def _claim_coupon(
    s: Session, it: _Placing, order: dict[str, Any], ring: KeyRing
) -> tuple[Coupon | None, int]:
    """The coupon given, if any, and its discount: one use of it claimed for this order."""
    if not it.body.coupon:
        return None, 0
    coupon = promotions.resolve(s, it.body.coupon, ring)
    redemption = promotions.claim(
        s,
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
    s: Session,
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
    for i, line in sorted(enumerate(it.body.lines), key=lambda il: it.found[il[1].sku].variant_id):
        item = it.found[line.sku]
        source = _reserve(s, it, i, line, item.variant_id)
        order_line: dict[str, Any] = {
            "order_id": order_id,
            "variant_id": item.variant_id,
            "sku": item.sku,
            "quantity": line.quantity,
            "unit_price_kurus": item.price_kurus,
            "kdv_rate": item.kdv_rate,
            "discount_kurus": discounts[i],
            "line_total_kurus": gross[i] - discounts[i],
            "source_location_id": source,
        }
        order_line["id"] = insert_id(s, OrderLine, order_line)
        lines.append(order_line)
        inventory.hold(
            s,
            variant_id=item.variant_id,
            location_id=source,
            quantity=line.quantity,
            order_id=order_id,
            order_line_id=order_line["id"],
            expires_at=expires,
        )
    return lines


def _reserve(s: Session, it: _Placing, index: int, line: OrderLineIn, variant_id: int) -> int:
    """The location that took the line's reservation: the first that still had the quantity
    of those the line may come from, best first."""
    for location_id in it.sources[index]:
        if inventory.try_reserve(s, variant_id, location_id, line.quantity):
            return location_id
    raise OutOfStock(
        line_index=index,
        sku=line.sku,
        quantity=line.quantity,
        alternatives=_alternatives(s, it, variant_id, line.quantity),
    )


def _source_options(
    s: Session,
    directory: LocationDirectory,
    fulfilment: FulfilmentType,
    target: Place,
    index: int,
    line: OrderLineIn,
    variant_id: int,
) -> tuple[int, ...]:
    """The location the associate named, or the sourcing rule's order of those that hold the
    whole quantity now."""
    if line.source_location_id is None:
        preference = directory.preference(s, target.id, fulfilment)
        holding = set(execute(s, _HOLDING, {"v": variant_id, "q": line.quantity}).scalars())
        return tuple(loc for loc in preference.order if loc in holding)
    if fulfilment == FulfilmentType.RESERVE_IN_STORE and line.source_location_id != target.id:
        raise Invalid(
            "bad-source",
            "A reservation is held in the pickup store",
            f"Line {index + 1}: source must be {target.code}.",
            line_index=index,
        )
    return (line.source_location_id,)


# Where a variant has at least the quantity ("q") available now, and how many (first column:
# the location, what `.scalars()` reads).
_HOLDING = select(
    col(StockLevel.location_id), col(StockLevel.on_hand) - col(StockLevel.reserved)
).where(
    col(StockLevel.variant_id) == bindparam("v"),
    col(StockLevel.on_hand) - col(StockLevel.reserved) >= bindparam("q"),
)


def _alternatives(s: Session, it: _Placing, variant_id: int, quantity: int) -> list[dict[str, Any]]:
    """The five nearest locations that hold the quantity now, for the out-of-stock answer."""
    km = it.directory.preference(s, it.target.id, it.fulfilment).distance_km
    nearest = sorted(
        (
            (loc, available)
            for loc, available in execute(s, _HOLDING, {"v": variant_id, "q": quantity})
            if loc in km and loc in it.locations
        ),
        key=lambda la: (km[la[0]], la[0]),
    )[:5]
    return [
        {
            "location_id": loc,
            "code": it.locations[loc].code,
            "kind": LocationKind(it.locations[loc].kind).value,
            "available": available,
            "distance_km": km[loc],
        }
        for loc, available in nearest
    ]


def _complete(
    session: Session,
    order: dict[str, Any],
    lines: list[dict[str, Any]],
    coupon: Coupon,
    discount: int,
) -> None:
    """The order's totals, now that its coupon's discount is shared over its lines."""
    totals = {
        "discount_kurus": discount,
        "total_kurus": order["subtotal_kurus"] - discount,
        "kdv_kurus": sum(
            money.kdv_included(ln["line_total_kurus"], ln["kdv_rate"]) for ln in lines
        ),
        "coupon_id": coupon.id,
    }
    orders = core_table(Order)
    execute(session, update(orders).where(orders.c.id == order["id"]).values(**totals))
    order.update(totals)


_PLACED_EVENT = insert(core_table(OrderStatusEvent))


def _placed_event(s: Session, it: _Placing, order_id: int, now: datetime) -> dict[str, Any]:
    placed = {"status": OrderStatus.PLACED, "at": now, "note": ""}
    # Who placed it: the associate at the tablet; not one merely credited with a web order.
    principal = it.seller.principal
    associate_id = principal.associate_id if principal else None
    execute(s, _PLACED_EVENT, {"order_id": order_id, "associate_id": associate_id, **placed})
    return placed


def _record(s: Session, it: _Placing, order: dict[str, Any]) -> None:
    """What follows from a placed order: the customer's points, promised but pending until the
    order is paid (points follow money, not intentions), and the tablets' change feed."""
    loyalty.promise_for_order(
        s,
        customer_id=it.customer.id,
        tier=it.customer.tier,
        order_id=order["id"],
        number=order["number"],
        channel=order["channel"],
        paid_kurus=order["total_kurus"],
        location_id=order["store_location_id"],
    )
    changelog.record(
        s,
        "order",
        order["id"],
        customer_id=it.customer.id,
        payload={"status": OrderStatus.PLACED, "number": order["number"]},
    )


def _names(found: Found) -> Names:
    return {item.variant_id: item.names for item in found.values()}
