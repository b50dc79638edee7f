"""A small store held in memory, behind the same `Gateway` as the live one: for fast state tests
and for trying a scene without a server. It keeps the rules the state objects rely on (PINs,
enrolled devices, consent before a customer is shown, stock reserved by orders and refused
when short, single-use coupons) and the offline behaviour of the live gateway: `online` is a
plain switch; when it is off, what this tablet "cached" still answers, queueable writes wait in
a queue that `sync()` sends, and everything else fails as the live one does (status 0)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from app.contracts.auth import AssociateOut, LoginResponse, StaffList, StaffMember, StoreRef
from app.contracts.catalog import ProductDetail, ProductPage, ProductQuery, VariantOut
from app.contracts.customers import (
    Consent,
    ConsentChallengeOut,
    Consents,
    CustomerSearchResult,
    CustomerSummary,
    CustomerView,
    ItemRef,
    NoteCreate,
    NoteOut,
    TryOnCreate,
    TryOnOut,
    WishlistAdd,
    WishlistItem,
)
from app.contracts.devices import (
    DeviceCredential,
    DeviceList,
    DeviceOut,
    EnrolmentCodeOut,
    EnrolRequest,
)
from app.contracts.inventory import Availability, LocationStock, ProductStock, VariantStock
from app.contracts.orders import OrderCreate, OrderOut, OrderSummary, PayLinkOut
from app.contracts.promotions import (
    CouponOut,
    CouponValidateRequest,
    CouponValidation,
    OfflineCouponPolicy,
    RedemptionCreate,
    RedemptionOut,
)
from app.contracts.reports import DayFigures, StoreReport
from app.contracts.scan import ScannedCoupon, ScannedProduct, ScanRequest, ScanResult
from app.contracts.sync import Health
from app.qr.keys import KeyRing
from app.tablet.gateway import (
    Author,
    Gateway,
    Progress,
    QueuedWork,
    SignedIn,
    Submitted,
    TillFacts,
    checked,
)
from app.tablet.gateway.memory_world import Associate, Coupon, Location, fill_demo_world
from app.tablet.problem import ApiProblem, OfflineLoginError

T = TypeVar("T")
LOCK_AFTER = 5  # wrong PINs on one tablet, as the API counts them


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Work:
    """A queued write: what the live outbox stores, with the write itself as a closure."""

    id: int
    kind: str
    label: str
    by: Author
    customer_id: int | None
    send: Callable[[], Any]
    created_at: datetime
    status: str = "pending"
    problem: ApiProblem | None = None
    till_id: str | None = None
    amount_kurus: int = 0


class MemoryGateway:
    def __init__(self) -> None:
        self.online = True  # the switch tests flip
        self.keeps_cache = True
        self.api_url = "http://reyon.test"
        self.reachable = {"http://reyon.test", "http://backup.reyon.test"}
        self.last_sync: str | None = None
        self.consent_code = "123456"  # what the customer "receives"
        self.locations: dict[int, Location] = {}
        self.distance: dict[frozenset[int], float] = {}
        self.associates: dict[tuple[str, str], Associate] = {}  # (store code, code)
        self.devices_: dict[str, tuple[str, str, DeviceOut]] = {}  # id -> secret, store, row
        self.enrol_codes: dict[str, str] = {}  # one-time code -> store code
        self.products: dict[int, ProductDetail] = {}
        self.stock: dict[tuple[str, int], list[int]] = {}  # (sku, location) -> [on hand, reserved]
        self.customers: dict[int, CustomerView] = {}
        self.identity_codes: dict[str, int] = {}  # a customer's app QR -> customer id
        self.coupons: dict[str, Coupon] = {}
        self.policy: dict[int, OfflineCouponPolicy] = {}
        self.ring = KeyRing({"A": b"memory-gateway-demo-key"}, "A")
        self.orders: dict[int, OrderOut] = {}
        self.redemptions: dict[int, RedemptionOut] = {}
        self._ids = itertools.count(1000)
        self._who: LoginResponse | None = None
        self._resume: tuple[str, str, str] | None = None
        self._remembered: dict[tuple[str, str], tuple[str, LoginResponse]] = {}
        self._cached: dict[int, CustomerView] = {}  # customers this tablet opened online
        self._synced = False  # the catalogue and stock are cached after follow_store/sync
        self._visits: set[int] = set()  # customers who scanned their identity QR here
        self._challenges: dict[int, int] = {}  # challenge id -> customer id
        self._answers: dict[str, Submitted] = {}  # idempotency key -> what it got
        self._queue: list[_Work] = []

    @classmethod
    def demo(cls) -> MemoryGateway:
        """Two Istanbul stores and the online warehouse (memory_world.py)."""
        g = cls()
        fill_demo_world(g)
        return g

    # -- helpers ---------------------------------------------------------------------------

    def _need_online(self) -> None:
        if not self.online:
            raise ApiProblem(0, "offline", "The API cannot be reached")

    def _need_manager(self) -> LoginResponse:
        self._need_online()
        if self._who is None or self._who.associate.role != "manager":
            raise ApiProblem(403, "forbidden", "Managers only")
        return self._who

    def _variant(self, sku: str) -> tuple[ProductDetail, VariantOut]:
        for p in self.products.values():
            for v in p.variants:
                if sku in (v.sku, v.ean13):
                    return p, v
        raise ApiProblem(404, "not-found", "No such product", sku)

    def _item(self, sku: str) -> ItemRef:
        p, v = self._variant(sku)
        return ItemRef(sku=v.sku, product_id=p.id, name_tr=p.name_tr, name_en=p.name_en, brand=p.brand, size=v.size, colour=v.colour, colour_en=v.colour_en, price_kurus=v.price_kurus)  # fmt: skip

    def _km(self, near: int | None, loc: int) -> float | None:
        return None if near is None else 0.0 if near == loc else self.distance[frozenset({near, loc})]  # fmt: skip

    def _available(self, sku: str, loc: int) -> int:
        on_hand, reserved = self.stock.get((sku, loc), [0, 0])
        return on_hand - reserved

    def _visible(self, customer_id: int) -> CustomerView:
        """The customer as the API shows them: consent, a visit grant, or 403."""
        view = self.customers.get(customer_id)
        if view is None:
            raise ApiProblem(404, "not-found", "No such customer")
        if view.profile.consents.clienteling.given:
            access = "consent"
        elif customer_id in self._visits:
            access = "visit"
        else:
            raise ApiProblem(403, "consent-required", "The customer has not consented")
        return view.model_copy(update={"access": access}, deep=True)

    def _summary(self, view: CustomerView) -> CustomerSummary:
        p, masked = view.profile, not view.profile.consents.clienteling.given
        hide = (lambda s: s[:1] + "***") if masked else (lambda s: s)
        return CustomerSummary(id=p.id, loyalty_number=p.loyalty_number, first_name=hide(p.first_name), last_name=hide(p.last_name), phone=hide(p.phone or ""), email=hide(p.email or ""), tier=p.tier, masked=masked)  # fmt: skip

    # -- the connection, the tablet and who uses it ----------------------------------------

    def health(self) -> Health:
        self._need_online()
        return Health(status="ok", database="memory", version="memory")

    def use_api(self, url: str) -> Health:
        if url not in self.reachable:
            raise ApiProblem(0, "offline", "Nothing answers there", url)
        self.api_url = url
        return self.health()

    def enrol(self, code: str, name: str | None) -> DeviceCredential:
        body = checked(lambda: EnrolRequest(code=code, name=name))
        self._need_online()
        store = self.enrol_codes.pop(body.code, None)  # one-time: spent here
        if store is None:
            raise ApiProblem(404, "enrolment-code-invalid", "Unknown or used enrolment code")
        device_id, secret = f"{store}-{next(self._ids)}", f"secret-{next(self._ids)}"
        row = DeviceOut(id=device_id, name=body.name or "Tablet", enrolled_at=_now(), revoked_at=None)  # fmt: skip
        self.devices_[device_id] = (secret, store, row)
        return DeviceCredential(device_id=device_id, device_secret=secret, store_code=store, name=row.name)  # fmt: skip

    def log_in(
        self, store_code: str, associate_code: str, pin: str, device: tuple[str, str]
    ) -> SignedIn:
        if not self.online:  # this tablet's own record of who logged in here
            known = self._remembered.get((store_code, associate_code))
            if known is None:
                raise OfflineLoginError("unknown")
            if known[0] != pin:
                raise OfflineLoginError("wrong_pin")
            self._resume, self._who = (store_code, associate_code, pin), known[1]
            return SignedIn(known[1], offline=True)
        session = self._check_login(store_code, associate_code, pin, device)
        self._remembered[store_code, associate_code] = (pin, session)
        self._who, self._resume = session, None
        return SignedIn(session)

    def _check_login(self, store: str, code: str, pin: str, device: tuple[str, str]) -> LoginResponse:  # fmt: skip
        enrolled = self.devices_.get(device[0])
        if enrolled is None or enrolled[0] != device[1] or enrolled[1] != store or enrolled[2].revoked_at:  # fmt: skip
            raise ApiProblem(403, "device-not-enrolled", "This tablet is not enrolled here")
        a = self.associates.get((store, code))
        if a is not None and a.wrong.get(device[0], 0) >= LOCK_AFTER:
            raise ApiProblem(423, "locked", "Too many wrong PINs")
        if a is None or not a.active or a.pin != pin:
            if a is not None:
                a.wrong[device[0]] = a.wrong.get(device[0], 0) + 1
            raise ApiProblem(401, "invalid-pin", "Wrong associate code or PIN")
        a.wrong.pop(device[0], None)
        loc = self.locations[a.store_id]
        return LoginResponse(access_token=f"mem-{next(self._ids)}", expires_at=_now() + timedelta(hours=12), associate=AssociateOut(id=a.id, code=a.code, name=a.name, role=a.role, store=StoreRef(id=loc.id, code=loc.code, name=loc.name)))  # fmt: skip

    def resume_online(self, device: tuple[str, str]) -> LoginResponse | None:
        if self._resume is None or not self.online:
            return None
        store, code, pin = self._resume
        self._resume = None
        try:
            self._who = self._check_login(store, code, pin, device)
        except ApiProblem:
            return None  # refused meanwhile: a log-in online is needed
        return self._who

    def log_out(self) -> None:
        self._who, self._resume = None, None

    def follow_store(self, store_id: int) -> None:
        self._synced = True

    # -- reads -------------------------------------------------------------------------------

    def _cached_read(self, ask: Callable[[], T]) -> T:
        """Offline, the catalogue and stock answer only once this tablet synced them."""
        if not self.online and not self._synced:
            raise ApiProblem(0, "offline", "The API cannot be reached")
        return ask()

    def scan(self, payload: str) -> ScanResult:
        checked(lambda: ScanRequest(payload=payload))
        text = payload.strip()
        if self.online and text in self.identity_codes:
            cid = self.identity_codes[text]
            self._visits.add(cid)  # the scan is the visit's proof
            return ScanResult(kind="identity", valid=True, customer=self._summary(self.customers[cid]), access_until=_now() + timedelta(hours=2))  # fmt: skip
        coupon = next((c for c in self.coupons.values() if text in (c.code, c.token)), None)
        if self.online and coupon is not None:
            scanned = ScannedCoupon(coupon_id=coupon.id, code=coupon.code, campaign=coupon.campaign, kind=coupon.kind, value=coupon.value, expires_at=_now() + timedelta(days=1), customer_id=coupon.owner)  # fmt: skip
            return ScanResult(kind="coupon", valid=True, coupon=scanned)
        try:
            p, v = self._cached_read(lambda: self._variant(text.upper() if not text.isdigit() else text))  # fmt: skip
        except ApiProblem as exc:
            if exc.offline:
                raise
            if not self.online:  # not in the cache: only the API could read it
                raise ApiProblem(0, "offline", "The API cannot be reached") from None
            return ScanResult(kind="unknown", valid=False, reason="not_found", detail=text[:40])  # fmt: skip
        kind = "ean13" if text.isdigit() else "sku"
        return ScanResult(kind=kind, valid=True, product=ScannedProduct(product_id=p.id, sku=v.sku, store_code=None))  # fmt: skip

    def search_customers(self, field: str, text: str) -> CustomerSearchResult:
        self._need_online()
        attr = {"phone": "phone", "email": "email", "loyalty": "loyalty_number"}[field]
        hits = [v for v in self.customers.values() if (getattr(v.profile, attr) or "").lower() == text.strip().lower()]  # fmt: skip
        return CustomerSearchResult(items=[self._summary(v) for v in hits])

    def customer(self, customer_id: int) -> CustomerView:
        if not self.online:
            cached = self._cached.get(customer_id)
            if cached is None:
                raise ApiProblem(0, "offline", "The API cannot be reached")
            return cached.model_copy(deep=True)
        view = self._visible(customer_id)
        self._cached[customer_id] = view
        return view.model_copy(deep=True)

    def cached_customer(self, customer_id: int) -> CustomerView | None:
        cached = self._cached.get(customer_id)
        return cached.model_copy(deep=True) if cached is not None else None

    def forget_customer(self, customer_id: int) -> None:
        self._cached.pop(customer_id, None)

    def search_products(self, query: ProductQuery) -> ProductPage:
        def ask() -> ProductPage:
            words = (query.q or "").lower()
            hits = [p for p in self.products.values() if words in f"{p.name_tr} {p.name_en} {p.brand} {p.style_code}".lower()]  # fmt: skip
            if query.category:
                hits = [p for p in hits if p.category == query.category]

            # Size and "in stock here" together mean one garment: a variant in that size
            # with a unit here, as the API and the cache read them.
            def fits(v: VariantOut) -> bool:
                sized = not query.size or v.size == query.size
                at = query.in_stock_at
                return sized and (at is None or self._available(v.sku, at) > 0)

            if query.size or query.in_stock_at is not None:
                hits = [p for p in hits if any(fits(v) for v in p.variants)]
            start = int(query.cursor or 0)
            page = hits[start : start + query.limit]
            more = start + query.limit < len(hits)
            return ProductPage(items=page, next_cursor=str(start + query.limit) if more else None, total=len(hits))  # fmt: skip

        return self._cached_read(ask)

    def product_stock(self, product_id: int, near: int | None = None) -> ProductStock:
        def ask() -> ProductStock:
            p = self.product(product_id)
            cells = []
            for v in p.variants:
                here = self._available(v.sku, near) if near is not None else 0
                others = sum(self._available(v.sku, loc.id) for loc in self.locations.values() if loc.id != near and loc.kind == "store")  # fmt: skip
                online = sum(self._available(v.sku, loc.id) for loc in self.locations.values() if loc.kind == "warehouse")  # fmt: skip
                cells.append(VariantStock(sku=v.sku, here=max(here, 0), other_stores=max(others, 0), online=max(online, 0)))  # fmt: skip
            return ProductStock(product_id=product_id, location_id=near, variants=cells)

        return self._cached_read(ask)

    def order(self, order_id: int) -> OrderOut:
        self._need_online()
        if order_id not in self.orders:
            raise ApiProblem(404, "not-found", "No such order")
        return self.orders[order_id]

    def picture(self, url: str) -> bytes | None:
        return None  # the fake store has no pictures: scenes show the placeholder

    def product(self, product_id: int) -> ProductDetail:
        def ask() -> ProductDetail:
            if product_id not in self.products:
                raise ApiProblem(404, "not-found", "No such product")
            return self.products[product_id]

        return self._cached_read(ask)

    def availability(self, sku: str, near: int | None = None) -> Availability:
        def ask() -> Availability:
            self._variant(sku)
            rows = [LocationStock(location_id=loc.id, code=loc.code, name=loc.name, kind=loc.kind, city="İstanbul", distance_km=self._km(near, loc.id), on_hand=self.stock.get((sku, loc.id), [0, 0])[0], reserved=self.stock.get((sku, loc.id), [0, 0])[1], available=self._available(sku, loc.id)) for loc in self.locations.values()]  # fmt: skip
            rows.sort(key=lambda r: r.distance_km or 0.0)
            return Availability(sku=sku, near_location_id=near, total_available=sum(r.available for r in rows), locations=rows)  # fmt: skip

        return self._cached_read(ask)

    def store_report(self, first_day: date, last_day: date) -> StoreReport:
        who = self._need_manager()
        store = who.associate.store
        mine = [o for o in self.orders.values() if o.store_location_id == store.id]
        days = [DayFigures(day=first_day + timedelta(days=i), endless_aisle_orders=0, endless_aisle_revenue_kurus=0, shelf_scans=0, redemptions=0) for i in range((last_day - first_day).days + 1)]  # fmt: skip
        return StoreReport(store_id=store.id, store_code=store.code, store_name=store.name, first_day=first_day, last_day=last_day, timezone="Europe/Istanbul", days=days, endless_aisle_orders=len(mine), endless_aisle_revenue_kurus=sum(o.total_kurus for o in mine), by_associate=[], shelf_scans=0, shelf_scan_visitors=0, shelf_conversions=0, redemptions=len(self.redemptions), redemption_discount_kurus=sum(r.discount_kurus for r in self.redemptions.values()), by_campaign=[], cross_channel_customers=0)  # fmt: skip

    def pay_link(self, order_id: int) -> PayLinkOut:
        self._need_online()
        return PayLinkOut(order_id=order_id, url=f"{self.api_url}/pay/{order_id}", expires_at=_now() + timedelta(hours=1))  # fmt: skip

    # -- writes that may wait in the queue ---------------------------------------------------

    def _submit(self, by: Author, kind: str, key: str, label: str, customer_id: int | None, send: Callable[[], Any], **extra: Any) -> Submitted:  # fmt: skip
        """The outbox in short: one answer per key; sent now when online (a refusal is the
        associate's to see at once), else queued for sync()."""
        if key in self._answers:
            return self._answers[key]
        if self.online:
            try:
                answer = Submitted("sent", send())
            except ApiProblem as exc:
                return Submitted("failed", problem=exc)
        else:
            self._queue.append(_Work(next(self._ids), kind, label, by, customer_id, send, _now(), **extra))  # fmt: skip
            answer = Submitted("queued")
        self._answers[key] = answer
        return answer

    def _amend(self, customer_id: int, change: Callable[[CustomerView], None]) -> None:
        """A write to a customer, as the API applies it (consent or visit needed)."""
        self._visible(customer_id)
        change(self.customers[customer_id])
        self._cached[customer_id] = self._visible(customer_id)

    def add_wishlist(self, by: Author, customer_id: int, sku: str, *, key: str, item: ItemRef | None) -> Submitted:  # fmt: skip
        body = checked(lambda: WishlistAdd(sku=sku))
        row = lambda: WishlistItem(id=next(self._ids), item=self._item(body.sku), channel="store", location_code=by.store_code, created_at=_now())  # noqa: E731  # fmt: skip
        return self._submit(by, "wishlist", key, sku, customer_id, lambda: self._amend(customer_id, lambda v: v.wishlist.insert(0, row())))  # fmt: skip

    def add_try_on(self, by: Author, customer_id: int, sku: str, outcome: str, *, key: str, item: ItemRef | None) -> Submitted:  # fmt: skip
        body = checked(lambda: TryOnCreate.model_validate({"sku": sku, "outcome": outcome}))
        row = lambda: TryOnOut(id=next(self._ids), item=self._item(body.sku), outcome=body.outcome, note="", location_code=by.store_code, associate_name=by.associate_name, tried_at=_now())  # noqa: E731  # fmt: skip
        return self._submit(by, "try_on", key, f"{sku} · {outcome}", customer_id, lambda: self._amend(customer_id, lambda v: v.try_ons.insert(0, row())))  # fmt: skip

    def add_note(self, by: Author, customer_id: int, note: str, *, key: str) -> Submitted:
        body = checked(lambda: NoteCreate(body=note))
        row = lambda: NoteOut(id=next(self._ids), body=body.body, associate_name=by.associate_name, location_code=by.store_code, created_at=_now())  # noqa: E731  # fmt: skip
        return self._submit(by, "note", key, note[:60], customer_id, lambda: self._amend(customer_id, lambda v: v.notes.insert(0, row())))  # fmt: skip

    def place_order(self, by: Author, body: OrderCreate, *, key: str, label: str) -> Submitted:
        return self._submit(by, "order", key, label, body.customer_id, lambda: self._order(by, body))  # fmt: skip

    def _order(self, by: Author, body: OrderCreate) -> OrderOut:
        """Reserve every line whole at one location or refuse the order (409 with the
        locations that still hold the line), nothing reserved on a refusal."""
        view = self._visible(body.customer_id)
        here = next(loc.id for loc in self.locations.values() if loc.code == by.store_code)
        f = body.fulfilment
        if f.type == "reserve_in_store" or (f.type == "click_collect" and f.location_id):
            order_of = [f.location_id or here]
        else:  # the warehouse first, then stores nearest first
            order_of = sorted(self.locations, key=lambda i: (self.locations[i].kind == "store", self._km(here, i) or 0.0))  # fmt: skip
        sources: dict[str, int] = {}
        for line in body.lines:
            src = next((i for i in order_of if self._available(line.sku, i) >= line.quantity), None)  # fmt: skip
            if src is None:
                others = [{"location_id": i, "code": loc.code, "kind": loc.kind, "available": self._available(line.sku, i), "distance_km": self._km(here, i)} for i, loc in self.locations.items() if self._available(line.sku, i) >= line.quantity]  # fmt: skip
                raise ApiProblem(409, "out-of-stock", "Out of stock", line.sku, {"sku": line.sku, "alternatives": others})  # fmt: skip
            sources[line.sku] = src
        if f.type == "ship_to_home" and f.address_id is not None and all(a.id != f.address_id for a in view.profile.addresses):  # fmt: skip
            raise ApiProblem(422, "validation", "Invalid input", "address_id")
        subtotal = sum(self._variant(x.sku)[1].price_kurus * x.quantity for x in body.lines)
        discount = self._claim(body.coupon, subtotal) if body.coupon else 0
        for line in body.lines:
            self.stock[line.sku, sources[line.sku]][1] += line.quantity
        oid, now = next(self._ids), _now()
        order = OrderOut.model_validate({"id": oid, "number": f"RY-{oid}", "customer_id": body.customer_id, "channel": "endless_aisle", "status": "placed", "fulfilment_type": f.type, "ship_to": None, "pickup_location_id": f.location_id, "store_location_id": here, "associate_id": None, "coupon_code": body.coupon, "subtotal_kurus": subtotal, "discount_kurus": discount, "total_kurus": subtotal - discount, "kdv_kurus": 0, "currency": "TRY", "placed_at": now, "lines": [], "history": []})  # fmt: skip
        self.orders[oid] = order
        summary = OrderSummary(id=oid, number=order.number, channel=order.channel, status=order.status, fulfilment_type=order.fulfilment_type, store_location_code=by.store_code, total_kurus=order.total_kurus, item_count=sum(x.quantity for x in body.lines), placed_at=now)  # fmt: skip
        self._amend(body.customer_id, lambda v: v.orders.insert(0, summary))
        return order

    def redeem_offline(self, by: Author, body: dict[str, Any], *, key: str, label: str, discount_kurus: int) -> Submitted:  # fmt: skip
        request = checked(lambda: RedemptionCreate.model_validate(body))

        def settle() -> RedemptionOut:
            try:
                return self._redeem(request)
            except ApiProblem as exc:  # used up elsewhere meanwhile: the manager's loss
                raise ApiProblem(409, "offline-redemption-lost", "Coupon used up", exc.detail) from None  # fmt: skip

        return self._submit(by, "redemption", key, label, request.basket.customer_id, settle, till_id=request.till_id, amount_kurus=discount_kurus)  # fmt: skip

    # -- writes that need the API's word now -----------------------------------------------

    def send_consent_code(self, customer_id: int, channel: str, lang: str) -> ConsentChallengeOut:
        self._need_online()
        p = self.customers[customer_id].profile
        to = p.phone if channel == "sms" else p.email
        if not to:
            raise ApiProblem(422, "consent-contact-missing", "No contact on file")
        challenge = next(self._ids)
        self._challenges[challenge] = customer_id
        return ConsentChallengeOut(id=challenge, channel=channel, sent_to="***" + to[-4:], expires_at=_now() + timedelta(minutes=10))  # fmt: skip

    def _consent(self, customer_id: int) -> None:
        given = Consent(given=True, at=_now(), source="store")
        self.customers[customer_id].profile.consents = Consents(clienteling=given, email=given, sms=given)  # fmt: skip

    def record_consent_by_code(self, customer_id: int, challenge_id: int, code: str) -> None:
        self._need_online()
        if self._challenges.get(challenge_id) != customer_id:
            raise ApiProblem(403, "consent-code-expired", "Unknown or expired code")
        if code != self.consent_code:
            raise ApiProblem(403, "consent-code-wrong", "Wrong code", extra={"tries_left": 2})
        del self._challenges[challenge_id]  # a code is good once
        self._consent(customer_id)

    def record_consent_by_visit(self, customer_id: int) -> None:
        self._need_online()
        if customer_id not in self._visits:
            raise ApiProblem(403, "consent-proof-required", "No identity scan here")
        self._consent(customer_id)

    def _coupon(self, code: str | None, token: str | None) -> Coupon:
        found = next((c for c in self.coupons.values() if (code and c.code == code) or (token and c.token == token)), None)  # fmt: skip
        if found is None:
            raise ApiProblem(404, "coupon-not-found", "No such coupon")
        return found

    def _discount(self, coupon: Coupon, total: int) -> int:
        return min(total, total * coupon.value // 10000 if coupon.kind == "percent" else coupon.value)  # fmt: skip

    def _claim(self, ref: str, total: int) -> int:
        """The atomic claim: a coupon used up is refused, whichever till asked first."""
        coupon = self._coupon(ref, ref)
        if coupon.redeemed >= coupon.max_redemptions:
            raise ApiProblem(409, "coupon-used-up", "Coupon already used", coupon.code)
        coupon.redeemed += 1
        return self._discount(coupon, total)

    def _coupon_out(self, c: Coupon) -> CouponOut:
        now = _now()
        return CouponOut.model_validate({"code": c.code, "campaign": c.campaign, "kind": c.kind, "value": c.value, "min_basket_kurus": 0, "valid_from": now - timedelta(days=1), "valid_until": now + timedelta(days=1), "channels": ["store"], "max_redemptions": c.max_redemptions, "per_customer_limit": None, "redeemed_count": c.redeemed, "customer_id": None})  # fmt: skip

    def _total(self, lines: list[Any]) -> int:
        return sum(self._variant(x.sku)[1].price_kurus * x.quantity for x in lines)

    def validate_coupon(self, body: dict[str, Any]) -> CouponValidation:
        request = checked(lambda: CouponValidateRequest.model_validate(body))
        self._need_online()
        c, total = self._coupon(request.code, request.token), self._total(request.basket.lines)
        used = c.redeemed >= c.max_redemptions
        return CouponValidation(coupon=self._coupon_out(c), applies=not used, basket_total_kurus=total, discount_kurus=0 if used else self._discount(c, total), reasons=["used_up"] if used else [])  # fmt: skip

    def _redeem(self, request: RedemptionCreate) -> RedemptionOut:
        total = self._total(request.basket.lines)
        coupon = self._coupon(request.code, request.token)
        discount = self._claim(coupon.code, total)
        rid = next(self._ids)
        self.redemptions[rid] = RedemptionOut(id=rid, coupon_code=coupon.code, status="confirmed", customer_id=request.basket.customer_id, order_id=None, location_id=request.location_id, till_id=request.till_id, sale_ref=request.sale_ref, associate_id=None, discount_kurus=discount, basket_total_kurus=total, created_at=_now(), voided_at=None)  # fmt: skip
        return self.redemptions[rid]

    def redeem_coupon(self, body: dict[str, Any], *, key: str) -> RedemptionOut:
        request = checked(lambda: RedemptionCreate.model_validate(body))
        self._need_online()
        if key in self._answers:  # the same tap sent again gets the same redemption
            answer: RedemptionOut = self._answers[key].answer
            return answer
        redemption = self._redeem(request)
        self._answers[key] = Submitted("sent", redemption)
        return redemption

    def void_redemption(self, redemption_id: int) -> RedemptionOut:
        self._need_online()
        r = self.redemptions[redemption_id]
        if r.status != "voided":
            self.coupons[r.coupon_code].redeemed -= 1  # the coupon may be used again
            r = self.redemptions[redemption_id] = r.model_copy(update={"status": "voided", "voided_at": _now()})  # fmt: skip
        return r

    def enrolment_code(self) -> EnrolmentCodeOut:
        who = self._need_manager()
        code = f"ENROL-{next(self._ids)}"
        self.enrol_codes[code] = who.associate.store.code
        return EnrolmentCodeOut(code=code, expires_at=_now() + timedelta(minutes=15))

    def devices(self) -> DeviceList:
        store = self._need_manager().associate.store.code
        return DeviceList(items=[row for _, s, row in self.devices_.values() if s == store])

    def staff(self, store_id: int) -> StaffList:
        self._need_manager()
        return StaffList(items=[StaffMember(id=a.id, code=a.code, name=a.name, role=a.role, active=a.active, locked_on=[d for d, n in a.wrong.items() if n >= LOCK_AFTER]) for a in self.associates.values() if a.store_id == store_id])  # fmt: skip

    def revoke_device(self, device_id: str) -> DeviceOut:
        self._need_manager()
        secret, store, row = self.devices_[device_id]
        row = row.model_copy(update={"revoked_at": _now()})
        self.devices_[device_id] = (secret, store, row)
        return row

    def _associate(self, associate_id: int) -> Associate:
        self._need_manager()
        return next(a for a in self.associates.values() if a.id == associate_id)

    def set_associate_active(self, associate_id: int, *, active: bool) -> None:
        self._associate(associate_id).active = active

    def unlock_associate(self, associate_id: int) -> None:
        self._associate(associate_id).wrong.clear()

    def send_pay_link(self, order_id: int, channel: str, lang: str = "tr") -> None:
        """As the API: only to the order's own customer's contact on file, only while it
        awaits payment; what was "sent" is kept in `pay_links_sent` for tests to read."""
        order = self.order(order_id)
        if order.status != "placed":
            raise ApiProblem(409, "not-payable", "Nothing to pay")
        p = (
            self.customers[order.customer_id].profile
            if order.customer_id in self.customers
            else None
        )
        to = (p.phone if channel == "sms" else p.email) if p is not None else None
        if not to:
            raise ApiProblem(409, "pay-link-contact-missing", "No contact on file", None, {"channel": channel})  # fmt: skip
        sent: list[tuple[int, str, str]] = vars(self).setdefault("pay_links_sent", [])
        sent.append((order_id, channel, to))

    # -- the queue and the cache -------------------------------------------------------------

    @property
    def queued(self) -> int:
        return sum(w.status == "pending" for w in self._queue)

    @property
    def failed(self) -> int:
        return sum(w.status == "failed" for w in self._queue)

    def waiting(self) -> list[QueuedWork]:
        return [QueuedWork(id=w.id, kind=w.kind, label=w.label, associate_code=w.by.associate_code, customer_id=w.customer_id, status=w.status, error_kind=w.problem.kind if w.problem else None, error_detail=w.problem.detail if w.problem else None, created_at=w.created_at) for w in self._queue]  # fmt: skip

    def dismiss(self, command_id: int) -> None:
        self._queue = [w for w in self._queue if not (w.id == command_id and w.status == "failed")]  # fmt: skip

    def sync(self, store_id: int, *, till_rules: bool, progress: Progress | None = None) -> None:
        if not self.online:
            return  # never raises for a network that is gone
        for w in [w for w in self._queue if w.status == "pending"]:
            try:
                w.send()
            except ApiProblem as exc:
                w.status, w.problem = "failed", exc
            else:
                self._queue.remove(w)
        self._synced = True
        for cid in list(self._cached):  # the cached customers, as the API has them now
            try:
                self._cached[cid] = self._visible(cid)
            except ApiProblem:
                del self._cached[cid]
        if progress is not None:
            progress("done", len(self.products))
        self.last_sync = _now().isoformat()

    def till_facts(self, till_id: str, items: dict[str, int], since: datetime) -> TillFacts:
        try:
            total: int | None = sum(self._variant(s)[1].price_kurus * n for s, n in items.items())
        except ApiProblem:
            total = None
        mine = [w for w in self._queue if w.kind == "redemption" and w.till_id == till_id and w.created_at >= since]  # fmt: skip
        store = self._who.associate.store.id if self._who else 0
        return TillFacts(self.policy.get(store), self.ring.coupon_public_keys, total, (len(mine), sum(w.amount_kurus for w in mine)))  # fmt: skip


def _satisfies_the_protocol() -> Gateway:
    """mypy checks here that the fake has every member of the gateway, typed alike."""
    gateway: Gateway = MemoryGateway.demo()
    return gateway
