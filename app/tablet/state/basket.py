"""Scene 6, the endless aisle: a basket for the identified customer, where it goes (home to a
saved or a new address, click & collect here, or reserved in a store that has every line), an
optional coupon, and the order, with a pay link the customer scans to pay on their own phone.
When stock ran out, the locations that still have the line are offered.

The lines and their bounds are basket_lines.py; placing the order is basket_order.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.contracts.orders import OrderOut, PayLinkOut
from app.tablet.problem import ApiProblem
from app.tablet.state.basket_lines import BasketLine
from app.tablet.state.basket_order import (
    ADDRESS_FIELDS,
    FULFILMENTS,
    Alternative,
    BasketOrder,
    StoreOption,
)
from app.tablet.state.customer import CustomerScene


@dataclass
class BasketScene(BasketOrder):
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
