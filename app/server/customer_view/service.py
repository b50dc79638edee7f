"""The single customer view: one person across web, app and every store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVarTuple

from sqlalchemy import BindParameter, Select, bindparam, select
from sqlmodel import Session, col

from app.contracts.customers import (
    AddressOut,
    CustomerProfile,
    CustomerView,
)
from app.server.catalog.directory import LocationDirectory
from app.server.catalog.models import Product, Variant
from app.server.catalog.service import ITEM_COLUMNS, item_ref
from app.server.customer_view import store_side
from app.server.customers.access import accessible_customer
from app.server.customers.models import (
    Cart,
    CartLine,
    Customer,
    CustomerAddress,
    CustomerNote,
    DeviceKey,
    TryOn,
    WishlistEntry,
)
from app.server.customers.service import associate_names, consents_out
from app.server.deps import Principal
from app.server.loyalty import service as loyalty
from app.server.orders.service import STORE_ZONE, order_summaries
from app.server.promotions.service import coupons_held

# Every statement of the view is built once, here: building a SELECT and its cache key on
# every request was about a sixth of the view's time under the profiler. Saved items, try-ons and the cart carry
# their variant's `ItemRef` columns (ITEM_COLUMNS, last in each row) from one join, not from a
# second query with a list of every variant id.
CUSTOMER: BindParameter[int] = bindparam("customer_id")
_Ts = TypeVarTuple("_Ts")
TRY_ONS_SHOWN = 100
NOTES_SHOWN = 50


def _with_items(stmt: Select[*_Ts], variant_id: Any) -> Select[*_Ts]:
    return stmt.join(Variant, col(Variant.id) == variant_id).join(
        Product, col(Product.id) == col(Variant.product_id)
    )


_ADDRESSES = (
    select(CustomerAddress)
    .where(col(CustomerAddress.customer_id) == CUSTOMER)
    .order_by(col(CustomerAddress.is_default).desc(), col(CustomerAddress.id))
)
_WISHLIST = (
    _with_items(
        select(
            col(WishlistEntry.id),
            col(WishlistEntry.channel),
            col(WishlistEntry.location_id),
            col(WishlistEntry.created_at),
            *ITEM_COLUMNS,
        ),
        col(WishlistEntry.variant_id),
    )
    .where(col(WishlistEntry.customer_id) == CUSTOMER)
    .order_by(col(WishlistEntry.created_at).desc())
)
_TRY_ONS = (
    _with_items(
        select(
            col(TryOn.id),
            col(TryOn.outcome),
            col(TryOn.note),
            col(TryOn.location_id),
            col(TryOn.associate_id),
            col(TryOn.tried_at),
            *ITEM_COLUMNS,
        ),
        col(TryOn.variant_id),
    )
    .where(col(TryOn.customer_id) == CUSTOMER)
    .order_by(col(TryOn.tried_at).desc())
    .limit(TRY_ONS_SHOWN)
)
# The open cart with its lines: a row per line (one row, with no line, for an empty cart).
_LATEST_CART = (
    select(col(Cart.id))
    .where(col(Cart.customer_id) == CUSTOMER, col(Cart.status) == "open")
    .order_by(col(Cart.updated_at).desc())
    .limit(1)
    .scalar_subquery()
)
_CART = (
    select(
        col(Cart.id),
        col(Cart.channel),
        col(Cart.updated_at),
        col(CartLine.quantity),
        *ITEM_COLUMNS,
    )
    .outerjoin(CartLine, col(CartLine.cart_id) == col(Cart.id))
    .outerjoin(Variant, col(Variant.id) == col(CartLine.variant_id))
    .outerjoin(Product, col(Product.id) == col(Variant.product_id))
    .where(col(Cart.id) == _LATEST_CART)
    .order_by(col(CartLine.id))
)
_NOTES = (
    select(
        col(CustomerNote.id),
        col(CustomerNote.body),
        col(CustomerNote.associate_id),
        col(CustomerNote.location_id),
        col(CustomerNote.created_at),
    )
    .where(col(CustomerNote.customer_id) == CUSTOMER)
    .order_by(col(CustomerNote.created_at).desc())
    .limit(NOTES_SHOWN)
)
_IDENTITY_KEYS = select(col(DeviceKey.id), col(DeviceKey.public_key)).where(
    col(DeviceKey.customer_id) == CUSTOMER, col(DeviceKey.revoked_at).is_(None)
)


def _profile(session: Session, c: Customer) -> CustomerProfile:
    addresses = session.execute(_ADDRESSES, {"customer_id": c.id}).scalars()
    return CustomerProfile(
        id=c.id,
        loyalty_number=c.loyalty_number,
        first_name=c.first_name,
        last_name=c.last_name,
        phone=c.phone,
        email=c.email,
        tier=c.tier,
        points=c.points,
        pending_points=loyalty.pending_points(session, c.id),
        preferred_sizes=c.preferred_sizes or {},
        consents=consents_out(c),
        addresses=[AddressOut.model_validate(a, from_attributes=True) for a in addresses],
        created_at=c.created_at,
    )


def _cart(rows: Sequence[Any]) -> dict[str, Any] | None:
    if not rows:
        return None
    cart_id, channel, updated_at = rows[0][:3]
    lines = [{"item": item_ref(row[4:]), "quantity": row[3]} for row in rows if row[3] is not None]
    return {
        "id": cart_id,
        "channel": channel,
        "updated_at": updated_at,
        "lines": lines,
        "total_kurus": sum(line["item"]["price_kurus"] * line["quantity"] for line in lines),
    }


def customer_view(
    *,
    db_session: Session,
    principal: Principal,
    customer_id: int,
    directory: LocationDirectory | None = None,
    tz: str = STORE_ZONE,
) -> CustomerView:
    """Everything about one customer in a handful of column queries. Built as plain dicts and
    validated once: hundreds of rows (a loyal customer has hundreds of orders) would otherwise
    cost an ORM instance and a model constructor each. `directory` and `tz` date the pickups'
    promised days as the pickup store's queue does."""
    s = db_session
    customer, access = accessible_customer(s, customer_id, principal)
    by_customer = {"customer_id": customer_id}
    wishlist = s.execute(_WISHLIST, by_customer).all()
    try_ons = s.execute(_TRY_ONS, by_customer).all()
    cart = _cart(s.execute(_CART, by_customer).all())
    notes = s.execute(_NOTES, by_customer).all()
    directory = directory or LocationDirectory()
    codes = directory.codes(s)
    names = associate_names(s, {t[4] for t in try_ons if t[4]} | {n[2] for n in notes})
    return CustomerView.model_validate(
        {
            "profile": _profile(s, customer),
            "access": access,
            "wishlist": [
                {
                    "id": w_id,
                    "item": item_ref(item),
                    "channel": channel,
                    "location_code": codes.get(location_id) if location_id else None,
                    "created_at": created_at,
                }
                for w_id, channel, location_id, created_at, *item in wishlist
            ],
            "try_ons": [
                {
                    "id": t_id,
                    "item": item_ref(item),
                    "outcome": outcome,
                    "note": note,
                    "location_code": codes.get(location_id, ""),
                    "associate_name": names.get(associate_id) if associate_id else None,
                    "tried_at": tried_at,
                }
                for t_id, outcome, note, location_id, associate_id, tried_at, *item in try_ons
            ],
            "cart": cart,
            "orders": order_summaries(s, customer_id, codes),
            "pickups_waiting": store_side.pickups_waiting(s, customer_id, directory, tz, codes),
            "returns": store_side.recent_returns(s, customer_id, codes),
            "transfers": store_side.customer_transfers(s, customer_id, codes),
            "coupons": coupons_held(s, customer_id),
            "notes": [
                {
                    "id": n_id,
                    "body": body,
                    "associate_name": names.get(associate_id, ""),
                    "location_code": codes.get(location_id, ""),
                    "created_at": created_at,
                }
                for n_id, body, associate_id, location_id, created_at in notes
            ],
            "identity_keys": [
                {"key_id": str(key_id), "public_key": public_key}
                for key_id, public_key in s.execute(_IDENTITY_KEYS, by_customer).all()
            ],
        }
    )
