"""Scene 7, coupons at the till: the cashier scans the sale's items and the customer's coupon
QR, sees what it gives and whether it applies to this basket, redeems it (once, across every
till and the website: the server's atomic claim decides), and voids it if the sale is
cancelled."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.contracts.media import product_image_url
from app.contracts.promotions import CouponValidation, RedemptionOut
from app.contracts.scan import ScannedCoupon
from app.tablet.i18n import LOCAL as STORE_TIME  # a till's day is the store's day
from app.tablet.i18n.problems import reason_words, scan_words
from app.tablet.problem import ApiProblem
from app.tablet.state.customer import CustomerScene
from app.tablet.state.offline_till import OfflineOffer, offline_offer
from app.tablet.state.session import Scene


@dataclass(frozen=True)
class TillItem:
    """What the till shows of a scanned item (from the catalogue, cached for offline use)."""

    sku: str
    product_id: int
    name_tr: str
    name_en: str
    size: str
    colour: str
    colour_en: str
    price_kurus: int

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_tr

    def colour_name(self, lang: str) -> str:
        return self.colour_en if lang == "en" and self.colour_en else self.colour

    @property
    def thumb_url(self) -> str:
        return product_image_url(self.product_id, self.colour or None, "thumb")


@dataclass
class TillScene(Scene):
    customer: CustomerScene = field(repr=False, kw_only=True)
    items: dict[str, int] = field(default_factory=dict)  # sku -> quantity, in scan order
    known: dict[str, TillItem] = field(default_factory=dict)  # sku -> its name, size, price
    coupon: str = ""  # the QR payload or a printed code
    coupon_name: str = ""  # "Doğum günü hediyesi · HB-QW3T-SLZP" once the scan has read it
    check: CouponValidation | None = None
    redemption: RedemptionOut | None = None
    message: str | None = None  # i18n key
    detail: str = ""
    error: bool = False
    sale_ref: str = field(default_factory=lambda: uuid.uuid4().hex[:12].upper())
    # Offered when the network is gone and the store allows it: the risk, for the cashier
    # to accept or not.
    offline_offer: OfflineOffer | None = None
    queued_offline: bool = False  # this sale's coupon waits in the outbox
    shopper_id: int | None = None  # identified at the till, or the owner of their coupon
    shopper_name: str = ""

    @property
    def till_id(self) -> str:
        return self.session.device_id[:40]  # each tablet is its own till

    def show(self) -> None:
        self.session.show("till")
        self.session.changed()

    def scan(self, payload: str) -> None:
        """At the till one field takes both: the items of the sale and the coupon."""
        text = payload.strip()
        if not text:
            return
        try:
            result = self.gateway.scan(text)  # items are found in the cache offline too
        except ApiProblem as exc:
            if exc.offline and text.upper().startswith("RY1C"):
                self.set_coupon(text)  # a coupon QR: checked offline at redemption
                self.session.changed()
                return
            self.refused(exc)
            return
        if result.kind == "identity":
            if result.valid and result.customer is not None:
                # The customer's own app code: the sale is theirs (their coupons apply).
                c = result.customer
                self.shopper_id, self.shopper_name = c.id, f"{c.first_name} {c.last_name}"
                self._say("till_customer_attached", self.shopper_name)
            else:
                lang = self.session.lang
                self._say("scan_refused", scan_words(lang, result.kind, result.reason), error=True)
        elif result.kind == "coupon":
            self.take_coupon(text, result.coupon)
        elif result.product is not None and result.product.sku:
            self.add_item(result.product.sku)
            self._learn(result.product.sku, result.product.product_id)
        elif result.kind == "unknown":
            self.set_coupon(text)  # a printed campaign code, typed at the till
        else:  # a shelf label, a pay link...: not part of a sale
            lang = self.session.lang
            self._say("scan_refused", scan_words(lang, result.kind, result.reason), error=True)
        self.session.changed()

    def add_item(self, sku: str) -> None:
        sku = sku.strip().upper()
        if sku:
            self.items[sku] = min(99, self.items.get(sku, 0) + 1)
            self.check = None
            self.message, self.detail, self.error = None, "", False  # no longer applies

    def remove_item(self, sku: str) -> None:
        """One unit of an item scanned by mistake taken off the sale."""
        left = self.items.get(sku, 0) - 1
        if left > 0:
            self.items[sku] = left
        else:
            self.items.pop(sku, None)
        self.check = None
        self.message, self.detail, self.error = None, "", False
        self.session.changed()

    def _learn(self, sku: str, product_id: int) -> None:
        """The item's name, size and price for the screen, from the catalogue (the cache
        offline). Without them the till still sells: it shows the SKU."""
        if sku in self.known:
            return
        try:
            product = self.gateway.product(product_id)
        except ApiProblem:
            return
        v = next((x for x in product.variants if x.sku == sku), None)
        if v is not None:
            self.known[sku] = TillItem(
                sku,
                product.id,
                product.name_tr,
                product.name_en,
                v.size,
                v.colour,
                v.colour_en or "",
                v.price_kurus,
            )

    @property
    def total_kurus(self) -> int | None:
        """The sale's total at catalogue prices; None while an item's price is not known."""
        if any(sku not in self.known for sku in self.items):
            return None
        return sum(self.known[sku].price_kurus * q for sku, q in self.items.items())

    @property
    def customer_id(self) -> int | None:
        """Whose sale it is: the customer scanned at the till (or the coupon's owner), else
        the customer being served."""
        return self.shopper_id if self.shopper_id is not None else self.customer.customer_id

    def set_coupon(self, payload: str) -> None:
        self.message = None
        self.coupon = payload.strip()
        self.coupon_name = ""
        self.check = None
        self.redemption = None
        self.offline_offer = None
        self.queued_offline = False

    def take_coupon(self, payload: str, coupon: ScannedCoupon | None) -> None:
        """A coupon scanned here or on home by a cashier; a personal coupon's signed QR names
        its owner, the one showing it, and the sale becomes theirs."""
        self.set_coupon(payload)
        if coupon is not None:
            self.coupon_name = f"{coupon.campaign} · {coupon.code}"
        owner = coupon.customer_id if coupon is not None else None
        if owner is not None and owner != self.shopper_id:
            self.shopper_id, self.shopper_name = owner, ""
            # The name, only where this tablet already holds it (no look-up: the cashier
            # may not see a customer who has not consented).
            known = self.gateway.cached_customer(owner)
            if known is not None:
                p = known.profile
                self.shopper_name = f"{p.first_name} {p.last_name}"

    def _ref(self) -> dict[str, str]:
        text = self.coupon
        return {"token": text} if text.upper().startswith("RY1C") else {"code": text}

    def _basket(self, customer_id: int | None) -> dict[str, object]:
        lines = [{"sku": s, "quantity": q} for s, q in self.items.items()]
        return {"lines": lines, "customer_id": customer_id, "channel": "store"}

    def _say(self, key: str, detail: str = "", *, error: bool = False) -> None:
        self.message, self.detail, self.error = key, detail, error

    def check_coupon(self) -> None:
        self._check(self.customer_id)
        self.session.changed()

    def _check(self, customer_id: int | None) -> None:
        if not self.coupon or not self.items:
            self._say("till_need_both", error=True)
            return
        try:
            self.check = self.gateway.validate_coupon(
                {**self._ref(), "basket": self._basket(customer_id)}
            )
        except ApiProblem as exc:
            self.check = None
            if exc.offline:
                self._say("coupon_offline", error=True)
                return
            self._say("coupon_invalid", self.words(exc), error=True)
            return
        if self.check.applies:
            self._say("coupon_applies")
        else:
            lang = self.session.lang
            reasons = " ".join(reason_words(lang, r) for r in self.check.reasons)
            self._say("coupon_not_applicable", reasons, error=True)

    def redeem_coupon(self) -> None:
        self._redeem(self.session.store_id, self.customer_id)
        if self.message == "coupon_offline" and self.gateway.keeps_cache:
            since = datetime.now(STORE_TIME).replace(hour=0, minute=0, second=0, microsecond=0)
            facts = self.gateway.till_facts(self.till_id, self.items, since.astimezone(UTC))
            offer, why = offline_offer(
                payload=self.coupon,
                public_keys=facts.coupon_keys,
                policy=facts.policy,
                basket_total_kurus=facts.basket_total_kurus,
                used=facts.used_today,
            )
            self.offline_offer = offer
            if offer is None and why != "offline_no_policy":
                self.message, self.detail = why, ""
        self.session.changed()

    def redeem_offline(self) -> None:
        """The cashier saw the risk and redeems anyway: queued, settled by the server later."""
        offer = self.offline_offer
        if offer is None:
            return
        body = {
            "token": self.coupon,
            "location_id": self.session.store_id,
            "till_id": self.till_id,
            "sale_ref": self.sale_ref,
            "basket": self._basket(self.customer_id),
            "offline_at": datetime.now(UTC).isoformat(),
        }
        try:
            submitted = self.gateway.redeem_offline(
                self.session.author,
                body,
                key=str(uuid.uuid4()),
                label=f"{offer.campaign} · {self.sale_ref}",
                discount_kurus=offer.discount_kurus,
            )
        except ApiProblem as exc:
            self.refused(exc)
            return
        self.offline_offer = None
        if submitted.status == "failed" and submitted.problem is not None:
            # The network came back in time for the server to say no.
            self._say("coupon_invalid", self.words(submitted.problem), error=True)
        elif submitted.status == "sent":
            self.redemption = submitted.answer
            self._say("coupon_redeemed")
        else:
            self.queued_offline = True
            self._say("coupon_redeemed_offline")
        self.session.changed()

    def _redeem(self, location_id: int, customer_id: int | None) -> None:
        if not self.coupon or not self.items:
            self._say("till_need_both", error=True)
            return
        body = {
            **self._ref(),
            "location_id": location_id,
            "till_id": self.till_id,
            "sale_ref": self.sale_ref,
            "basket": self._basket(customer_id),
        }
        try:
            self.redemption = self.gateway.redeem_coupon(body, key=str(uuid.uuid4()))
        except ApiProblem as exc:
            if exc.offline:  # exactly once across every till needs the server's word
                self._say("coupon_offline", error=True)
            elif exc.status == 409:  # the message says it all; the API's detail is a code
                self._say("coupon_used_up", error=True)
            else:
                self._say("coupon_invalid", self.words(exc), error=True)
            return
        self._say("coupon_redeemed")

    def void_coupon(self) -> None:
        if self.redemption is not None:
            try:
                self.redemption = self.gateway.void_redemption(self.redemption.id)
                self._say("coupon_voided")
            except ApiProblem as exc:
                self._say("coupon_invalid", self.words(exc), error=True)
        self.session.changed()

    def new_sale(self) -> None:
        self.items.clear()
        self.check, self.redemption = None, None
        self.offline_offer = None
        self.set_coupon("")
        self.message = None
        self.shopper_id, self.shopper_name = None, ""
        self.sale_ref = uuid.uuid4().hex[:12].upper()
        self.session.changed()
