"""The look page a client opens from a message (/l/...), and the opt-out link (/o/...).

No log-in: the signed link is the key, checked before anything is read. The forms post back to
the same signed path, and a post another site's page makes the browser send is refused (the
browser's Sec-Fetch-Site, else Origin): the token in the path already keeps a forger out, this
keeps a page that learnt it from acting through the customer's browser."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.domain.errors import DomainError, OutOfStock
from app.qr import look as look_link
from app.qr import shelf
from app.qr.envelope import TokenError
from app.qr.keys import KeyRing
from app.server.catalog.deps import LocationsDep
from app.server.customers import consent
from app.server.db import Database
from app.server.deps import DbDep, KeyRingDep, SettingsDep
from app.server.storefront import i18n, look_pages, look_reserve, look_service
from app.server.storefront.look_service import LookView

# One policy, one language rule and one way to answer for every storefront page.
from app.server.storefront.routes import _HEADERS as PAGE_HEADERS
from app.server.storefront.routes import _html, _lang

router = APIRouter(tags=["storefront"], include_in_schema=False)
AcceptLanguage = Annotated[str | None, Header()]

# A transparent 1x1 PNG: the picture an e-mail fetches when it is opened.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
MAX_FORM = 2048  # a variant id, or List-Unsubscribe=One-Click: nothing a form of ours sends is long


def _invalid(lang: i18n.Lang, self_path: str) -> HTMLResponse:
    return _html(look_pages.refusal(lang, "link_invalid", self_path=self_path), 404)


def _cross_site(request: Request, public_base_url: str) -> bool:
    """A post that another site's page made the browser send. Mail servers posting the RFC 8058
    one-click opt-out send neither header, and pass. The page's own site is the public address
    the links were made with (behind a proxy the Host header may name the API's inner address),
    or the Host the request came to."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return False
    host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]").lower()
    ours = {host, (urlsplit(public_base_url).hostname or "").lower()}
    return (urlsplit(origin).hostname or "").lower() not in ours


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form's fields (application/x-www-form-urlencoded), first value of each."""
    raw = await request.body()
    if len(raw) > MAX_FORM:
        return {}
    fields = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


FormDep = Annotated[dict[str, str], Depends(form_fields)]


def _open(db: Database, ring: KeyRing, token: str, locations: LocationsDep) -> LookView | None:
    try:
        link = look_link.verify_look(ring, token)
    except TokenError:
        return None
    with db.read_session() as session:
        return look_service.look_view(session, link.look_id, locations)


@dataclass(frozen=True, slots=True)
class LookLink:
    """What every page behind a look's link starts from: the page's language, the link's own
    path, and the look its signed token opens (None: not a link of ours, or the look is
    gone)."""

    lang: i18n.Lang
    self_path: str
    look: LookView | None

    def invalid(self) -> HTMLResponse:
        return _invalid(self.lang, self.self_path)


def look_link_opened(
    token: str,
    request: Request,
    db: DbDep,
    ring: KeyRingDep,
    locations: LocationsDep,
    accept_language: AcceptLanguage = None,
) -> LookLink:
    return LookLink(
        _lang(request, accept_language), f"/l/{token}", _open(db, ring, token, locations)
    )


LookLinkDep = Annotated[LookLink, Depends(look_link_opened)]


def _buy_links(ring: KeyRing, look: LookView) -> dict[int, str]:
    """The product's storefront page at the look's store: every size and colour, and the
    brand's web shop from there, credited to that store."""
    return {
        item.product_id: shelf.shelf_path(ring, shelf.ShelfRef(item.product_id, look.store_code))
        for item in look.items
    }


@router.get("/l/{token}", response_class=HTMLResponse)
def look_page(
    link: LookLinkDep, request: Request, db: DbDep, settings: SettingsDep, ring: KeyRingDep
) -> Response:
    lang, self_path, look = link.lang, link.self_path, link.look
    if look is None:
        return link.invalid()
    if "lang" not in request.query_params:
        # The associate wrote the line in the customer's language: the page speaks it too,
        # whatever the phone's settings; the language link still switches.
        lang = "en" if look.lang == "en" else "tr"
    look_service.record_visit(db, look.look_id)
    with db.read_session() as session:
        reserved = look_reserve.reservations(session, look)
    optout = None
    if look.message_id is not None:
        optout = urlsplit(look_link.optout_url(ring, "", look.message_id)).path
    return _html(
        look_pages.look(
            look,
            lang,
            self_path=self_path,
            buy_links=_buy_links(ring, look),
            reserved=reserved,
            optout_path=optout,
            hold_hours=settings.reservation_hold_hours,
        )
    )


