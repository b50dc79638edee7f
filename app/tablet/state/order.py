"""An order opened from the customer's history or just placed: its lines with where each
ships from and until when it is held, where it goes and when, its status history, and the
amount with discount and KDV. The associate goes back to where they came from."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from app.contracts.catalog import ProductQuery
from app.contracts.media import product_image_url
from app.contracts.orders import OrderLineOut, OrderOut, StatusEventOut
from app.tablet.problem import ApiProblem
from app.tablet.state.session import Scene

log = logging.getLogger("reyon.tablet")

# Lines whose product is looked up by SKU when an order is opened (a picture and a way to
# the product each); an order rarely has more, and the rest show a placeholder.
LOOKUP_MAX = 12


@dataclass
class OrderScene(Scene):
    order: OrderOut | None = None
    back_to: str = "customer"  # the scene the associate came from
    # SKU -> product id: order lines name the variant only.
    products: dict[str, int] = field(default_factory=dict)

    def open(self, order_id: int) -> None:
        if self.session.screen == "order" and self.order is not None and self.order.id == order_id:
            return  # a second tap on the same order while it opened
        try:
            order = self.gateway.order(order_id)
        except ApiProblem as exc:
            if exc.offline or exc.status == 404:
                self.session.say("order_offline" if exc.offline else "order_not_found", error=True)
                self.session.changed()
            else:
                self.refused(exc)
            return
        if self.session.screen != "order":
            self.back_to = self.session.screen
        self.order = order
        self.products = self._products_of(order)
        self.session.show("order")
        self.session.say(None)
        self.session.changed()

    def back(self) -> None:
        self.session.show(self.back_to)
        self.session.say(None)
        self.session.changed()

    # -- what the view reads ---------------------------------------------------------------

    @property
    def history(self) -> list[StatusEventOut]:
        """The status changes, the latest first (a timeline reads down into the past)."""
        if self.order is None:
            return []
        return sorted(self.order.history, key=lambda h: h.at, reverse=True)

    def product_id(self, line: OrderLineOut) -> int | None:
        known = getattr(line, "product_id", None)  # when the API names the product itself
        return known if isinstance(known, int) else self.products.get(line.sku)

    def picture_url(self, line: OrderLineOut) -> str | None:
        """The product's picture in the line's colour; None when the product is unknown."""
        product_id = self.product_id(line)
        if product_id is None:
            return None
        return product_image_url(product_id, line.colour, "thumb")

    def _products_of(self, order: OrderOut) -> dict[str, int]:
        """Order lines carry the SKU, not the product: find each one's product by its style
        code (the catalogue spells a SKU <style>-<colour>-<size>). A line not found (offline,
        no match) keeps a placeholder picture."""
        found = dict(self.products)
        styles = {x.sku: x.sku.rsplit("-", 2)[0] for x in order.lines if self.product_id(x) is None}
        for style in list(dict.fromkeys(styles.values()))[:LOOKUP_MAX]:
            try:
                hits = self.gateway.search_products(ProductQuery(q=style, limit=5)).items
            except ApiProblem as exc:
                log.info("no product found for style %s (%s)", style, exc.kind)
                break  # the same answer for the rest: do not wait for each
            product = next((p.id for p in hits if p.style_code == style), None)
            if product is not None:
                found.update({sku: product for sku, s in styles.items() if s == style})
        return found
