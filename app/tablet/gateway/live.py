"""The gateway a tablet in a store runs on: the central API, with the offline cache behind it.
Reads ask the API and, when it cannot be reached, answer from the cache (what this tablet
synced and the customers it opened). Writes that may wait are commands through the durable
outbox: sent at once when the API answers, queued when it does not, with their optimistic
effect on the cached customer in the same local transaction. Without a cache (tests of the
online paths) the same calls go straight to the API."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel

from app.contracts.auth import LoginResponse, StaffList
from app.contracts.catalog import ProductDetail, ProductPage, ProductQuery
from app.contracts.customers import (
    CodeProof,
    ConsentChallengeOut,
    CustomerSearchResult,
    CustomerView,
    ItemRef,
    NoteCreate,
    NoteOut,
    TryOnCreate,
    TryOnOut,
    VisitProof,
    WishlistAdd,
    WishlistItem,
)
from app.contracts.devices import DeviceCredential, DeviceList, DeviceOut, EnrolmentCodeOut
from app.contracts.inventory import Availability, ProductStock
from app.contracts.orders import OrderCreate, OrderOut, PayLinkOut
from app.contracts.promotions import (
    CouponValidateRequest,
    CouponValidation,
    RedemptionCreate,
    RedemptionOut,
)
from app.contracts.reports import StoreReport
from app.contracts.scan import ScannedProduct, ScanRequest, ScanResult
from app.contracts.sync import Health
from app.domain.consent import TEXT_VERSION
from app.tablet.cache.outbox import NewCommand
from app.tablet.cache.store import Cache
from app.tablet.client import ReyonClient
from app.tablet.gateway import (
    Author,
    Progress,
    QueuedWork,
    SignedIn,
    Submitted,
    TillFacts,
    checked,
)
from app.tablet.offline import Offline
from app.tablet.problem import ApiProblem

T = TypeVar("T")
TILL_RULES_EVERY = timedelta(minutes=10)


def _now() -> datetime:
    return datetime.now(UTC)


def _placeholder_id() -> int:
    """Rows shown before the API has them get negative ids: never a real one."""
    return -random.randint(1, 2**31 - 1)


class LiveGateway:
    def __init__(self, client: ReyonClient, offline: Offline | None = None) -> None:
        self.client = client
        self.offline = offline
        # The PIN of an offline log-in, in memory only, until the API answers again: then
        # the tablet logs in online with it (the remembered token may have been ended by a
        # log-out) and forgets it.
        self._resume: tuple[str, str, str] | None = None  # store, associate, PIN

    # -- the connection ------------------------------------------------------------------

    @property
    def online(self) -> bool:
        return self.offline.online if self.offline is not None else True

    @property
    def keeps_cache(self) -> bool:
        return self.offline is not None

    @property
    def api_url(self) -> str:
        return self.client.base_url

    def health(self) -> Health:
        return self.client.health()

    def use_api(self, url: str) -> Health:
        if url.rstrip("/") == self.client.base_url:
            # The API in use, checked again: the session there goes on (a new client would
            # drop its token, and the next call would end the associate's session).
            return self.client.health()
        previous, token = self.client.base_url, self.client.token
        self.client.set_base_url(url)
        try:
            return self.client.health()
        except ApiProblem:
            self.client.set_base_url(previous)
            self.client.token = token  # still logged in where it was
            raise

    # -- the tablet and who uses it --------------------------------------------------------

    def enrol(self, code: str, name: str | None) -> DeviceCredential:
        return self.client.enrol(code, name)

    def log_in(
        self, store_code: str, associate_code: str, pin: str, device: tuple[str, str]
    ) -> SignedIn:
        people = self.offline.people if self.offline is not None else None
        try:
            session = self.client.login(store_code, associate_code, pin, *device)
        except ApiProblem as exc:
            if not exc.offline or people is None:
                raise
            remembered = people.log_in(store_code, associate_code, pin)
            self.client.token = remembered.access_token  # may have run out: reads fall back
            self._resume = (store_code, associate_code, pin)
            assert self.offline is not None
            self.offline.online = False
            return SignedIn(remembered, offline=True)
        if people is not None:
            people.remember(store_code, pin, session)
        self._resume = None
        if self.offline is not None:
            self.offline.online = True
        return SignedIn(session)

    def resume_online(self, device: tuple[str, str]) -> LoginResponse | None:
        if self._resume is None:
            return None
        store, code, pin = self._resume
        try:
            fresh = self.client.login(store, code, pin, *device)
        except ApiProblem as exc:
            if not exc.offline:  # refused (deactivated meanwhile): a log-in online is needed
                self._resume = None
            return None
        self._resume = None
        if self.offline is not None:
            self.offline.people.remember(store, pin, fresh)
            self.offline.online = True
            self.offline.outbox.wake()  # what waited under the remembered token goes now
        return fresh

    def log_out(self) -> None:
        self._resume = None
        self.client.log_out()

    def follow_store(self, store_id: int) -> None:
        if self.offline is not None:
            with contextlib.suppress(ApiProblem):  # the next sync tries again
                self.offline.follow_store(store_id)

    # -- reads -----------------------------------------------------------------------------

    def _read(self, ask: Callable[[], T], from_cache: Callable[[Cache], T | None]) -> T:
        try:
            answer = ask()
        except ApiProblem as exc:
            if self.offline is None:
                raise
            self.offline.saw(exc)
            if not exc.offline:
                raise
            cached = from_cache(self.offline.cache)
            if cached is None:
                raise
            return cached
        if self.offline is not None:
            self.offline.online = True
        return answer

    def search_products(self, query: ProductQuery) -> ProductPage:
        return self._read(
            lambda: self.client.search_products(query),
            lambda cache: cache.search_products(query),
        )

    def product(self, product_id: int) -> ProductDetail:
        return self._read(
            lambda: self.client.product(product_id), lambda cache: cache.product(product_id)
        )

    def availability(self, sku: str, near: int | None = None) -> Availability:
        return self._read(
            lambda: self.client.availability(sku, near=near),
            lambda cache: cache.availability(sku, near),
        )

    def product_stock(self, product_id: int, near: int | None = None) -> ProductStock:
        return self._read(
            lambda: self.client.product_stock(product_id, near=near),
            lambda cache: cache.product_stock(product_id, near),
        )

    def order(self, order_id: int) -> OrderOut:
        return self.client.order(order_id)

    def picture(self, url: str) -> bytes | None:
        kept = self.offline.pictures if self.offline is not None else None
        if kept is not None:
            data = kept.get(url)
            if data is not None:
                return data
            if not self.offline.online:  # type: ignore[union-attr]
                return None  # no waiting on a connection for every picture of a screen
        try:
            data = self.client.picture(url)
        except ApiProblem as exc:
            if self.offline is not None:
                self.offline.saw(exc)
            return None
        if kept is not None:
            kept.keep(url, data)
        return data

    def scan(self, payload: str) -> ScanResult:
        """Offline, product codes are still found in the cache; signed codes need the API."""

        def from_cache(cache: Cache) -> ScanResult | None:
            found = cache.find_code(payload)
            if found is None:
                return None
            kind = "ean13" if payload.strip().isdigit() else "sku"
            return ScanResult(
                kind=kind,
                valid=True,
                product=ScannedProduct(product_id=found[0], sku=found[1], store_code=None),
            )

        checked(lambda: ScanRequest(payload=payload))  # refused before the network is asked
        return self._read(lambda: self.client.scan(payload), from_cache)

    def search_customers(self, field: str, text: str) -> CustomerSearchResult:
        return self.client.search_customers(**{field: text})

    def customer(self, customer_id: int) -> CustomerView:
        """Online the view is kept in the cache (the customer consented or scanned their
        code); offline the last one seen here is shown."""

        def ask() -> CustomerView:
            view = self.client.customer(customer_id)
            if self.offline is not None:
                self.offline.cache.keep_customer(view)
            return view

        return self._read(ask, lambda cache: cache.customer(customer_id, allowed_offline=True))

    def cached_customer(self, customer_id: int) -> CustomerView | None:
        return self.offline.cache.customer(customer_id) if self.offline is not None else None

    def forget_customer(self, customer_id: int) -> None:
        if self.offline is not None:
            self.offline.cache.forget_customer(customer_id)

    def store_report(self, first_day: date, last_day: date) -> StoreReport:
        return self.client.store_report(first_day, last_day)

    def pay_link(self, order_id: int) -> PayLinkOut:
        return self.client.pay_link(order_id)

    # -- writes that may wait in the queue ---------------------------------------------------

    def _write(
        self,
        by: Author,
        *,
        kind: str,
        path: str,
        body: BaseModel,
        key: str,
        customer_id: int | None,
        label: str,
        change: Callable[[CustomerView], None] | None = None,
        till_id: str | None = None,
        amount_kurus: int | None = None,
    ) -> Submitted:
        """The one way a write that may be queued leaves the tablet."""
        if self.offline is None:
            token = self.client.token or ""
            try:
                _, answer = self.client.send(
                    "POST", path, body.model_dump_json(), key=key, token=token
                )
            except ApiProblem as exc:
                if exc.offline or exc.status == 401:
                    raise
                return Submitted("failed", problem=exc)
            return Submitted("sent", answer)
        command = NewCommand(
            kind=kind,
            path=path,
            body=body,
            key=key,
            store_code=by.store_code,
            associate_code=by.associate_code,
            customer_id=customer_id,
            label=label,
            till_id=till_id,
            amount_kurus=amount_kurus,
        )
        effect = None
        if change is not None and customer_id is not None:
            cid, amend = customer_id, change

            def effect(conn: Any) -> None:
                Cache.amend_customer(conn, cid, amend)

        return self.offline.submit(command, effect)

    def add_wishlist(
        self, by: Author, customer_id: int, sku: str, *, key: str, item: ItemRef | None
    ) -> Submitted:
        def saved(view: CustomerView) -> None:
            if item is not None and all(w.item.sku != sku for w in view.wishlist):
                view.wishlist.insert(
                    0,
                    WishlistItem(
                        id=_placeholder_id(),
                        item=item,
                        channel="store",
                        location_code=by.store_code,
                        created_at=_now(),
                    ),
                )

        return self._write(
            by,
            kind="wishlist",
            path=f"/v1/customers/{customer_id}/wishlist",
            body=checked(lambda: WishlistAdd(sku=sku, channel="store")),
            key=key,
            customer_id=customer_id,
            label=sku,
            change=saved,
        )

    def add_try_on(
        self,
        by: Author,
        customer_id: int,
        sku: str,
        outcome: str,
        *,
        key: str,
        item: ItemRef | None,
    ) -> Submitted:
        body = checked(lambda: TryOnCreate.model_validate({"sku": sku, "outcome": outcome}))

        def tried(view: CustomerView) -> None:
            if item is not None:
                view.try_ons.insert(
                    0,
                    TryOnOut(
                        id=_placeholder_id(),
                        item=item,
                        outcome=body.outcome,
                        note="",
                        location_code=by.store_code,
                        associate_name=by.associate_name,
                        tried_at=_now(),
                    ),
                )

        return self._write(
            by,
            kind="try_on",
            path=f"/v1/customers/{customer_id}/try-ons",
            body=body,
            key=key,
            customer_id=customer_id,
            label=f"{sku} · {outcome}",
            change=tried,
        )

    def add_note(self, by: Author, customer_id: int, note: str, *, key: str) -> Submitted:
        def noted(view: CustomerView) -> None:
            view.notes.insert(
                0,
                NoteOut(
                    id=_placeholder_id(),
                    body=note,
                    associate_name=by.associate_name,
                    location_code=by.store_code,
                    created_at=_now(),
                ),
            )

        return self._write(
            by,
            kind="note",
            path=f"/v1/customers/{customer_id}/notes",
            body=checked(lambda: NoteCreate(body=note)),
            key=key,
            customer_id=customer_id,
            label=note[:60],
            change=noted,
        )

    def place_order(self, by: Author, body: OrderCreate, *, key: str, label: str) -> Submitted:
        """The order as it was when the associate tapped; offline it waits in the queue and
        the API reserves the stock (or refuses it) when it arrives."""
        submitted = self._write(
            by,
            kind="order",
            path="/v1/orders",
            body=body,
            key=key,
            customer_id=body.customer_id,
            label=label,
        )
        if submitted.status == "sent":
            submitted.answer = OrderOut.model_validate(submitted.answer)
        return submitted

    def redeem_offline(
        self, by: Author, body: dict[str, Any], *, key: str, label: str, discount_kurus: int
    ) -> Submitted:
        """A coupon the cashier redeemed with no network: settled by the server later."""
        request = checked(lambda: RedemptionCreate.model_validate(body))
        submitted = self._write(
            by,
            kind="redemption",
            path="/v1/redemptions",
            body=request,
            key=key,
            customer_id=request.basket.customer_id,
            label=label,
            till_id=request.till_id,
            amount_kurus=discount_kurus,
        )
        if submitted.status == "sent":
            submitted.answer = RedemptionOut.model_validate(submitted.answer)
        return submitted

    # -- writes that need the API's word now -------------------------------------------------

    def send_consent_code(self, customer_id: int, channel: str, lang: str) -> ConsentChallengeOut:
        return self.client.send_consent_code(customer_id, channel, lang)

    def record_consent_by_code(self, customer_id: int, challenge_id: int, code: str) -> None:
        proof = CodeProof(kind="code", challenge_id=challenge_id, code=code)
        self.client.record_consent(customer_id, proof=proof, text_version=TEXT_VERSION)

    def record_consent_by_visit(self, customer_id: int) -> None:
        self.client.record_consent(
            customer_id, proof=VisitProof(kind="visit"), text_version=TEXT_VERSION
        )

    def validate_coupon(self, body: dict[str, Any]) -> CouponValidation:
        request = checked(lambda: CouponValidateRequest.model_validate(body))
        return self.client.validate_coupon(request)

    def redeem_coupon(self, body: dict[str, Any], *, key: str) -> RedemptionOut:
        request = checked(lambda: RedemptionCreate.model_validate(body))
        return self.client.redeem(request, key=key)

    def void_redemption(self, redemption_id: int) -> RedemptionOut:
        return self.client.void_redemption(redemption_id)

    def enrolment_code(self) -> EnrolmentCodeOut:
        return self.client.enrolment_code()

    def devices(self) -> DeviceList:
        return self.client.devices()

    def staff(self, store_id: int) -> StaffList:
        return self.client.staff(store_id)

    def revoke_device(self, device_id: str) -> DeviceOut:
        return self.client.revoke_device(device_id)

    def set_associate_active(self, associate_id: int, *, active: bool) -> None:
        self.client.set_associate_active(associate_id, active=active)

    def unlock_associate(self, associate_id: int) -> None:
        self.client.unlock_associate(associate_id)

    def send_pay_link(self, order_id: int, channel: str, lang: str = "tr") -> None:
        self.client.send_pay_link(order_id, channel, lang)

    # -- the queue and the cache ----------------------------------------------------------------

    @property
    def queued(self) -> int:
        return self.offline.queued if self.offline is not None else 0

    @property
    def failed(self) -> int:
        return self.offline.failed if self.offline is not None else 0

    @property
    def last_sync(self) -> str | None:
        return self.offline.last_sync if self.offline is not None else None

    def waiting(self) -> list[QueuedWork]:
        if self.offline is None:
            return []
        return [
            QueuedWork(
                id=c.id or 0,
                kind=c.kind,
                label=c.label,
                associate_code=c.associate_code,
                customer_id=c.customer_id,
                status=c.status,
                error_kind=c.error_kind,
                error_detail=c.error_detail,
                created_at=c.created_at,
            )
            for c in self.offline.outbox.waiting()
        ]

    def dismiss(self, command_id: int) -> None:
        if self.offline is not None:
            self.offline.outbox.dismiss(command_id)

    def sync(self, store_id: int, *, till_rules: bool, progress: Progress | None = None) -> None:
        kit = self.offline
        if kit is None:
            return
        try:
            if not kit.puller.locations:
                kit.follow_store(store_id)
            kit.drain()
            kit.sync(progress)
            # The pull got through: whatever waited only for the network goes now.
            if kit.queued and kit.outbox.wake():
                kit.drain()
        except ApiProblem as exc:
            kit.saw(exc)
        if kit.online and till_rules:
            self._till_rules(kit, store_id)

    @staticmethod
    def _till_rules(kit: Offline, store_id: int) -> None:
        """The offline coupon limit and the coupon keys, fetched again every ten minutes."""
        fetched = kit.cache.state("coupon_policy_at")
        now = datetime.now(UTC)
        if fetched and now - datetime.fromisoformat(fetched) < TILL_RULES_EVERY:
            return
        try:
            kit.refresh_till_rules(store_id)
        except ApiProblem as exc:
            kit.saw(exc)
            return
        with kit.cache.write() as conn:
            Cache.set_state(conn, "coupon_policy_at", now.isoformat())

    def till_facts(self, till_id: str, items: dict[str, int], since: datetime) -> TillFacts:
        kit = self.offline
        if kit is None:
            return TillFacts(None, {}, None, (0, 0))
        return TillFacts(
            policy=kit.coupon_policy(),
            coupon_keys=kit.coupon_keys(),
            basket_total_kurus=kit.basket_total(items),
            used_today=kit.outbox.offline_redemptions(till_id, since),
        )
