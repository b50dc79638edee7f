"""Orders from the brand's web shop and app, for the brand app's backend (server to server,
`REYON_BRAND_APP_KEY`): placed like an endless-aisle order and credited to the store of the
phone's last shelf scan; and a customer's orders from every channel, with their history."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from sqlalchemy import select
from sqlmodel import Session, col

from app.contracts.brand import BrandOrderCreate
from app.contracts.common import EntityId, problem_responses
from app.contracts.orders import OrderOut
from app.domain.channels import Channel
from app.domain.errors import NotFound
from app.server.brand.routes import brand_app
from app.server.catalog.deps import LocationsDep
from app.server.catalog.directory import LocationDirectory
from app.server.catalog.models import Product, Variant
from app.server.customers.models import Customer
from app.server.db import utcnow
from app.server.deps import DbDep, KeyRingDep, SettingsDep
from app.server.idempotency import store
from app.server.idempotency.routes import declared_status
from app.server.inventory.models import Reservation
from app.server.orders import placing
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.orders.service import LineNames, assemble
from app.server.promotions.models import Coupon
from app.server.storefront.service import attributable_scan

router = APIRouter(
    tags=["brand app"],
    dependencies=[Depends(brand_app)],
    responses=problem_responses(400, 401, 404, 422),
)

# Keys the brand app makes never meet an associate's: they live in a scope of their own.
BRAND_SCOPE = "brand-app"
BrandIdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=store.MAX_KEY_LENGTH,
        description="Made by the brand app when the customer placed the order; a retry with it "
        "gets the first answer (409 while the first still runs, 422 with another body)",
    ),
]


@router.post(
    "/v1/brand/orders",
    response_model=OrderOut,
    status_code=201,
    responses=problem_responses(409, 413),
)
def place_order(
    body: BrandOrderCreate,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    locations: LocationsDep,
    ring: KeyRingDep,
    idempotency_key: BrandIdempotencyKey = None,
) -> Response:
    """An order the customer placed in the web shop or the app (`channel`), sourced and held
    like an endless-aisle order. Credited to the store of the phone's last shelf scan within
    the attribution window (`visitor_ref`, the shelf pages' cookie); none, no store credit.
    Its points stay pending until it is paid. 409 names the line that ran out."""
    status = declared_status(request)

    def prepare(read: Session) -> store.Action:
        # Attributed as the order is checked, at the moment it is placed.
        scan = attributable_scan(read, body.visitor_ref, utcnow()) if body.visitor_ref else None
        write = placing.check_online_order(
            read,
            body=body,
            channel=Channel(body.channel),
            credited_store_id=scan.location_id if scan is not None else None,
            directory=locations,
            ring=ring,
            hold_hours=settings.reservation_hold_hours,
        )
        return lambda s: (status, write(s))

    return store.run(
        db,
        key=idempotency_key,
        scope=BRAND_SCOPE,
        method=request.method,
        path=request.url.path,
        body=body,
        prepare=prepare,
        stale_after=timedelta(seconds=settings.idempotency_stale_seconds),
    )


@router.get("/v1/brand/customers/{customer_id}/orders", response_model=list[OrderOut])
def customer_orders(
    customer_id: EntityId,
    db: DbDep,
    settings: SettingsDep,
    locations: LocationsDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[OrderOut]:
    """The customer's orders from every channel (web, app, stores, endless aisle), newest
    first, each with its lines, status and history: what the app shows under "my orders"."""
    with db.read_session() as session:
        if session.get(Customer, customer_id) is None:
            raise NotFound("Customer", customer_id)
        return orders_of(session, customer_id, locations, limit=limit, tz=settings.timezone)


def orders_of(
    session: Session, customer_id: int, directory: LocationDirectory, *, limit: int, tz: str
) -> list[OrderOut]:
    """The customer's latest `limit` orders in their wire form, in six queries whatever their
    number (reading them one by one would be five per order)."""
    orders = list(
        session.execute(
            select(Order)
            .where(col(Order.customer_id) == customer_id)
            .order_by(col(Order.placed_at).desc(), col(Order.id).desc())
            .limit(limit)
        ).scalars()
    )
    if not orders:
        return []
    ids = [o.id for o in orders]
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for line in session.execute(
        select(OrderLine).where(col(OrderLine.order_id).in_(ids)).order_by(col(OrderLine.id))
    ).scalars():
        lines[line.order_id].append(line.model_dump())
    variant_ids = {ln["variant_id"] for order_lines in lines.values() for ln in order_lines}
    names = {
        v_id: LineNames.of(v, p)
        for v_id, v, p in session.execute(
            select(col(Variant.id), Variant, Product)
            .join(Product, col(Product.id) == col(Variant.product_id))
            .where(col(Variant.id).in_(sorted(variant_ids)))
        ).all()
    }
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for event in session.execute(
        select(OrderStatusEvent)
        .where(col(OrderStatusEvent.order_id).in_(ids))
        .order_by(col(OrderStatusEvent.at), col(OrderStatusEvent.id))
    ).scalars():
        history[event.order_id].append({"status": event.status, "at": event.at, "note": event.note})
    coupon_ids = sorted({o.coupon_id for o in orders if o.coupon_id is not None})
    codes = (
        dict(
            session.execute(
                select(col(Coupon.id), col(Coupon.code)).where(col(Coupon.id).in_(coupon_ids))
            ).all()
        )
        if coupon_ids
        else {}
    )
    held = _held_until(session, ids)
    locations = directory.all(session)
    return [
        assemble(
            o.model_dump(),
            lines[o.id],
            names,
            history[o.id],
            codes.get(o.coupon_id) if o.coupon_id is not None else None,
            locations,
            held=held,
            tz=tz,
        )
        for o in orders
    ]


def _held_until(session: Session, order_ids: list[int | None]) -> dict[int, datetime]:
    """Order line id -> until when its units are held (orders/service.held_until, for many)."""
    rows = session.execute(
        select(col(Reservation.order_line_id), col(Reservation.expires_at)).where(
            col(Reservation.order_id).in_(order_ids),
            col(Reservation.status) == "held",
            col(Reservation.expires_at).is_not(None),
        )
    ).all()
    return {
        line_id: at if at.tzinfo is not None else at.replace(tzinfo=UTC)
        for line_id, at in rows
        if line_id is not None and at is not None
    }
