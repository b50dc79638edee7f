"""Checking what an order asks for, before anything is written: the stores it names (the selling
store, the pickup store, the place shipping is sourced from), the delivery address, the SKUs."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import bindparam, select
from sqlmodel import Session, col

from app.contracts.orders import OrderCreate
from app.domain.errors import Invalid, NotFound
from app.domain.sourcing import FulfilmentType, LocationKind
from app.server.catalog.directory import Place
from app.server.catalog.models import Product, Variant
from app.server.customers.access import Buyer
from app.server.customers.models import CustomerAddress
from app.server.db import execute
from app.server.deps import Principal
from app.server.orders.service import LineNames


class Item(NamedTuple):
    """A line's variant as an order checks, prices and names it: plain columns, not a Variant
    and a Product loaded as ORM objects (every order reads these; the ORM load took about twice
    the Python time of the query)."""

    variant_id: int
    sku: str
    active: bool
    price_kurus: int
    kdv_rate: int
    names: LineNames


Found = dict[str, Item]  # SKU -> its variant, priced and named


def store(locations: dict[int, Place], location_id: int, what: str) -> Place:
    loc = locations.get(location_id)
    if loc is None or loc.kind != LocationKind.STORE:
        raise Invalid(
            "not-a-store", f"The {what} must be a store", f"No active store {location_id}."
        )
    return loc


def stores(
    locations: dict[int, Place], principal: Principal, body: OrderCreate
) -> tuple[Place, Place]:
    """The selling store, and the store the order is fulfilled for (see placing._Placing.target)."""
    f = body.fulfilment
    selling_store = store(locations, principal.store_id, "selling location")
    if f.type == FulfilmentType.SHIP_TO_HOME:
        return selling_store, selling_store
    return selling_store, store(locations, f.location_id or principal.store_id, "pickup store")


def online_target(locations: dict[int, Place], body: OrderCreate, credited: Place | None) -> Place:
    """The pickup store the customer named; for shipping, the place sourcing measures from."""
    f = body.fulfilment
    if f.type != FulfilmentType.SHIP_TO_HOME:
        if f.location_id is None:  # no associate's store to default to, as on a tablet
            raise Invalid(
                "not-a-store",
                "The pickup store must be a store",
                f"A {f.type} order from the web or the app names its store (location_id).",
            )
        return store(locations, f.location_id, "pickup store")
    if credited is not None:
        return credited
    # No store sold it: distances from the warehouse (it ships first anyway), or any place.
    places = sorted(locations.values(), key=lambda p: (p.kind != LocationKind.WAREHOUSE, p.id))
    if not places:
        raise Invalid(
            "unknown-location", "Unknown source location", "No active location ships orders."
        )
    return places[0]


def ship_to(session: Session, customer: Buyer, body: OrderCreate) -> dict[str, Any] | None:
    f = body.fulfilment
    if f.type != FulfilmentType.SHIP_TO_HOME:
        return None
    if f.address is not None:
        return f.address.model_dump()
    address = session.get(CustomerAddress, f.address_id)
    if address is None or address.customer_id != customer.id:
        raise NotFound("Address", f.address_id)
    return {
        "recipient": address.recipient,
        "line1": address.line1,
        "district": address.district,
        "city": address.city,
        "postal_code": address.postal_code,
        "phone": address.phone,
    }


def known_lines(session: Session, body: OrderCreate, locations: dict[int, Place]) -> Found:
    """Every line's variant, active, and the source location it names, if any."""
    found = items_by_sku(session, [line.sku for line in body.lines])
    for i, line in enumerate(body.lines):
        if line.sku not in found or not found[line.sku].active:
            raise Invalid(
                "unknown-sku",
                "Unknown SKU",
                f"Line {i + 1}: no variant {line.sku}.",
                line_index=i,
                sku=line.sku,
            )
        if line.source_location_id is not None and line.source_location_id not in locations:
            raise Invalid(
                "unknown-location",
                "Unknown source location",
                f"Line {i + 1}: no location {line.source_location_id}.",
                line_index=i,
            )
    return found


_ITEMS = (
    select(
        col(Variant.id), col(Variant.sku), col(Variant.active), col(Variant.price_kurus),
        col(Product.kdv_rate), col(Product.id), col(Product.name_tr), col(Product.name_en),
        col(Variant.size), col(Variant.colour), col(Variant.colour_en),
    )
    .join(Product, col(Product.id) == col(Variant.product_id))
    .where(col(Variant.sku).in_(bindparam("skus", expanding=True)))
)  # fmt: skip


def items_by_sku(session: Session, skus: list[str]) -> Found:
    """The variants of `skus` with their products' rate and names; unknown SKUs are absent."""
    if not skus:
        return {}
    found: Found = {}
    for row in execute(session, _ITEMS, {"skus": skus}):
        v_id, sku, active, price, kdv, p_id, name_tr, name_en, size, colour, colour_en = row
        names = LineNames(p_id, name_tr, name_en, size, colour, colour_en or colour)
        found[sku] = Item(v_id, sku, active, price, kdv, names)
    return found
