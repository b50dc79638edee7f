from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response

from app.contracts.common import problem_responses
from app.contracts.promotions import (
    CouponValidateRequest,
    CouponValidation,
    RedemptionCreate,
    RedemptionOut,
)
from app.server.catalog.service import PathId
from app.server.deps import CurrentAssociate, CurrentCashier, DbDep, SettingsDep
from app.server.idempotent_routes import IdempotencyKey, create
from app.server.promotions import service

router = APIRouter(tags=["coupons"], responses=problem_responses(401, 422))


@router.post(
    "/v1/coupons/validate",
    response_model=CouponValidation,
    responses=problem_responses(400, 404, 413),
)
def validate_coupon(body: CouponValidateRequest, request: Request, db: DbDep, _: CurrentAssociate):
    """What a coupon gives this basket, or every reason it does not apply. Claims nothing."""
    with db.session() as session:
        return service.validate(
            db_session=session, body=body, basket=body.basket, ring=request.app.state.key_ring
        )


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
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Redeem a coupon at a till, exactly once across every till and the website (409 when
    it is used up)."""
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: service.redeem(
            db_session=s, principal=principal, body=body, ring=request.app.state.key_ring
        ),
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
