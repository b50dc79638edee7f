"""The single customer view: one person across web, app and every store."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from app.contracts.customers import (
    AddressOut,
    CustomerProfile,
    CustomerView,
)
from app.server.catalog.directory import LocationDirectory
from app.server.catalog.service import item_refs
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


def _profile(session: Session, c: Customer) -> CustomerProfile:
    addresses = session.execute(
        select(CustomerAddress)
        .where(col(CustomerAddress.customer_id) == c.id)
        .order_by(col(CustomerAddress.is_default).desc(), col(CustomerAddress.id))
    ).scalars()
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
    wishlist = s.execute(
        select(
            col(WishlistEntry.id),
            col(WishlistEntry.variant_id),
            col(WishlistEntry.channel),
            col(WishlistEntry.location_id),
            col(WishlistEntry.created_at),
        )
        .where(col(WishlistEntry.customer_id) == customer_id)
        .order_by(col(WishlistEntry.created_at).desc())
    ).all()
    try_ons = s.execute(
        select(
            col(TryOn.id),
            col(TryOn.variant_id),
            col(TryOn.outcome),
            col(TryOn.note),
            col(TryOn.location_id),
            col(TryOn.associate_id),
            col(TryOn.tried_at),
        )
        .where(col(TryOn.customer_id) == customer_id)
        .order_by(col(TryOn.tried_at).desc())
        .limit(100)
    ).all()
    # The open cart with its lines in one statement: a row per line (one row, lines empty, for
    # an open cart with none).
    latest_cart = (
        select(col(Cart.id))
        .where(col(Cart.customer_id) == customer_id, col(Cart.status) == "open")
        .order_by(col(Cart.updated_at).desc())
        .limit(1)
        .scalar_subquery()
    )
    cart_rows = s.execute(
        select(
            col(Cart.id),
            col(Cart.channel),
            col(Cart.updated_at),
            col(CartLine.variant_id),
            col(CartLine.quantity),
        )
        .outerjoin(CartLine, col(CartLine.cart_id) == col(Cart.id))
        .where(col(Cart.id) == latest_cart)
        .order_by(col(CartLine.id))
    ).all()
    cart = cart_rows[0][:3] if cart_rows else None
    cart_lines = [(row[3], row[4]) for row in cart_rows if row[3] is not None]
    notes = s.execute(
        select(
            col(CustomerNote.id),
            col(CustomerNote.body),
            col(CustomerNote.associate_id),
            col(CustomerNote.location_id),
            col(CustomerNote.created_at),
        )
        .where(col(CustomerNote.customer_id) == customer_id)
        .order_by(col(CustomerNote.created_at).desc())
        .limit(50)
    ).all()
    refs = item_refs(
        s, {w[1] for w in wishlist} | {t[1] for t in try_ons} | {cl[0] for cl in cart_lines}
    )
    directory = directory or LocationDirectory()
    codes = directory.codes(s)
    names = associate_names(s, {t[5] for t in try_ons if t[5]} | {n[2] for n in notes})
    cart_out = None
    if cart is not None:
        cart_out = {
            "id": cart[0],
            "channel": cart[1],
            "updated_at": cart[2],
            "lines": [{"item": refs[v], "quantity": q} for v, q in cart_lines],
            "total_kurus": sum(refs[v]["price_kurus"] * q for v, q in cart_lines),
        }
    return CustomerView.model_validate(
        {
            "profile": _profile(s, customer),
            "access": access,
            "wishlist": [
                {
                    "id": w_id,
                    "item": refs[variant_id],
                    "channel": channel,
                    "location_code": codes.get(location_id) if location_id else None,
                    "created_at": created_at,
                }
                for w_id, variant_id, channel, location_id, created_at in wishlist
            ],
            "try_ons": [
                {
                    "id": t_id,
                    "item": refs[variant_id],
                    "outcome": outcome,
                    "note": note,
                    "location_code": codes.get(location_id, ""),
                    "associate_name": names.get(associate_id) if associate_id else None,
                    "tried_at": tried_at,
                }
                for t_id, variant_id, outcome, note, location_id, associate_id, tried_at in try_ons
            ],
            "cart": cart_out,
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
                for key_id, public_key in s.execute(
                    select(col(DeviceKey.id), col(DeviceKey.public_key)).where(
                        col(DeviceKey.customer_id) == customer_id,
                        col(DeviceKey.revoked_at).is_(None),
                    )
                ).all()
            ],
        }
    )
