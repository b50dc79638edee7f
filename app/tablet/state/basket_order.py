"""Placing the basket's order: fulfilment, large-order confirmation, key, pay link, refusals."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from app.contracts.customers import CustomerView
from app.contracts.orders import OrderCreate, OrderOut, PayLinkOut
from app.tablet.problem import ApiProblem
from app.tablet.state.basket_lines import BasketLines
from app.tablet.state.customer import CustomerScene
from app.tablet.state.session import Scene

FULFILMENTS = ("ship_to_home", "click_collect", "reserve_in_store")
NEW_ADDRESS = 0  # address_id meaning "the form below", not a saved address
ADDRESS_FIELDS = ("recipient", "line1", "district", "city", "postal_code")
PAY_LINK_CHANNELS = ("sms", "email")


@dataclass
class StoreOption:
    """A store that has every line of the basket, for reserving there."""

    location_id: int
    code: str
    name: str
    distance_km: float | None


@dataclass
class Alternative:
    """Where an out-of-stock line still is (from the API's 409 problem)."""

    location_id: int
    code: str
    kind: str  # store | warehouse
    available: int
    distance_km: float | None


class BasketOrder(BasketLines, Scene):
    """The order part of the basket scene. BasketScene (basket.py) declares these fields, in
    one dataclass, and holds the associate's choices; this part is a Scene so that its actions
    run inside the error boundary too (Scene guards the actions each subclass defines)."""

    customer: CustomerScene
    fulfilment: str
    address_id: int | None
    new_address: dict[str, str]
    location_id: int | None
    stores_known: bool
    store_options: list[StoreOption]
    coupon: str
    error: str | None
    error_detail: str
    alternatives: list[Alternative]
    placed: OrderOut | None
    pay_link: PayLinkOut | None
    placed_pictures: dict[str, str]
    pay_link_sent: list[str]
    confirming: bool
    queued: bool
    _key: str | None

    def _find_stores(self) -> None:
        """The stores that hold every line, looked up again (BasketScene)."""
        raise NotImplementedError

    def _fulfilment(self, customer: CustomerView) -> dict[str, Any] | None:
        fulfilment: dict[str, Any] = {"type": self.fulfilment}
        if self.fulfilment == "ship_to_home":
            saved = customer.profile.addresses
            if self.address_id == NEW_ADDRESS or not saved:
                if not any(v.strip() for v in self.new_address.values()):
                    self.error = "no_address"
                    return None
                fulfilment["address"] = {
                    k: v.strip() for k, v in self.new_address.items() if v.strip()
                }
                fulfilment["address"].setdefault(
                    "recipient",
                    f"{customer.profile.first_name} {customer.profile.last_name}",
                )
            else:
                chosen = next((a for a in saved if a.id == self.address_id), None)
                default = next((a for a in saved if a.is_default), saved[0])
                fulfilment["address_id"] = (chosen or default).id
        elif self.fulfilment == "reserve_in_store":
            here = self.session.store_id
            if not self.stores_known and self.location_id is None:
                self._find_stores()  # a lookup that failed a moment ago may work now
            # "This store" is only a choice when it holds every line; otherwise the
            # associate picks one of the stores that do (or sees that none does).
            if (
                self.location_id is None
                and self.stores_known
                and all(o.location_id != here for o in self.store_options)
            ):
                self.error = "reserve_choose_store"
                return None
            if self.location_id is not None:
                fulfilment["location_id"] = self.location_id
        return fulfilment

    def place_order(self, confirmed: bool = False) -> None:
        """`confirmed`: the associate said yes to a large order. Without it a large order is
        not placed: `confirming` is set, and the view asks (no redraw: its dialog opens over
        the scene as it is)."""
        view = self.customer.view
        if view is None:
            return
        if not self.lines and (self.placed is not None or self.queued):
            return  # a second tap on the button just used: the order stays on screen
        if self.lines and self.large and not confirmed:
            self.confirming = True
            return
        self.confirming = False
        if self._place(view):
            self.customer.refresh()  # the new order shows in the customer's orders at once
        self.session.changed()

    def keep_editing(self) -> None:
        """The associate said no to the large order: nothing placed, the basket as it was."""
        self.confirming = False

    def send_pay_link(self, channel: str) -> None:
        """The placed order's pay link to the customer's phone or e-mail address on file."""
        order = self.placed
        if order is None or channel not in PAY_LINK_CHANNELS:
            return
        self.error, self.error_detail = None, ""
        try:
            self.gateway.send_pay_link(order.id, channel, self.session.lang)
        except ApiProblem as exc:
            if exc.status == 401:
                self.refused(exc)
                return
            if exc.offline:
                self.error = "offline"
            elif exc.kind in ("pay-link-contact-missing", "consent-contact-missing"):
                self.error = f"pay_link_no_{channel}"
            elif exc.kind == "messaging-unavailable":
                self.error = f"pay_link_{channel}_down"
            else:
                self.error, self.error_detail = "pay_link_not_sent", self.words(exc)
            self.session.changed()
            return
        if channel not in self.pay_link_sent:
            self.pay_link_sent.append(channel)
        self.session.confirm(f"pay_link_sent_{channel}")
        self.session.changed()

    def _place(self, customer: CustomerView) -> bool:
        self.error, self.error_detail, self.alternatives = None, "", []
        self.placed, self.pay_link, self.queued = None, None, False
        self.pay_link_sent = []
        if not self.lines:
            self.error = "basket_empty"
            return False
        fulfilment = self._fulfilment(customer)
        if fulfilment is None:
            return False
        try:
            body = OrderCreate.model_validate(
                {
                    "customer_id": customer.profile.id,
                    "lines": [{"sku": line.sku, "quantity": line.quantity} for line in self.lines],
                    "fulfilment": fulfilment,
                    "coupon": self.coupon.strip() or None,
                }
            )
        except ValidationError as exc:
            self.error = "address_incomplete"
            self.error_detail = ", ".join(str(e["loc"][-1]) for e in exc.errors() if e.get("loc"))
            return False
        self._key = self._key or str(uuid.uuid4())
        label = ", ".join(f"{line.quantity} × {line.label}" for line in self.lines)[:200]
        try:
            submitted = self.gateway.place_order(
                self.session.author, body, key=self._key, label=label
            )
        except ApiProblem as exc:  # no outbox (online-only tablet) and no connection
            self._refused(exc)
            return False
        if submitted.status == "failed" and submitted.problem is not None:
            self._refused(submitted.problem)
            return False
        self._key = None
        self.placed_pictures = {x.sku: x.thumb_url for x in self.lines if x.thumb_url}
        self.lines = []
        self.coupon = ""
        self.new_address = dict.fromkeys(ADDRESS_FIELDS, "")
        self.address_id, self.location_id = None, None
        if submitted.status == "queued":
            self.queued = True  # sent, and its stock reserved, when the network returns
            return True
        self.placed = submitted.answer
        assert self.placed is not None
        try:
            self.pay_link = self.gateway.pay_link(self.placed.id)
        except ApiProblem:
            self.pay_link = None  # paid at the till instead; the order stands
        return True

    def _refused(self, exc: ApiProblem) -> None:
        self.error_detail = self.words(exc)
        if exc.offline:
            self.error = "offline"
            return  # the same key is sent again when the associate retries
        self._key = None  # refused: the associate changes something and tries again
        if exc.kind != "out-of-stock":
            self.error = "order_refused"
            return
        self.error = "out_of_stock"
        offered = exc.extra.get("alternatives")
        for a in offered if isinstance(offered, list) else []:
            try:
                self.alternatives.append(
                    Alternative(
                        int(a["location_id"]),
                        str(a["code"]),
                        str(a["kind"]),
                        int(a["available"]),
                        None if a.get("distance_km") is None else float(a["distance_km"]),
                    )
                )
            except (KeyError, TypeError, ValueError):
                continue  # an alternative we cannot read is not offered
