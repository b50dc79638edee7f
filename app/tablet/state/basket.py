"""Scene 6, the endless aisle: a basket for the identified customer, where it goes (home, click
& collect here, or reserved in a store), an optional coupon, and the order, with a pay link the
customer scans to pay on their own phone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.contracts.customers import CustomerView
from app.contracts.orders import OrderCreate, OrderOut, PayLinkOut
from app.tablet.client import ApiProblem, ReyonClient

FULFILMENTS = ("ship_to_home", "click_collect", "reserve_in_store")


@dataclass
class BasketLine:
    sku: str
    label: str
    price_kurus: int
    quantity: int = 1


@dataclass
class BasketState:
    lines: list[BasketLine] = field(default_factory=list)
    fulfilment: str = "ship_to_home"
    coupon: str = ""
    error: str | None = None  # i18n key
    error_detail: str = ""
    placed: OrderOut | None = None
    pay_link: PayLinkOut | None = None
    # Made when the associate taps "place order" and kept until the order is confirmed, so a
    # retry after a dropped connection can never place it twice.
    _key: str | None = None

    @property
    def total_kurus(self) -> int:
        return sum(line.price_kurus * line.quantity for line in self.lines)

    def add(self, sku: str, label: str, price_kurus: int) -> None:
        for line in self.lines:
            if line.sku == sku:
                line.quantity = min(99, line.quantity + 1)
                return
        self.lines.append(BasketLine(sku, label, price_kurus))
        self.placed = None

    def change(self, sku: str, delta: int) -> None:
        for line in list(self.lines):
            if line.sku == sku:
                line.quantity = min(99, line.quantity + delta)
                if line.quantity <= 0:
                    self.lines.remove(line)
        self._key = None  # a different basket is a different order

    def choose(self, fulfilment: str) -> None:
        if fulfilment in FULFILMENTS:
            self.fulfilment = fulfilment
            self._key = None

    def place(self, client: ReyonClient, customer: CustomerView) -> bool:
        self.error, self.error_detail = None, ""
        if not self.lines:
            self.error = "basket_empty"
            return False
        fulfilment: dict[str, object] = {"type": self.fulfilment}
        if self.fulfilment == "ship_to_home":
            if not customer.profile.addresses:
                self.error = "no_address"
                return False
            fulfilment["address_id"] = customer.profile.addresses[0].id
        body = OrderCreate.model_validate(
            {
                "customer_id": customer.profile.id,
                "lines": [{"sku": line.sku, "quantity": line.quantity} for line in self.lines],
                "fulfilment": fulfilment,
                "coupon": self.coupon.strip() or None,
            }
        )
        self._key = self._key or str(uuid.uuid4())
        try:
            self.placed = client.place_order(body, key=self._key)
        except ApiProblem as exc:
            self.error = {
                0: "offline",
                409: "out_of_stock" if exc.kind == "out-of-stock" else "order_refused",
            }.get(exc.status, "order_refused")
            self.error_detail = exc.detail or exc.title
            if not exc.offline:
                self._key = None  # refused: the associate changes something and tries again
            return False
        self._key = None
        self.lines = []
        self.coupon = ""
        try:
            self.pay_link = client.pay_link(self.placed.id)
        except ApiProblem:
            self.pay_link = None  # paid at the till instead; the order stands
        return True
