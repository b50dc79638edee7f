from __future__ import annotations

import base64

from fastapi import APIRouter

from app.contracts.common import problem_responses
from app.contracts.scan import QrKeys, ScanRequest, ScanResult
from app.qr.identity import STEP_SECONDS
from app.server.deps import CurrentAssociate, DbDep, KeyRingDep, SettingsDep
from app.server.scanning import service

router = APIRouter(tags=["scanning"], responses=problem_responses(400, 401, 422))


@router.post("/v1/scan", response_model=ScanResult, responses=problem_responses(413))
def scan(
    body: ScanRequest,
    db: DbDep,
    principal: CurrentAssociate,
    settings: SettingsDep,
    ring: KeyRingDep,
) -> ScanResult:
    """Whatever the tablet scanned (camera, hardware scanner, typed or pasted): what it is and
    whether it may be acted on. An identity code identifies the customer for this visit and is
    used up; a coupon code is read, not redeemed (POST /v1/redemptions does that)."""
    with db.write() as session:
        return service.scan(
            db_session=session,
            principal=principal,
            payload=body.payload,
            ring=ring,
            grant_hours=settings.visit_grant_hours,
        )


@router.get("/v1/qr/keys", response_model=QrKeys)
def qr_keys(ring: KeyRingDep, _: CurrentAssociate) -> QrKeys:
    """Public keys for checking coupon codes offline. Identity codes are checked with each
    customer's device keys, which come with the customer."""
    return QrKeys(
        coupon_keys={k: base64.b64encode(v).decode() for k, v in ring.coupon_public_keys.items()},
        active_key=ring.active,
        identity_step_seconds=STEP_SECONDS,
    )
