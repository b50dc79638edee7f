"""For the brand app's backend (server to server): register a phone's identity key, record the
consent the customer gives or withdraws in the app, and get the QR payloads of a customer's
coupons. Authenticated by `REYON_BRAND_APP_KEY`."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.contracts.common import EntityId, problem_responses
from app.contracts.customers import BrandConsentUpdate, Consents
from app.contracts.scan import CouponCodeOut, DeviceKeyCreate, DeviceKeyOut
from app.domain.errors import NotFound, Unauthenticated
from app.server.customers import consent
from app.server.customers.identity import decode_public_key, register_device_key
from app.server.customers.models import Customer
from app.server.deps import DbDep, KeyRingDep, SettingsDep
from app.server.promotions.service import coupon_code, wallet_coupons

_bearer = HTTPBearer(auto_error=False, description="REYON_BRAND_APP_KEY")


def brand_app(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    expected = settings.brand_app_key
    given = credentials.credentials if credentials else ""
    if expected is None or not hmac.compare_digest(
        given.encode(), expected.get_secret_value().encode()
    ):
        raise Unauthenticated("unauthorized", "Brand app credential required")


router = APIRouter(
    tags=["brand app"],
    dependencies=[Depends(brand_app)],
    responses=problem_responses(400, 401, 404, 422),
)


@router.post("/v1/brand/device-keys", response_model=DeviceKeyOut, status_code=201)
def add_device_key(body: DeviceKeyCreate, db: DbDep) -> DeviceKeyOut:
    """Register the public half of the key pair the app made on a customer's phone; the app
    then signs identity codes with the private half (see app/qr/identity.py)."""
    raw = decode_public_key(body.public_key)
    with db.write() as session:
        key = register_device_key(
            session, customer_id=body.customer_id, public_key=raw, label=body.label
        )
        return DeviceKeyOut(
            key_id=str(key.id), customer_id=key.customer_id, created_at=key.created_at
        )


@router.post(
    "/v1/brand/customers/{customer_id}/consent",
    response_model=Consents,
    responses=problem_responses(413),
)
def customer_consent(customer_id: EntityId, body: BrandConsentUpdate, db: DbDep) -> Consents:
    """The customer gives or withdraws consent themselves, in the brand app where they are
    signed in: recorded with method "app" and the text version the app showed."""
    return consent.brand_consent(db=db, customer_id=customer_id, body=body)


@router.get("/v1/brand/customers/{customer_id}/coupon-codes", response_model=list[CouponCodeOut])
def coupon_codes(customer_id: EntityId, db: DbDep, ring: KeyRingDep) -> list[CouponCodeOut]:
    """The customer's own coupons and open campaign coupons still valid, as QR payloads."""
    with db.session() as session:
        if session.get(Customer, customer_id) is None:
            raise NotFound("Customer", customer_id)
        coupons = wallet_coupons(session, customer_id)
        return [
            CouponCodeOut(code=c.code, campaign=c.campaign, payload=coupon_code(ring, c))
            for c in coupons
        ]
