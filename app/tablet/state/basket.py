"""Scene 6, the endless aisle: a basket for the identified customer, where it goes (home to a
saved or a new address, click & collect here, or reserved in a store that has every line), an
optional coupon, and the order, with a pay link the customer scans to pay on their own phone.
When stock ran out, the locations that still have the line are offered.

Quantities are bounded (MAX_PER_LINE, and never more than is known to be available), and an
unusually large order is confirmed before it is placed (CONFIRM_UNITS, CONFIRM_KURUS)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from app.contracts.customers import CustomerView
from app.contracts.media import product_image_url
from app.contracts.orders import OrderCreate, OrderOut, PayLinkOut
from app.tablet.problem import ApiProblem
from app.tablet.state.customer import CustomerScene
from app.tablet.state.session import Scene

FULFILMENTS = ("ship_to_home", "click_collect", "reserve_in_store")
NEW_ADDRESS = 0  # address_id meaning "the form below", not a saved address
ADDRESS_FIELDS = ("recipient", "line1", "district", "city", "postal_code")
PAY_LINK_CHANNELS = ("sms", "email")

# A store sells to a customer, not to a reseller: more than this of one variant is a slip of
# the finger (57 shirts) or a wholesale order, which is not the tablet's to take.
MAX_PER_LINE = 10
# An order above either of these is confirmed before it is placed: it reserves stock other
# customers want, and a mistyped one sends the customer a pay link for a sum that scares them.
# (A store's typical endless-aisle order is 1-3 items, a few thousand lira.)
CONFIRM_UNITS = 5
CONFIRM_KURUS = 2_000_000  # 20.000,00 TL


@dataclass
class BasketLine:
    sku: str
    label: str
    price_kurus: int
    quantity: int = 1
    product_id: int | None = None  # for the picture
    colour: str = ""
    size: str = ""
    available: int | None = None  # units available now, where the product scene knew it

    @property
    def most(self) -> int:
        """The most this line may hold: the per-line bound, and no more than is available
        where that is known (at least 1: the line is there; the server decides the rest)."""
        if self.available is None:
            return MAX_PER_LINE
        return max(1, min(MAX_PER_LINE, self.available))

    @property
    def total_kurus(self) -> int:
        return self.price_kurus * self.quantity

    @property
    def thumb_url(self) -> str | None:
        if self.product_id is None:
            return None
        return product_image_url(self.product_id, self.colour or None, "thumb")


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
    # The placed order's pictures, by SKU (the order's lines carry no product id).
    placed_pictures: dict[str, str] = field(default_factory=dict)
    pay_link_sent: list[str] = field(default_factory=list)  # channels it went out by
    # A large order waits for the associate's "yes" (the view asks in a dialog).
    confirming: bool = False
    queued: bool = False  # the last order waits in the outbox for the network
    # Made when the associate taps "place order" and kept until the order is confirmed, so a
    # retry after a dropped connection can never place it twice.
    _key: str | None = None

    @property
    def total_kurus(self) -> int:
        return sum(line.price_kurus * line.quantity for line in self.lines)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def large(self) -> bool:
        """Big enough to be confirmed before it is placed."""
        return self.units > CONFIRM_UNITS or self.total_kurus > CONFIRM_KURUS

    def line(self, sku: str) -> BasketLine | None:
        return next((x for x in self.lines if x.sku == sku), None)

    def show(self) -> None:
        # The stock moved since the stores were listed (this tablet's own last reservation,
        # other stores' sales): list them again for the basket as it is now.
        if self.fulfilment == "reserve_in_store" and self.lines:
            self._find_stores()
        self.session.show("basket")
        self.session.changed()

    def add(
        self,
        sku: str,
        label: str,
        price_kurus: int,
        *,
        product_id: int | None = None,
        colour: str = "",
        size: str = "",
        available: int | None = None,
    ) -> None:
        self._key = None
        self.placed = None
        self.confirming = False
        line = self.line(sku)
        if line is not None:
            if available is not None:
                line.available = available
            line.quantity = min(line.most, line.quantity + 1)
        else:
            self.lines.append(
                BasketLine(
                    sku,
                    label,
                    price_kurus,
                    product_id=product_id,
                    colour=colour,
                    size=size,
                    available=available,
                )
            )
        self._basket_changed()

    def step(self, sku: str, delta: int) -> None:
        """The stepper's + or -: between 1 and the line's most (taking a line out is
        remove_line). On purpose no session.changed(): the view writes the new number and
        totals into the controls it shows, in place. A whole new scene for every tap throws
        away the taps that land while it is being built (the +/- buttons are gone and new
        ones not there yet: 45 fast taps added 24), and a store team taps + fast."""
        line = self.line(sku)
        if line is None:
            return
        line.quantity = max(1, min(line.most, line.quantity + delta))
        self._key = None  # a different basket is a different order
        self.confirming = False
        if self.fulfilment == "reserve_in_store":
            # Which stores hold it all may change with the quantity: then (only then) the
            # store choices are drawn again.
            before = [o.location_id for o in self.store_options]
            self._find_stores()
            if [o.location_id for o in self.store_options] != before:
                self.session.changed()

    def change_quantity(self, sku: str, delta: int) -> None:
        """A step, then the whole scene drawn again (for callers other than the stepper)."""
        self.step(sku, delta)
        self.session.changed()

    def remove_line(self, sku: str) -> None:
        line = self.line(sku)
        if line is not None:
            self.lines.remove(line)
            self._key = None
            self.confirming = False
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
            return
        # A store chosen for the basket as it was may not hold the basket as it is.
        if self.location_id is not None and all(
            o.location_id != self.location_id for o in self.store_options
        ):
            self.location_id = None

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
