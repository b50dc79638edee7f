"""The live gateway's orders and till: place, read, pay link, and coupons online or offline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.contracts.orders import OrderCreate, OrderOut, PayLinkOut
from app.contracts.promotions import (
    CouponValidateRequest,
    CouponValidation,
    RedemptionCreate,
    RedemptionOut,
)
from app.tablet.gateway import Author, Submitted, TillFacts, checked
from app.tablet.gateway.live.base import LiveBase


class LiveOrders(LiveBase):
    # -- orders ----------------------------------------------------------------------------

    def order(self, order_id: int) -> OrderOut:
        return self.client.order(order_id)

    def pay_link(self, order_id: int) -> PayLinkOut:
        return self.client.pay_link(order_id)

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

    def send_pay_link(self, order_id: int, channel: str, lang: str = "tr") -> None:
        self.client.send_pay_link(order_id, channel, lang)

    # -- the till's coupons ----------------------------------------------------------------

    def redeem_offline(
        self,
        by: Author,
        body: dict[str, Any],
        *,
        key: str,
        label: str,
        discount_kurus: int,
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

    def validate_coupon(self, body: dict[str, Any]) -> CouponValidation:
        request = checked(lambda: CouponValidateRequest.model_validate(body))
        return self.client.validate_coupon(request)

    def redeem_coupon(self, body: dict[str, Any], *, key: str) -> RedemptionOut:
        request = checked(lambda: RedemptionCreate.model_validate(body))
        return self.client.redeem(request, key=key)

    def void_redemption(self, redemption_id: int) -> RedemptionOut:
        return self.client.void_redemption(redemption_id)

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
