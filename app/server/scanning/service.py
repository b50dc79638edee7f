"""Reading whatever the tablet scanned: identity and coupon codes, shelf labels, pay links,
barcodes. Classification is by shape (app/qr/classify.py); this checks keys and the data."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from app.contracts.scan import ScannedCoupon, ScannedProduct, ScanResult
from app.domain.errors import DomainError, NotFound
from app.qr import paylink, shelf
from app.qr.classify import classify
from app.qr.envelope import TokenError
from app.qr.keys import KeyRing
from app.server.catalog.models import Product, Variant
from app.server.customers import service as customers
from app.server.deps import Principal
from app.server.promotions.models import Coupon
from app.server.promotions.service import read_coupon_code


def _refused(kind: str, err: DomainError) -> ScanResult:
    return ScanResult(
        kind=kind,
        valid=False,
        reason=err.extra.get("reason", "not_found"),
        detail=err.detail,
    )


def _token_refused(kind: str, exc: TokenError, detail: str) -> ScanResult:
    return ScanResult(kind=kind, valid=False, reason=exc.reason, detail=detail)


def scan(
    *,
    db_session: Session,
    principal: Principal,
    payload: str,
    ring: KeyRing,
    grant_hours: int,
) -> ScanResult:
    kind = classify(payload)
    text = payload.strip()
    if kind == "identity":
        try:
            found = customers.identify(
                db_session=db_session, principal=principal, token=text, grant_hours=grant_hours
            )
        except NotFound as err:
            return ScanResult(kind=kind, valid=False, reason="not_found", detail=err.detail)
        except DomainError as err:
            return _refused(kind, err)
        return ScanResult(
            kind=kind, valid=True, customer=found.customer, access_until=found.access_until
        )
    if kind == "coupon":
        try:
            claim = read_coupon_code(text, ring)
        except DomainError as err:
            return _refused(kind, err)
        coupon = db_session.execute(
            select(Coupon).where(col(Coupon.public_id) == claim.public_id)
        ).scalar_one_or_none()
        if coupon is None or coupon.id is None:
            return ScanResult(kind=kind, valid=False, reason="not_found", detail="No such coupon.")
        return ScanResult(
            kind=kind,
            valid=True,
            coupon=ScannedCoupon(
                coupon_id=coupon.id,
                code=coupon.code,
                campaign=coupon.campaign,
                kind=coupon.kind,
                value=coupon.value,
                expires_at=datetime.fromtimestamp(claim.expires_at, UTC),
                customer_id=coupon.customer_id,
            ),
        )
    if kind == "shelf":
        try:
            ref = shelf.verify_shelf(ring, text)
        except TokenError as exc:
            return _token_refused(kind, exc, "This shelf label is not one of ours.")
        if db_session.get(Product, ref.product_id) is None:
            return ScanResult(kind=kind, valid=False, reason="not_found", detail="No such product.")
        return ScanResult(
            kind=kind,
            valid=True,
            product=ScannedProduct(product_id=ref.product_id, sku=None, store_code=ref.store_code),
        )
    if kind == "pay_link":
        try:
            link = paylink.verify_pay_token(ring, text)
        except TokenError as exc:
            return _token_refused(kind, exc, "This pay link is not valid.")
        return ScanResult(kind=kind, valid=True, order_id=link.order_id)
    if kind in ("ean13", "sku"):
        column = col(Variant.ean13) if kind == "ean13" else col(Variant.sku)
        variant = db_session.execute(
            select(Variant).where(column == text.upper())
        ).scalar_one_or_none()
        if variant is None:
            return ScanResult(
                kind=kind if kind == "ean13" else "unknown",
                valid=False,
                reason="not_found",
                detail="No product with this barcode."
                if kind == "ean13"
                else "Not a code Reyon knows.",
            )
        return ScanResult(
            kind=kind,
            valid=True,
            product=ScannedProduct(product_id=variant.product_id, sku=variant.sku, store_code=None),
        )
    return ScanResult(
        kind="unknown", valid=False, reason="malformed", detail="Not a code Reyon knows."
    )
