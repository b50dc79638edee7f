"""Scene 7, coupons at the till: the cashier scans the sale's items and the customer's coupon
QR, sees what it gives and whether it applies to this basket, redeems it (once, across every
till and the website: the server's atomic claim decides), and voids it if the sale is
cancelled."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.contracts.promotions import CouponValidation, RedemptionOut
from app.tablet.client import ApiProblem, ReyonClient
from app.tablet.state.offline_till import OfflineOffer


@dataclass
class TillState:
    till_id: str = "KASA-1"
    items: dict[str, int] = field(default_factory=dict)  # sku -> quantity, in scan order
    coupon: str = ""  # the QR payload or a printed code
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

    def add_item(self, sku: str) -> None:
        sku = sku.strip().upper()
        if sku:
            self.items[sku] = min(99, self.items.get(sku, 0) + 1)
            self.check = None

    def set_coupon(self, payload: str) -> None:
        self.coupon = payload.strip()
        self.check = None
        self.redemption = None
        self.offline_offer = None
        self.queued_offline = False

    def _ref(self) -> dict[str, str]:
        text = self.coupon
        return {"token": text} if text.upper().startswith("RY1C") else {"code": text}

    def _basket(self, customer_id: int | None) -> dict[str, object]:
        lines = [{"sku": s, "quantity": q} for s, q in self.items.items()]
        return {"lines": lines, "customer_id": customer_id, "channel": "store"}

    def _say(self, key: str, detail: str = "", *, error: bool = False) -> None:
        self.message, self.detail, self.error = key, detail, error

    def validate(self, client: ReyonClient, customer_id: int | None) -> None:
        if not self.coupon or not self.items:
            self._say("till_need_both", error=True)
            return
        try:
            self.check = client.validate_coupon(
                {**self._ref(), "basket": self._basket(customer_id)}
            )
        except ApiProblem as exc:
            self.check = None
            if exc.offline:
                self._say("coupon_offline", error=True)
                return
            self._say("coupon_invalid", exc.detail or exc.title, error=True)
            return
        if self.check.applies:
            self._say("coupon_applies")
        else:
            self._say("coupon_not_applicable", ", ".join(self.check.reasons), error=True)

    def redeem(self, client: ReyonClient, location_id: int, customer_id: int | None) -> None:
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
            self.redemption = client.redeem(body, key=str(uuid.uuid4()))
        except ApiProblem as exc:
            if exc.offline:  # exactly once across every till needs the server's word
                self._say("coupon_offline", error=True)
            elif exc.status == 409:  # the message says it all; the API's detail is a code
                self._say("coupon_used_up", error=True)
            else:
                self._say("coupon_invalid", exc.detail or exc.title, error=True)
            return
        self._say("coupon_redeemed")

    def void(self, client: ReyonClient) -> None:
        if self.redemption is None:
            return
        try:
            self.redemption = client.void_redemption(self.redemption.id)
        except ApiProblem as exc:
            self._say("coupon_invalid", exc.detail or exc.title, error=True)
            return
        self._say("coupon_voided")

    def new_sale(self) -> None:
        self.items.clear()
        self.offline_offer = None
        self.set_coupon("")
        self.message = None
        self.sale_ref = uuid.uuid4().hex[:12].upper()
