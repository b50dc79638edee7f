"""Storefront pages for customers' phones: /p/... (shelf labels) and /pay/... (pay links).
No log-in: the signed URL is the only key, and it is checked before anything is read."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.domain.orders import OrderStatus, awaits_payment
from app.qr import paylink, shelf
from app.qr.envelope import TokenError
from app.qr.keys import KeyRing
from app.server.catalog.deps import LocationsDep
from app.server.deps import DbDep, KeyRingDep, RateLimitsDep, SettingsDep
from app.server.ratelimit import client_address
from app.server.storefront import i18n, pages, service
from app.server.storefront.payments import PaymentProvider, TestProvider

router = APIRouter(tags=["storefront"], include_in_schema=False)

VISITOR_COOKIE = "reyon_v"  # a random id per phone: repeat scans link up, no personal data
SCAN_COOKIE = "reyon_scan"  # the latest scan, for crediting the store with an online order
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
AcceptLanguage = Annotated[str | None, Header()]


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=_HEADERS)


def _lang(request: Request, accept_language: str | None) -> i18n.Lang:
    return i18n.pick(accept_language, request.query_params.get("lang"))


@router.get("/p/{product_id}/{store_code}/{sig}", response_class=HTMLResponse)
def shelf_page(
    product_id: str,
    store_code: str,
    sig: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    ring: KeyRingDep,
    limits: RateLimitsDep,
    accept_language: AcceptLanguage = None,
) -> Response:
    lang = _lang(request, accept_language)
    try:
        ref = shelf.verify_shelf(ring, request.url.path)
    except TokenError:
        return _html(pages.not_found(lang), 404)
    with db.session() as session:
        page = service.product_page(session, ref.product_id, ref.store_code)
    if page is None:
        return _html(pages.not_found(lang), 404)
    visitor = request.cookies.get(VISITOR_COOKIE, "")
    known_phone = 16 <= len(visitor) <= 64 and visitor.isalnum()
    if not known_phone:
        visitor = secrets.token_hex(16)
    assert page.store.id is not None and page.product.id is not None
    earlier = request.cookies.get(SCAN_COOKIE, "")
    client = client_address(request)
    scan_id: int | None
    if "lang" in request.query_params and earlier.isdigit():
        # Our own language link: the same visit, not another scan of the label.
        scan_id = int(earlier)
    elif not known_phone and limits.retry_after(
        settings.shelf_scan_limit_per_client, "shelf-scan", client
    ):
        # A phone keeps its cookie and is counted once per label (record_scan); a flood of
        # cookie-less "new phones" from one address is a replayed URL, not shoppers: the page
        # still shows, the store's figures do not grow.
        scan_id = None
    else:
        with db.write() as session:
            scan_id = service.record_scan(
                session, product_id=page.product.id, location_id=page.store.id, visitor_ref=visitor
            )
    shop = f"{settings.public_base_url.rstrip('/')}/shop/product/{page.product.id}"
    response = _html(
        pages.product(page, lang, scan_id=scan_id, shop_url=shop, self_path=request.url.path)
    )
    secure = request.url.scheme == "https"
    response.set_cookie(
        VISITOR_COOKIE, visitor, max_age=400 * 86400, httponly=True, samesite="lax", secure=secure
    )
    if scan_id is not None:
        response.set_cookie(
            SCAN_COOKIE,
            str(scan_id),
            max_age=int(service.ATTRIBUTION_WINDOW.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=secure,
        )
    return response


async def get_payment_provider(request: Request) -> PaymentProvider:
    # The seam for a real provider: set app.state.payment_provider at start-up.
    provider: PaymentProvider | None = getattr(request.app.state, "payment_provider", None)
    if provider is None:
        provider = request.app.state.payment_provider = TestProvider()
    return provider


PaymentProviderDep = Annotated[PaymentProvider, Depends(get_payment_provider)]


def _pay_link(ring: KeyRing, token: str, lang: i18n.Lang) -> paylink.PayLink | HTMLResponse:
    try:
        return paylink.verify_pay_token(ring, token)
    except TokenError as exc:
        key = "pay_expired" if exc.reason == "expired" else "pay_invalid"
        return _html(
            pages.message(lang, t_title(lang), i18n.t(lang, key)),
            410 if key == "pay_expired" else 404,
        )


def t_title(lang: i18n.Lang) -> str:
    return "Reyon"


@router.get("/pay/{token}", response_class=HTMLResponse)
def pay_page(
    token: str,
    request: Request,
    db: DbDep,
    ring: KeyRingDep,
    locations: LocationsDep,
    accept_language: AcceptLanguage = None,
) -> Response:
    lang = _lang(request, accept_language)
    link = _pay_link(ring, token, lang)
    if isinstance(link, HTMLResponse):
        return link
    with db.session() as session:
        order = service.order_for_payment(session, link.order_id, locations)
    if order is None:
        return _html(pages.message(lang, "Reyon", i18n.t(lang, "pay_invalid")), 404)
    # Only what the server knows: the order's own status, never words from the URL (a
    # link with ?result=paid must not say "Paid" for an unpaid order).
    notice = None
    if order.status == OrderStatus.PAID:
        notice = i18n.t(lang, "paid")
    elif not awaits_payment(order.status):
        notice = i18n.t(lang, "pay_not_payable", status=order.status)
    return _html(pages.pay(order, lang, action=request.url.path, notice=notice))


@router.post("/pay/{token}")
def pay(
    token: str,
    request: Request,
    db: DbDep,
    ring: KeyRingDep,
    locations: LocationsDep,
    provider: PaymentProviderDep,
    accept_language: AcceptLanguage = None,
) -> Response:
    lang = _lang(request, accept_language)
    link = _pay_link(ring, token, lang)
    if isinstance(link, HTMLResponse):
        return link
    outcome = service.pay(db, link.order_id, provider)
    if outcome.status == "failed":
        # The provider's reason, shown on this answer only: nothing was paid, so trying
        # again (or reloading) is safe.
        with db.session() as session:
            order = service.order_for_payment(session, link.order_id, locations)
        assert order is not None
        notice = i18n.t(lang, "pay_failed", message=outcome.message[:120])
        return _html(pages.pay(order, lang, action=request.url.path, notice=notice), 402)
    # Post/redirect/get: a reload shows the order's status instead of paying again. The
    # result in the address is for logs and scripts; the page reads the order, not it.
    query = "?" + urlencode({"result": outcome.status, "lang": lang})
    return RedirectResponse(request.url.path + query, status_code=303, headers=_HEADERS)
