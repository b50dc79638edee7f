"""The pickup store's routes (click & collect, reserve in store): the queue, pick, ready,
hand-over, overdue pickups; pack and ship for parcels sent from the store (shipping_routes.py);
and the brand app's pickup code, under the brand app's credential."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.contracts.common import Moment, problem_responses
from app.contracts.fulfilment import (
    HandOverOut,
    HandOverRequest,
    OverduePickups,
    PickOut,
    PickRequest,
    PickupCodeOut,
    PickupQueue,
    ReadyOut,
    ReadyRequest,
)
from app.domain.errors import Unauthenticated
from app.server.catalog.deps import LocationsDep
from app.server.deps import (
    CurrentAssociate,
    CurrentManager,
    DbDep,
    KeyRingDep,
    PathId,
    SettingsDep,
)
from app.server.idempotency.routes import IdempotencyKey, create
from app.server.messaging import MessagingDep
from app.server.orders import fulfilment, fulfilment_handover, fulfilment_queue, shipping_routes
from app.server.orders import fulfilment_notices as notices

router = APIRouter(tags=["pickups"], responses=problem_responses(401, 422))
OrderId = Annotated[int, PathId]
LocationId = Annotated[int, PathId]
WRITE_PROBLEMS = problem_responses(400, 403, 404, 409, 413)


@router.get(
    "/v1/stores/{location_id}/to-prepare",
    response_model=PickupQueue,
    responses=problem_responses(403),
)
def to_prepare(
    location_id: LocationId,
    db: DbDep,
    principal: CurrentAssociate,
    settings: SettingsDep,
    locations: LocationsDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> PickupQueue:
    """Your store's click & collect and reserve-in-store orders still to pick, mark ready or
    hand over, and its parcels to send home still to pick, pack or ship (only their lines
    sourced here), oldest first, with the day each was promised and until when it is held."""
    with db.read_session() as session:
        return fulfilment_queue.to_prepare(
            db_session=session,
            principal=principal,
            location_id=location_id,
            directory=locations,
            tz=settings.timezone,
            limit=limit,
        )


@router.post("/v1/orders/{order_id}/pick", response_model=PickOut, responses=WRITE_PROBLEMS)
def pick(
    order_id: OrderId,
    body: PickRequest,
    request: Request,
    principal: CurrentAssociate,
    settings: SettingsDep,
    locations: LocationsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Count units of the scanned item (EAN-13 or the SKU on its tag) as picked. An item of no
    line of the order is refused (422 `pick-wrong-item`), and so is more than ordered (409
    `pick-too-many`)."""
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: fulfilment.pick(
            db_session=s,
            principal=principal,
            order_id=order_id,
            body=body,
            directory=locations,
            tz=settings.timezone,
        ),
    )


@router.post("/v1/orders/{order_id}/ready", response_model=ReadyOut, responses=WRITE_PROBLEMS)
def mark_ready(
    order_id: OrderId,
    request: Request,
    db: DbDep,
    principal: CurrentAssociate,
    settings: SettingsDep,
    locations: LocationsDep,
    messaging: MessagingDep,
    body: ReadyRequest | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Every unit picked: the order is ready (409 `not-all-picked` before). The customer is
    told, in `lang`, on a channel they consented to; with none, the notice stays pending."""
    ready = body or ReadyRequest()
    response = create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: fulfilment.mark_ready(
            db_session=s,
            principal=principal,
            order_id=order_id,
            body=ready,
            directory=locations,
            tz=settings.timezone,
            can_send=messaging.can_send,
        ),
    )
    return notices.after_ready(db, messaging, response)


@router.post(
    "/v1/orders/{order_id}/hand-over", response_model=HandOverOut, responses=WRITE_PROBLEMS
)
def hand_over(
    order_id: OrderId,
    body: HandOverRequest,
    request: Request,
    principal: CurrentAssociate,
    settings: SettingsDep,
    locations: LocationsDep,
    ring: KeyRingDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Hand a ready order over to the customer who shows their app's identity QR code or the
    order's pickup code: the `lines` given, or all that is ready. Partly collected, the order
    stays ready; all collected, it is collected, once (409 `already-collected` after)."""
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: fulfilment_handover.hand_over(
            db_session=s,
            principal=principal,
            order_id=order_id,
            body=body,
            ring=ring,
            directory=locations,
            tz=settings.timezone,
        ),
    )


@router.get(
    "/v1/stores/{location_id}/pickups/overdue",
    response_model=OverduePickups,
    responses=problem_responses(403),
)
def overdue_pickups(
    location_id: LocationId,
    db: DbDep,
    principal: CurrentManager,
    settings: SettingsDep,
    locations: LocationsDep,
    as_of: Annotated[Moment | None, Query(description="Default: now")] = None,
) -> OverduePickups:
    """Ready orders at your store whose hold has run out by `as_of` (managers), oldest first."""
    with db.read_session() as session:
        return fulfilment_queue.overdue_pickups(
            db_session=session,
            principal=principal,
            location_id=location_id,
            directory=locations,
            tz=settings.timezone,
            as_of=as_of,
        )


# Pack and ship share this router, so they sit behind the same log-in wherever it is mounted.
router.include_router(shipping_routes.router)


# --- the brand app ------------------------------------------------------------------------------

_bearer = HTTPBearer(auto_error=False, description="REYON_BRAND_APP_KEY")


def brand_app(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """The brand app's credential, as app/server/brand/routes.py checks it (not imported from
    there: the brand package imports this one, and packages import downwards only)."""
    expected = settings.brand_app_key
    given = credentials.credentials if credentials else ""
    if expected is None or not hmac.compare_digest(
        given.encode(), expected.get_secret_value().encode()
    ):
        raise Unauthenticated("unauthorized", "Brand app credential required")


brand_router = APIRouter(
    tags=["brand app"],
    dependencies=[Depends(brand_app)],
    responses=problem_responses(400, 401, 404, 422),
)


@brand_router.get(
    "/v1/brand/orders/{order_id}/pickup-code",
    response_model=PickupCodeOut,
    responses=problem_responses(409),
)
def pickup_code(order_id: OrderId, db: DbDep, ring: KeyRingDep) -> Response:
    """A fresh signed pickup code for an open click & collect or reserve-in-store order, as
    text and as a QR code (SVG) for the app to show; never cached."""
    with db.read_session() as session:
        code = fulfilment_handover.pickup_code(session, order_id, ring)
    return Response(
        code.model_dump_json(),
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )
