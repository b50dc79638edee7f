from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response

from app.contracts.common import problem_responses
from app.contracts.orders import (
    OrderCancel,
    OrderCreate,
    OrderOut,
    PayLinkOut,
    PayLinkSend,
    PayLinkSent,
)
from app.server.catalog.deps import LocationsDep
from app.server.deps import (
    CurrentAssociate,
    CurrentManager,
    DbDep,
    KeyRingDep,
    PathId,
    RateLimitsDep,
    SettingsDep,
)
from app.server.idempotency.routes import IdempotencyKey, create_prepared
from app.server.messaging import MessagingDep
from app.server.orders import pay_links, placing, service

router = APIRouter(tags=["orders"], responses=problem_responses(401, 422))
OrderId = Annotated[int, PathId]


@router.post(
    "/v1/orders",
    response_model=OrderOut,
    status_code=201,
    responses=problem_responses(400, 403, 404, 409, 413),
)
def place_order(
    body: OrderCreate,
    request: Request,
    principal: CurrentAssociate,
    settings: SettingsDep,
    locations: LocationsDep,
    ring: KeyRingDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Place an endless-aisle order: each line is sourced (warehouse first, then stores by
    distance; never split), its stock reserved at that location, attributed to you and your
    store. 409 names the line that ran out, with the nearest locations that still have it."""
    return create_prepared(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: placing.check_order(
            s,
            principal=principal,
            body=body,
            directory=locations,
            ring=ring,
            hold_hours=settings.reservation_hold_hours,
        ),
    )


@router.get("/v1/orders/{order_id}", response_model=OrderOut, responses=problem_responses(404))
def get_order(order_id: OrderId, db: DbDep, principal: CurrentAssociate, locations: LocationsDep):
    with db.session() as session:
        return service.get_order(
            db_session=session, principal=principal, order_id=order_id, directory=locations
        )


@router.post(
    "/v1/orders/{order_id}/cancel",
    response_model=OrderOut,
    responses=problem_responses(400, 403, 404, 409, 413),
)
def cancel_order(
    order_id: OrderId,
    db: DbDep,
    principal: CurrentManager,
    locations: LocationsDep,
    body: OrderCancel | None = None,
):
    """Cancel an open order (managers): releases its reservations, voids its coupon use and
    takes back its loyalty points, in one transaction."""
    with db.write() as session:
        return service.cancel_order(
            db_session=session,
            principal=principal,
            order_id=order_id,
            body=body or OrderCancel(),
            directory=locations,
        )


@router.get(
    "/v1/orders/{order_id}/pay-link",
    response_model=PayLinkOut,
    responses=problem_responses(404, 409),
)
def pay_link(
    order_id: OrderId,
    db: DbDep,
    principal: CurrentAssociate,
    settings: SettingsDep,
    locations: LocationsDep,
    ring: KeyRingDep,
) -> PayLinkOut:
    """A fresh signed pay link for an order awaiting payment (valid 24 hours)."""
    with db.session() as session:
        return service.pay_link(
            db_session=session,
            principal=principal,
            order_id=order_id,
            directory=locations,
            ring=ring,
            base_url=settings.public_base_url,
        )


@router.post(
    "/v1/orders/{order_id}/pay-link/send",
    response_model=PayLinkSent,
    responses=problem_responses(400, 403, 404, 409, 413, 429, 503),
)
def send_pay_link(
    order_id: OrderId,
    body: PayLinkSend,
    db: DbDep,
    principal: CurrentAssociate,
    settings: SettingsDep,
    locations: LocationsDep,
    ring: KeyRingDep,
    messaging: MessagingDep,
    limits: RateLimitsDep,
) -> PayLinkSent:
    """Send a fresh pay link to the order's own customer, by SMS or e-mail, at the phone or
    address on file (a transactional message: no marketing consent needed). 409 when the
    order is not awaiting payment or there is no contact on file; 503 when the channel cannot
    send now; a few per order an hour (429)."""
    return pay_links.send_pay_link(
        db=db,
        messaging=messaging,
        limits=limits,
        principal=principal,
        order_id=order_id,
        body=body,
        directory=locations,
        ring=ring,
        base_url=settings.public_base_url,
    )