@router.get("/l/{token}/pixel.png")
def pixel(token: str, db: DbDep, ring: KeyRingDep) -> Response:
    """Always the picture (a mail app shows no broken image for an old link); recorded only
    for a genuine, unexpired one."""
    try:
        link = look_link.verify_look(ring, token)
    except TokenError:
        link = None
    if link is not None:
        look_service.record_open(db, link.look_id)
    return Response(
        PIXEL,
        media_type="image/png",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.post("/l/{token}/reserve")
def reserve(
    link: LookLinkDep,
    request: Request,
    form: FormDep,
    db: DbDep,
    settings: SettingsDep,
    ring: KeyRingDep,
    locations: LocationsDep,
) -> Response:
    lang, self_path, look = link.lang, link.self_path, link.look
    if look is None:
        return link.invalid()
    back = f"{self_path}?lang={lang}"
    if _cross_site(request, settings.public_base_url):
        return _html(look_pages.refusal(lang, "cross_site", self_path=self_path, back=back), 403)
    raw = form.get("variant_id", "")
    # ASCII only: '²' passes isdigit() and int() refuses it.
    item = look.item(int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    if item is None:
        return link.invalid()
    done = RedirectResponse(
        f"{self_path}/reserved/{item.variant_id}?lang={lang}", 303, headers=PAGE_HEADERS
    )
    try:
        look_reserve.reserve(
            db,
            look,
            item.variant_id,
            directory=locations,
            ring=ring,
            hold_hours=settings.reservation_hold_hours,
            stale_after=timedelta(seconds=settings.idempotency_stale_seconds),
        )
    except OutOfStock:
        buy = _buy_links(ring, look)[item.product_id]
        page = look_pages.sold_out(lang, look, item, self_path=self_path, back=back, buy=buy)
        return _html(page, 409)
    except DomainError as err:
        if err.kind == "request-in-progress":  # a fresh claim left by an earlier version
            return done
        failed = look_pages.refusal(lang, "reserve_failed", self_path=self_path, back=back)
        return _html(failed, 409)
    # Post/redirect/get: a reload shows the reservation instead of posting again.
    return done


@router.get("/l/{token}/reserved/{variant_id}", response_class=HTMLResponse)
def reserved(link: LookLinkDep, variant_id: int, db: DbDep, settings: SettingsDep) -> Response:
    lang, self_path, look = link.lang, link.self_path, link.look
    item = look.item(variant_id) if look is not None else None
    if look is None or item is None:
        return link.invalid()
    back = f"{self_path}?lang={lang}"
    with db.read_session() as session:
        order = look_reserve.reservation(
            session,
            look.look_id,
            variant_id,
            stale_after=timedelta(seconds=settings.idempotency_stale_seconds),
        )
    if order == "running":
        return _html(look_pages.reserving(lang, self_path=f"{self_path}/reserved/{variant_id}"))
    if order is None or isinstance(order, str):
        return RedirectResponse(back, 303, headers=PAGE_HEADERS)
    page = look_pages.reserved(
        look, item, order, lang, self_path=f"{self_path}/reserved/{variant_id}", back=back,
        zone=settings.timezone,
    )  # fmt: skip
    return _html(page)


# --- the opt-out ------------------------------------------------------------------------------


@router.get("/o/{token}", response_class=HTMLResponse)
def optout_page(
    token: str,
    request: Request,
    db: DbDep,
    ring: KeyRingDep,
    accept_language: AcceptLanguage = None,
) -> Response:
    lang = _lang(request, accept_language)
    self_path = f"/o/{token}"
    target = _optout(db, ring, token)
    if target is None:
        return _invalid(lang, self_path)
    page = look_pages.optout(
        lang, target.channel, self_path=self_path, consented=target.consented, done=False
    )
    return _html(page)


@router.post("/o/{token}", response_class=HTMLResponse)
def optout(
    token: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    ring: KeyRingDep,
    accept_language: AcceptLanguage = None,
) -> Response:
    """The page's button, or a mail app's one-click opt-out (RFC 8058: a POST with the body
    List-Unsubscribe=One-Click to the List-Unsubscribe address). Either withdraws at once."""
    lang = _lang(request, accept_language)
    self_path = f"/o/{token}"
    target = _optout(db, ring, token)
    if target is None:
        return _invalid(lang, self_path)
    if _cross_site(request, settings.public_base_url):
        return _html(look_pages.refusal(lang, "cross_site", self_path=self_path), 403)
    withdrawn = consent.withdraw_by_link(
        db=db, customer_id=target.customer_id, purpose=target.channel
    )
    page = look_pages.optout(
        lang, target.channel, self_path=self_path, consented=False, done=withdrawn
    )
    return _html(page)


def _optout(db: Database, ring: KeyRing, token: str) -> look_service.OptOut | None:
    try:
        message_id = look_link.verify_optout(ring, token)
    except TokenError:
        return None
    with db.read_session() as session:
        return look_service.optout_target(session, message_id)
