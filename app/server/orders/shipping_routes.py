"""The store's routes for a parcel it sends home: pack, then ship (book the carrier). Picking is
the pickup's own route (POST /v1/orders/{id}/pick); the parcel is in the store's queue
(GET /v1/stores/{id}/to-prepare) until shipped."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from app.contracts.common import problem_responses
from app.contracts.fulfilment import PackOut, PackRequest, ShipOut, ShipRequest
from app.server.catalog.deps import LocationsDep
from app.server.deps import CurrentAssociate, DbDep, PathId, SettingsDep
from app.server.idempotency.routes import IdempotencyKey, create
from app.server.messaging import MessagingDep
from app.server.orders import fulfilment_notices as notices
from app.server.orders import shipping
from app.server.orders.carriers import Carrier, TestCarrier

router = APIRouter(tags=["pickups"], responses=problem_responses(401, 422))
OrderId = Annotated[int, PathId]
WRITE_PROBLEMS = problem_responses(400, 403, 404, 409, 413)


async def get_carrier(request: Request) -> Carrier:
    # The seam for a real carrier: set app.state.carrier at start-up.
    carrier: Carrier | None = getattr(request.app.state, "carrier", None)
    if carrier is None:
        carrier = request.app.state.carrier = TestCarrier()
    return carrier


CarrierDep = Annotated[Carrier, Depends(get_carrier)]


@router.post("/v1/orders/{order_id}/pack", response_model=PackOut, responses=WRITE_PROBLEMS)
def pack(
    order_id: OrderId,
    request: Request,
    principal: CurrentAssociate,
    settings: SettingsDep,
    locations: LocationsDep,
    body: PackRequest | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Every unit your store sends of this ship-to-home order is picked: its parcel is packed
    (409 `not-all-picked` before, `ship-already-packed` twice)."""
    packing = body or PackRequest()
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: shipping.pack(
            db_session=s,
            principal=principal,
            order_id=order_id,
            body=packing,
            directory=locations,
            tz=settings.timezone,
        ),
    )


@router.post("/v1/orders/{order_id}/ship", response_model=ShipOut, responses=WRITE_PROBLEMS)
def ship(
    order_id: OrderId,
    request: Request,
    db: DbDep,
    principal: CurrentAssociate,
    settings: SettingsDep,
    locations: LocationsDep,
    messaging: MessagingDep,
    carrier: CarrierDep,
    body: ShipRequest | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Book the carrier for your store's packed parcel: its carrier and tracking number are
    kept, its units leave the store, the order is shipped once every line has left, and the
    customer is told in `lang`. Once: 409 `ship-already-shipped` after (`ship-not-packed`
    before packing)."""
    shipping_body = body or ShipRequest()
    response = create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: shipping.ship(
            db_session=s,
            principal=principal,
            order_id=order_id,
            body=shipping_body,
            carrier=carrier,
            directory=locations,
            tz=settings.timezone,
            can_send=messaging.can_send,
        ),
    )
    return notices.after_shipped(db, messaging, response)
