"""Scene 6, the endless aisle: a basket for the identified customer, where it goes (home to a
saved or a new address, click & collect here, or reserved in a store that has every line), an
optional coupon, and the order, with a pay link the customer scans to pay on their own phone.
When stock ran out, the locations that still have the line are offered."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from app.contracts.customers import CustomerView
from app.contracts.orders import OrderCreate, OrderOut, PayLinkOut
from app.tablet.problem import ApiProblem
from app.tablet.state.customer import CustomerScene
from app.tablet.state.session import Scene

FULFILMENTS = ("ship_to_home", "click_collect", "reserve_in_store")
NEW_ADDRESS = 0  # address_id meaning "the form below", not a saved address
ADDRESS_FIELDS = ("recipient", "line1", "district", "city", "postal_code")


@dataclass
class BasketLine:
    sku: str
    label: str
    price_kurus: int
    quantity: int = 1


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


@dataclass
class BasketScene(Scene):
    customer: CustomerScene = field(repr=False, kw_only=True)
    lines: list[BasketLine] = field(default_factory=list)
    fulfilment: str = "ship_to_home"
    address_id: int | None = None  # None: the customer's default; NEW_ADDRESS: the form
    new_address: dict[str, str] = field(default_factory=lambda: dict.fromkeys(ADDRESS_FIELDS, ""))
    location_id: int | None = None  # reserve-in-store: None is this store
    store_options: list[StoreOption] = field(default_factory=list)
    stores_known: bool = False  # store_options came from the stock now (not offline)
    coupon: str = ""
    error: str | None = None  # i18n key
    error_detail: str = ""
    alternatives: list[Alternative] = field(default_factory=list)
    placed: OrderOut | None = None
    pay_link: PayLinkOut | None = None
    queued: bool = False  # the last order waits in the outbox for the network
    # Made when the associate taps "place order" and kept until the order is confirmed, so a
    # retry after a dropped connection can never place it twice.
    _key: str | None = None

    @property
    def total_kurus(self) -> int:
        return sum(line.price_kurus * line.quantity for line in self.lines)

    def show(self) -> None:
        self.session.show("basket")
        self.session.changed()

    def add(self, sku: str, label: str, price_kurus: int) -> None:
        self._key = None
        self.placed = None
        line = next((x for x in self.lines if x.sku == sku), None)
        if line is not None:
            line.quantity = min(99, line.quantity + 1)
        else:
            self.lines.append(BasketLine(sku, label, price_kurus))
        self._basket_changed()

    def change_quantity(self, sku: str, delta: int) -> None:
        for line in list(self.lines):
            if line.sku == sku:
                line.quantity = min(99, line.quantity + delta)
                if line.quantity <= 0:
                    self.lines.remove(line)
        self._key = None  # a different basket is a different order
        self._basket_changed()
        self.session.changed()

    def _basket_changed(self) -> None:
        """Other lines or quantities: other stores may (not) hold them all."""
        if self.fulfilment == "reserve_in_store":
            self._find_stores()

    def choose_fulfilment(self, fulfilment: str) -> None:
        self.choose(fulfilment)
        if fulfilment == "reserve_in_store":
            self._find_stores()
        self.session.changed()

    def choose(self, fulfilment: str) -> None:
        if fulfilment in FULFILMENTS:
            self.fulfilment = fulfilment
            self._key = None

    def _find_stores(self) -> None:
        try:
            self.find_stores()
        except ApiProblem:
            self.store_options = []  # offline: reserve here, the server decides
            self.stores_known = False

    def choose_address(self, address_id: int) -> None:
        self.address_id = address_id
        self._key = None
        self.session.changed()

    def set_address_field(self, name: str, value: str) -> None:
        if name in ADDRESS_FIELDS:
            self.new_address[name] = value
            self._key = None

    def choose_store(self, location_id: int | None) -> None:
        self.location_id = location_id
        self._key = None
        self.session.changed()

    def find_stores(self) -> None:
        """Stores, nearest first, that have every line in the quantity asked: the line is
        never split, so a store must hold all of it to reserve there."""
        fits: dict[int, StoreOption] | None = None
        for line in self.lines:
            stock = self.gateway.availability(line.sku, near=self.session.store_id)
            here = {
                loc.location_id: StoreOption(loc.location_id, loc.code, loc.name, loc.distance_km)
                for loc in stock.locations
                if loc.kind == "store" and loc.available >= line.quantity
            }
            fits = here if fits is None else {k: v for k, v in fits.items() if k in here}
        options = list((fits or {}).values())
        options.sort(key=lambda o: (o.distance_km is not None, o.distance_km or 0.0))
        self.store_options = options
        self.stores_known = True

    def take_alternative(self, alternative: Alternative) -> None:
        """The associate takes the offered location: reserve there, or ship from online."""
        self._take(alternative)
        self.session.changed()

    def _take(self, alternative: Alternative) -> None:
        if alternative.kind == "warehouse":
            self.choose("ship_to_home")
        else:
            self.choose("reserve_in_store")
            self.location_id = alternative.location_id
        self.alternatives = []
        self.error, self.error_detail = None, ""

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
                    "recipient", f"{customer.profile.first_name} {customer.profile.last_name}"
                )
            else:
                chosen = next((a for a in saved if a.id == self.address_id), None)
                default = next((a for a in saved if a.is_default), saved[0])
                fulfilment["address_id"] = (chosen or default).id
        elif self.fulfilment == "reserve_in_store":
            here = self.session.store_id
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

    def place_order(self) -> None:
        view = self.customer.view
        if view is None:
            return
        if self._place(view):
            self.customer.refresh()  # the new order shows in the customer's orders at once
        self.session.changed()

    def _place(self, customer: CustomerView) -> bool:
        self.error, self.error_detail, self.alternatives = None, "", []
        self.placed, self.pay_link, self.queued = None, None, False
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
