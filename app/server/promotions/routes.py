from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.contracts.common import Moment, problem_responses
from app.contracts.promotions import (
    CouponValidateRequest,
    CouponValidation,
    OfflineCouponPolicy,
    OfflineCouponPolicyUpdate,
    OfflineRedemptionLoss,
    RedemptionCreate,
    RedemptionOut,
)
from app.server.deps import (
    CurrentAssociate,
    CurrentCashier,
    CurrentManager,
    DbDep,
    KeyRingDep,
    PathId,
    SettingsDep,
)
from app.server.idempotency.routes import IdempotencyKey, create
from app.server.promotions import offline, service

router = APIRouter(tags=["coupons"], responses=problem_responses(401, 422))


@router.post(
    "/v1/coupons/validate",
    response_model=CouponValidation,
    responses=problem_responses(400, 404, 413),
)
def validate_coupon(body: CouponValidateRequest, db: DbDep, ring: KeyRingDep, _: CurrentAssociate):
    """What a coupon gives this basket, or every reason it does not apply. Claims nothing."""
    with db.session() as session:
        return service.validate(db_session=session, body=body, basket=body.basket, ring=ring)


@router.post(
    "/v1/redemptions",
    response_model=RedemptionOut,
    status_code=201,
    responses=problem_responses(400, 403, 404, 409, 413),
)
def redeem(
    body: RedemptionCreate,
    request: Request,
    principal: CurrentCashier,
    ring: KeyRingDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Redeem a coupon at a till, exactly once across every till and the website (409 when
    it is used up). With `offline_at`: a redemption the till already gave offline, settled
    now; if the server refuses it, the loss is recorded for the store's manager and the answer
    is 409 offline-redemption-lost with its `loss_id` (a retry with the key gets the same)."""
    # The till is the enrolled tablet that sends the redemption, whatever the body names:
    # the offline limit counts per till and day, and a claimed till id would multiply it.
    body = body.model_copy(update={"till_id": principal.device_id[:40]})
    if body.offline_at is None:
        return create(
            request,
            principal,
            idempotency_key,
            body,
            lambda s: service.redeem(db_session=s, principal=principal, body=body, ring=ring),
        )
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: offline.settle(
            db_session=s,
            principal=principal,
            body=body,
            ring=ring,
            timezone=settings.timezone,
        ),
        on_refusal=offline.record_loss,
    )


@router.post(
    "/v1/redemptions/{redemption_id}/void",
    response_model=RedemptionOut,
    responses=problem_responses(403, 404, 409),
)
def void_redemption(
    redemption_id: Annotated[int, PathId],
    db: DbDep,
    principal: CurrentCashier,
    settings: SettingsDep,
):
    """Void a redemption on a cancelled sale: cashiers their own on the same day, managers any."""
    with db.write() as session:
        return service.void(
            db_session=session,
            principal=principal,
            redemption_id=redemption_id,
            timezone=settings.timezone,
        )


@router.get(
    "/v1/stores/{location_id}/offline-coupon-policy",
    response_model=OfflineCouponPolicy,
    responses=problem_responses(403, 404),
)
def get_offline_coupon_policy(
    location_id: Annotated[int, PathId], db: DbDep, principal: CurrentAssociate
):
    """How many coupons, and how much discount, each till of your store may give offline per
    local day (zeros, the default: none)."""
    with db.session() as session:
        return offline.get_policy(db_session=session, principal=principal, location_id=location_id)


@router.put(
    "/v1/stores/{location_id}/offline-coupon-policy",
    response_model=OfflineCouponPolicy,
    responses=problem_responses(400, 403, 404, 413),
)
def put_offline_coupon_policy(
    location_id: Annotated[int, PathId],
    body: OfflineCouponPolicyUpdate,
    db: DbDep,
    principal: CurrentManager,
):
    """Set your store's offline coupon limit per till per day (managers). Zeros turn it off."""
    with db.write() as session:
        return offline.put_policy(
            db_session=session, principal=principal, location_id=location_id, body=body
        )


@router.get(
    "/v1/stores/{location_id}/offline-redemption-losses",
    response_model=list[OfflineRedemptionLoss],
    responses=problem_responses(403, 404),
)
def offline_redemption_losses(
    location_id: Annotated[int, PathId],
    db: DbDep,
    principal: CurrentManager,
    since: Annotated[
        Moment | None, Query(description="Only losses that arrived at or after this time")
    ] = None,
):
    """Offline redemptions the server refused on arrival, newest first, at most 200
    (managers): the discount was given at the till, the coupon was not the store's to give."""
    with db.session() as session:
        return offline.losses(
            db_session=session, principal=principal, location_id=location_id, since=since
        )
