"""Returns from any channel, taken in any store: find the order, take lines back (or exchange
them for a replacement), list an order's returns."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.contracts.common import EntityId, problem_responses
from app.contracts.exchanges import ExchangeCreate, ExchangeOut
from app.contracts.returns import ReturnCreate, ReturnList, ReturnLookup, ReturnOut
from app.server.catalog.deps import LocationsDep
from app.server.deps import CurrentAssociate, DbDep, KeyRingDep, PathId, SettingsDep
from app.server.idempotency.routes import IdempotencyKey, create
from app.server.returns import exchanges, lookup, reading, refunds, service
from app.server.storefront.routes import PaymentProviderDep

router = APIRouter(tags=["returns"], responses=problem_responses(401, 422))
OrderId = Annotated[int, PathId]


@router.get(
    "/v1/returns/lookup", response_model=ReturnLookup, responses=problem_responses(403, 404)
)
def find_order(
    db: DbDep,
    principal: CurrentAssociate,
    settings: SettingsDep,
    ring: KeyRingDep,
    code: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=512,
            description="The order number on the receipt, or the order's QR (pickup) code",
        ),
    ] = None,
    customer_id: Annotated[
        EntityId | None,
        Query(description="A customer who consented or showed their app's QR code here"),
    ] = None,
) -> ReturnLookup:
    """The order a customer brings back, with what of each line may still be returned and the
    refund methods open to it; or a customer's collected and delivered orders, newest first.
    An order of another store is found only with its customer's consent or their QR code shown
    here (404 otherwise, as for an order that does not exist)."""
    with db.session() as session:
        return lookup.lookup(
            db_session=session,
            principal=principal,
            ring=ring,
            tz=settings.timezone,
            code=code,
            customer_id=customer_id,
        )


@router.post(
    "/v1/orders/{order_id}/returns",
    response_model=ReturnOut,
    status_code=201,
    responses=problem_responses(400, 404, 409, 413, 503),
)
def create_return(
    order_id: OrderId,
    body: ReturnCreate,
    request: Request,
    principal: CurrentAssociate,
    settings: SettingsDep,
    locations: LocationsDep,
    provider: PaymentProviderDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Take lines of a collected or delivered order back at your store, within the return
    window: each within what was bought and not yet returned (409 `return-too-many`,
    `already-returned`), with a reason and the item's condition. Sellable units go back on
    hand here, damaged ones to this store's damaged bin. The money goes back to the original
    payment through the payment provider (409 `return-no-payment` when there is none) or
    becomes store credit; the order's points go back in proportion. Queue it offline with an
    Idempotency-Key: a retry is answered with the first return, never a second refund."""
    reference = refunds.refund_reference(order_id, principal.associate_id, idempotency_key)
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: service.create_return(
            db_session=s,
            principal=principal,
            order_id=order_id,
            body=body,
            provider=provider,
            directory=locations,
            tz=settings.timezone,
            reference=reference,
        ),
    )


@router.post(
    "/v1/orders/{order_id}/exchanges",
    response_model=ExchangeOut,
    status_code=201,
    responses=problem_responses(400, 403, 404, 409, 413, 503),
)
def create_exchange(
    order_id: OrderId,
    body: ExchangeCreate,
    request: Request,
    principal: CurrentAssociate,
    settings: SettingsDep,
    locations: LocationsDep,
    ring: KeyRingDep,
    provider: PaymentProviderDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Exchange lines of a collected or delivered order for other items, in one step: the
    lines come back as in a return (the same rules and refusals), and the replacements are
    taken from your store's shelf now (`from_shelf`: a store sale, handed over at once) or
    ordered from elsewhere (`order`: sent home or collected, sourced as any order). Only the
    difference moves: the new order's total less the value returned is charged through the
    payment provider when positive, refunded as `refund_method` says when negative. 409
    `exchange-replacement-unavailable` (with where else it is) leaves nothing returned or
    ordered; 422 `exchange-no-replacement` points to a return instead."""
    reference = refunds.refund_reference(
        order_id, principal.associate_id, idempotency_key, prefix="exc"
    )
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: exchanges.create_exchange(
            db_session=s,
            principal=principal,
            order_id=order_id,
            body=body,
            provider=provider,
            directory=locations,
            ring=ring,
            tz=settings.timezone,
            hold_hours=settings.reservation_hold_hours,
            reference=reference,
        ),
    )


@router.get(
    "/v1/orders/{order_id}/returns", response_model=ReturnList, responses=problem_responses(404)
)
def order_returns(
    order_id: OrderId, db: DbDep, principal: CurrentAssociate, locations: LocationsDep
) -> ReturnList:
    """An order's returns, oldest first: what came back where, and how it was refunded."""
    with db.session() as session:
        return reading.returns_of(
            db_session=session, principal=principal, order_id=order_id, directory=locations
        )
