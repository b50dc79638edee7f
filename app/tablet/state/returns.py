"""Scene 12, returns from any channel: find the order by its receipt (number or QR) or the
customer's app QR, choose the lines and units coming back with a reason and the item's
condition, see the refund before confirming, and take it back once.

The refund shown is the API's own rule (app/domain/returns.py: cut from what was paid for the
line, after the coupon's share), so what the associate tells the customer is what is refunded.
The return is written like an order: one Idempotency-Key made when the associate confirms, sent
now or kept in the outbox if the Wi-Fi drops at that moment."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.contracts.media import product_image_url
from app.contracts.returns import ReturnableLine, ReturnableOrder, ReturnCreate, ReturnOut
from app.domain import returns as rules
from app.domain.returns import Condition, RefundMethod, ReturnReason
from app.tablet.problem import ApiProblem
from app.tablet.state.session import Scene


@dataclass
class Pick:
    """What comes back of one line."""

    quantity: int = 0
    reason: ReturnReason | None = None
    damaged: bool = False


@dataclass
class ReturnsScene(Scene):
    orders: list[ReturnableOrder] = field(default_factory=list)  # what the last code found
    opened: ReturnableOrder | None = None
    picks: dict[int, Pick] = field(default_factory=dict)  # order line id -> what comes back
    method: RefundMethod | None = None
    done: ReturnOut | None = None  # the return just taken, shown until the next one
    queued: bool = False  # confirmed offline: in the outbox
    scan_text: str = ""
    key: str | None = None  # made when the associate confirms; kept while a retry may follow

    def show(self) -> None:
        self._reset()
        self.orders = []
        self.session.show("returns")
        self.session.say(None)
        self.session.changed()

    def _reset(self, order: ReturnableOrder | None = None) -> None:
        self.opened, self.picks, self.key = order, {}, None
        self.done, self.queued = None, False
        methods = order.refund_methods if order is not None else []
        self.method = methods[0] if methods else None

    # -- finding the order -----------------------------------------------------------------------

    def scan(self, payload: str | None = None) -> None:
        code = (payload if payload is not None else self.scan_text).strip()
        self.scan_text = ""
        if not code:
            return
        if self.opened is not None and self.done is None and self._line(code) is not None:
            self._one_more(code)
            return
        try:
            if code.upper().startswith("RY1I"):  # the customer's app QR: their received orders
                scanned = self.gateway.scan(code)
                if scanned.customer is None:
                    self.session.say("return_code_not_customer", error=True)
                    self.session.changed()
                    return
                found = self.gateway.find_return(customer_id=scanned.customer.id).orders
            else:  # the receipt's order number or the order's QR code
                found = self.gateway.find_return(code=code).orders
        except ApiProblem as exc:
            self.refused(exc)
            return
        self.orders = found
        self._reset(found[0] if len(found) == 1 else None)
        self.session.say(None if found else "return_nothing_found", error=not found)
        self.session.changed()

    def open(self, order_id: int) -> None:
        found = next((o for o in self.orders if o.order_id == order_id), None)
        if found is not None:
            self._reset(found)
            self.session.say(None)
        self.session.changed()

    def close(self) -> None:
        self._reset()
        self.session.say(None)
        self.session.changed()

    # -- choosing what comes back ----------------------------------------------------------------

    def _line(self, code: str) -> ReturnableLine | None:
        if self.opened is None:
            return None
        wanted = code.upper()
        return next(
            (x for x in self.opened.lines if wanted in (x.sku.upper(), x.ean13 or "")), None
        )

    def _one_more(self, code: str) -> None:
        """An item scanned with the order open: one more unit of its line comes back."""
        line = self._line(code)
        assert line is not None
        if self.pick(line.order_line_id).quantity >= line.returnable:
            self.session.say("return_line_full", {"item": self.line_name(line)}, error=True)
        else:
            self.set_quantity(line.order_line_id, self.pick(line.order_line_id).quantity + 1)
            self.session.say(None)
        self.session.changed()

    def pick(self, line_id: int) -> Pick:
        return self.picks.setdefault(line_id, Pick())

    def set_quantity(self, line_id: int, quantity: int) -> None:
        line = self._by_id(line_id)
        if line is None:
            return
        self.pick(line_id).quantity = max(0, min(quantity, line.returnable))
        self.key = None  # another return now
        self.session.changed()

    def set_reason(self, line_id: int, reason: str | None) -> None:
        self.pick(line_id).reason = ReturnReason(reason) if reason else None
        self.key = None
        self.session.changed()

    def set_damaged(self, line_id: int, damaged: bool) -> None:
        self.pick(line_id).damaged = damaged
        self.key = None
        self.session.changed()

    def set_method(self, method: str) -> None:
        if self.opened is not None and method in self.opened.refund_methods:
            self.method = RefundMethod(method)
            self.key = None
        self.session.changed()

    def _by_id(self, line_id: int) -> ReturnableLine | None:
        if self.opened is None:
            return None
        return next((x for x in self.opened.lines if x.order_line_id == line_id), None)

    def refund_of(self, line: ReturnableLine) -> int:
        """What the units chosen of `line` refund: the API's own cut of what was paid."""
        units = self.pick(line.order_line_id).quantity
        bought = rules.LineBought(
            line.order_line_id, line.quantity, line.returned, line.line_total_kurus
        )
        return rules.refund_for(bought, units) if units else 0

    @property
    def refund_total(self) -> int:
        return sum(self.refund_of(x) for x in self.opened.lines) if self.opened else 0

    @property
    def units(self) -> int:
        return sum(p.quantity for p in self.picks.values())

    # -- taking it back --------------------------------------------------------------------------

    def confirm(self) -> None:
        order = self.opened
        if order is None or self.done is not None or self.queued:
            return  # a second tap after it went through
        chosen = [(i, p) for i, p in self.picks.items() if p.quantity > 0]
        if not chosen:
            self.session.say("return_choose_lines", error=True)
        elif any(p.reason is None for _, p in chosen):
            self.session.say("return_choose_reason", error=True)
        elif self.method is None:
            self.session.say("return_no_method", error=True)
        else:
            self._take(order, chosen)
            return
        self.session.changed()

    def _take(self, order: ReturnableOrder, chosen: list[tuple[int, Pick]]) -> None:
        body = ReturnCreate.model_validate(
            {
                "lines": [
                    {
                        "order_line_id": line_id,
                        "quantity": p.quantity,
                        "reason": p.reason,
                        "condition": Condition.DAMAGED if p.damaged else Condition.SELLABLE,
                    }
                    for line_id, p in chosen
                ],
                "refund_method": self.method,
            }
        )
        self.key = self.key or str(uuid.uuid4())
        label = f"{order.number}: {sum(p.quantity for _, p in chosen)}"
        try:
            submitted = self.gateway.take_return(
                self.session.author, order.order_id, body, key=self.key, label=label
            )
        except ApiProblem as exc:  # no outbox (an online-only tablet) and no connection
            self.refused(exc)
            return
        if submitted.status == "failed" and submitted.problem is not None:
            self.key = None
            self.refused(submitted.problem)
            if submitted.problem.status == 409:  # another tablet took some back first
                self._fetch_again(order)
            return
        if submitted.status == "queued":
            self.queued = True
            self.session.confirm("return_queued")
        else:
            self.done = submitted.answer
            self.session.confirm("return_taken")
        self.session.say(None)
        self.session.changed()

    def _fetch_again(self, order: ReturnableOrder) -> None:
        """The order as the API has it now; the choices made stay where they still fit."""
        try:
            found = self.gateway.find_return(code=order.number).orders
        except ApiProblem:
            return  # the refusal already on screen says enough
        fresh = next((o for o in found if o.order_id == order.order_id), None)
        if fresh is None:
            return
        self.opened = fresh
        for line in fresh.lines:
            if line.order_line_id in self.picks:
                pick = self.picks[line.order_line_id]
                pick.quantity = min(pick.quantity, line.returnable)
        self.session.changed()

    def again(self) -> None:
        """After a return: the same order, as it is now, for another one."""
        order = self.opened
        self._reset()
        if order is not None:
            self.scan(order.number)

    # -- what the view reads ---------------------------------------------------------------------

    @staticmethod
    def picture_url(line: ReturnableLine) -> str:
        return product_image_url(line.product_id, line.colour, "thumb")

    def line_name(self, line: ReturnableLine) -> str:
        return line.name_tr if self.session.lang == "tr" else line.name_en
