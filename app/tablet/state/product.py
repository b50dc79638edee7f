"""Scenes 4 and 5: find a product (search, or a scanned barcode or shelf label), see its
variants and where each is in stock (this store, nearby stores by distance, the online
warehouse), record what the current customer saved or tried on in two taps, and put it in
the endless-aisle basket."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from app.contracts.catalog import ProductDetail, ProductQuery, ProductSummary, VariantOut
from app.contracts.customers import ItemRef
from app.contracts.inventory import Availability
from app.tablet.gateway import Submitted
from app.tablet.problem import ApiProblem
from app.tablet.state.basket import BasketScene
from app.tablet.state.customer import CustomerScene
from app.tablet.state.session import Scene

_RECORDED = ("saved_for_customer", "try_on_recorded", "saved_queued", "try_on_queued")


@dataclass
class ProductScene(Scene):
    customer: CustomerScene = field(repr=False, kw_only=True)
    basket: BasketScene = field(repr=False, kw_only=True)
    query: str = ""
    results: list[ProductSummary] = field(default_factory=list)
    product: ProductDetail | None = None
    sku: str | None = None  # the selected variant
    availability: Availability | None = None
    error: str | None = None  # i18n key
    done: str | None = None  # i18n key of the last successful action

    @property
    def variant(self) -> VariantOut | None:
        if self.product is None or self.sku is None:
            return None
        return next((v for v in self.product.variants if v.sku == self.sku), None)

    def show(self) -> None:
        self.product = None
        self.session.show("product")
        self.session.changed()

    def search(self) -> None:
        self.product = None
        text = self.query.strip()
        if len(text) < 2:
            self.results = []
        else:
            try:
                self.results = self.gateway.search_products(ProductQuery(q=text)).items
                self.error = None if self.results else "no_products"
            except ApiProblem as exc:
                self.error = "offline" if exc.offline else "no_products"
        self.session.show("product")
        self.session.changed()

    def open(self, product_id: int, sku: str | None = None) -> None:
        try:
            self.product = self.gateway.product(product_id)
            self.done = None
            first = sku or (self.product.variants[0].sku if self.product.variants else None)
            if first is not None:
                self._select(first)
        except ApiProblem as exc:
            self.refused(exc)
            return
        self.session.show("product")
        self.session.say(None)
        self.session.changed()

    def select(self, sku: str) -> None:
        self._act(lambda: self._select(sku))

    def _select(self, sku: str) -> None:
        self.sku = sku
        self.done = None
        self.availability = self.gateway.availability(sku, near=self.session.store_id)

    def _item(self) -> ItemRef | None:
        """The chosen variant as a customer's lists show it (for the optimistic entry)."""
        p, v = self.product, self.variant
        if p is None or v is None:
            return None
        return ItemRef(
            sku=v.sku,
            product_id=p.id,
            name_tr=p.name_tr,
            name_en=p.name_en,
            brand=p.brand,
            size=v.size,
            colour=v.colour,
            price_kurus=v.price_kurus,
        )

    def _done(self, submitted: Submitted, sent: str, queued: str) -> None:
        if submitted.status == "failed" and submitted.problem is not None:
            raise submitted.problem
        self.done = sent if submitted.status == "sent" else queued

    def save_for_customer(self) -> None:
        customer_id = self.customer.customer_id
        if customer_id is None or self.sku is None:
            return
        sku, item = self.sku, self._item()
        # The key is made when the associate taps: a retry after a dropped connection
        # cannot save twice.
        self._act(
            lambda: self._done(
                self.gateway.add_wishlist(
                    self.session.author, customer_id, sku, key=str(uuid.uuid4()), item=item
                ),
                "saved_for_customer",
                "saved_queued",
            )
        )

    def record_try_on(self, outcome: str) -> None:
        customer_id = self.customer.customer_id
        if customer_id is None or self.sku is None:
            return
        sku, item = self.sku, self._item()
        self._act(
            lambda: self._done(
                self.gateway.add_try_on(
                    self.session.author,
                    customer_id,
                    sku,
                    outcome,
                    key=str(uuid.uuid4()),
                    item=item,
                ),
                "try_on_recorded",
                "try_on_queued",
            )
        )

    def add_to_basket(self) -> None:
        v, p = self.variant, self.product
        if v is None or p is None:
            return
        name = p.name_tr if self.session.lang == "tr" else p.name_en
        self.basket.add(v.sku, f"{name} · {v.size} · {v.colour}", v.price_kurus)
        self.done = "added_to_basket"
        self.session.changed()

    def _act(self, action: Callable[[], None]) -> None:
        try:
            action()
        except ApiProblem as exc:
            self.refused(exc)
            return
        if self.done in _RECORDED:
            self.customer.refresh()  # what was saved or tried shows on the customer at once
        self.session.changed()
