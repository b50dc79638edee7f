"""The in-memory gateway's orders and till: placing with reservations, pay links, coupons."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from app.contracts.orders import OrderCreate, OrderOut, OrderSummary, PayLinkOut
from app.contracts.promotions import (
    CouponOut,
    CouponValidateRequest,
    CouponValidation,
    RedemptionCreate,
    RedemptionOut,
)
from app.tablet.gateway import Author, Submitted, TillFacts, checked
from app.tablet.gateway.memory.base import MemoryBase, utcnow
from app.tablet.gateway.memory_world import Coupon
from app.tablet.problem import ApiProblem


class MemoryOrders(MemoryBase):
    # -- orders ------------------------------------------------------------------------------------

    def order(self, order_id: int) -> OrderOut:
        self._need_online()
        if order_id not in self.orders:
            raise ApiProblem(404, "not-found", "No such order")
        return self.orders[order_id]

    def pay_link(self, order_id: int) -> PayLinkOut:
        self._need_online()
        return PayLinkOut(order_id=order_id, url=f"{self.api_url}/pay/{order_id}", expires_at=utcnow() + timedelta(hours=1))  # fmt: skip

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
        oid, now = next(self._ids), utcnow()
        order = OrderOut.model_validate({"id": oid, "number": f"RY-{oid}", "customer_id": body.customer_id, "channel": "endless_aisle", "status": "placed", "fulfilment_type": f.type, "ship_to": None, "pickup_location_id": f.location_id, "store_location_id": here, "associate_id": None, "coupon_code": body.coupon, "subtotal_kurus": subtotal, "discount_kurus": discount, "total_kurus": subtotal - discount, "kdv_kurus": 0, "currency": "TRY", "placed_at": now, "lines": [], "history": []})  # fmt: skip
        self.orders[oid] = order
        summary = OrderSummary(id=oid, number=order.number, channel=order.channel, status=order.status, fulfilment_type=order.fulfilment_type, store_location_code=by.store_code, total_kurus=order.total_kurus, item_count=sum(x.quantity for x in body.lines), placed_at=now)  # fmt: skip
        self._amend(body.customer_id, lambda v: v.orders.insert(0, summary))
        return order

    # -- the till's coupons ------------------------------------------------------------------------

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
        now = utcnow()
        return CouponOut.model_validate({"code": c.code, "campaign": c.campaign, "kind": c.kind, "value": c.value, "min_basket_kurus": 0, "valid_from": now - timedelta(days=1), "valid_until": now + timedelta(days=1), "channels": ["store"], "max_redemptions": c.max_redemptions, "per_customer_limit": None, "redeemed_count": c.redeemed, "customer_id": None})  # fmt: skip

    def _total(self, lines: list[Any]) -> int:
        return sum(self._variant(x.sku)[1].price_kurus * x.quantity for x in lines)

    def validate_coupon(self, body: dict[str, Any]) -> CouponValidation:
        request = checked(lambda: CouponValidateRequest.model_validate(body))
        self._need_online()
        c, total = (
            self._coupon(request.code, request.token),
            self._total(request.basket.lines),
        )
        used = c.redeemed >= c.max_redemptions
        return CouponValidation(coupon=self._coupon_out(c), applies=not used, basket_total_kurus=total, discount_kurus=0 if used else self._discount(c, total), reasons=["used_up"] if used else [])  # fmt: skip

    def _redeem(self, request: RedemptionCreate) -> RedemptionOut:
        total = self._total(request.basket.lines)
        coupon = self._coupon(request.code, request.token)
        discount = self._claim(coupon.code, total)
        rid = next(self._ids)
        self.redemptions[rid] = RedemptionOut(id=rid, coupon_code=coupon.code, status="confirmed", customer_id=request.basket.customer_id, order_id=None, location_id=request.location_id, till_id=request.till_id, sale_ref=request.sale_ref, associate_id=None, discount_kurus=discount, basket_total_kurus=total, created_at=utcnow(), voided_at=None)  # fmt: skip
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

    def redeem_offline(self, by: Author, body: dict[str, Any], *, key: str, label: str, discount_kurus: int) -> Submitted:  # fmt: skip
        request = checked(lambda: RedemptionCreate.model_validate(body))

        def settle() -> RedemptionOut:
            try:
                return self._redeem(request)
            except ApiProblem as exc:  # used up elsewhere meanwhile: the manager's loss
                raise ApiProblem(409, "offline-redemption-lost", "Coupon used up", exc.detail) from None  # fmt: skip

        return self._submit(by, "redemption", key, label, request.basket.customer_id, settle, till_id=request.till_id, amount_kurus=discount_kurus)  # fmt: skip

    def void_redemption(self, redemption_id: int) -> RedemptionOut:
        self._need_online()
        r = self.redemptions[redemption_id]
        if r.status != "voided":
            self.coupons[r.coupon_code].redeemed -= 1  # the coupon may be used again
            r = self.redemptions[redemption_id] = r.model_copy(update={"status": "voided", "voided_at": utcnow()})  # fmt: skip
        return r

    def till_facts(self, till_id: str, items: dict[str, int], since: datetime) -> TillFacts:
        try:
            total: int | None = sum(self._variant(s)[1].price_kurus * n for s, n in items.items())
        except ApiProblem:
            total = None
        mine = [w for w in self._queue if w.kind == "redemption" and w.till_id == till_id and w.created_at >= since]  # fmt: skip
        store = self._who.associate.store.id if self._who else 0
        return TillFacts(self.policy.get(store), self.ring.coupon_public_keys, total, (len(mine), sum(w.amount_kurus for w in mine)))  # fmt: skip
