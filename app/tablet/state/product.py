"""Scenes 4 and 5: find a product (search, or a scanned barcode or shelf label), see its
variants and where each is in stock (this store, nearby stores by distance, the online
warehouse), and record what the current customer saved or tried on in two taps."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.contracts.catalog import ProductDetail, ProductSummary, VariantOut
from app.contracts.customers import ItemRef
from app.contracts.inventory import Availability
from app.tablet.client import ApiProblem
from app.tablet.offline import Submitted
from app.tablet.state.backend import Backend


@dataclass
class ProductState:
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

    def search(self, client: Backend) -> None:
        text = self.query.strip()
        if len(text) < 2:
            self.results = []
            return
        try:
            self.results = client.search_products(text).items
            self.error = None if self.results else "no_products"
        except ApiProblem as exc:
            self.error = "offline" if exc.offline else "no_products"

    def open(self, client: Backend, product_id: int, sku: str | None, store_id: int) -> None:
        self.product = client.product(product_id)
        self.done = None
        first = sku or (self.product.variants[0].sku if self.product.variants else None)
        if first is not None:
            self.select(client, first, store_id)

    def select(self, client: Backend, sku: str, store_id: int) -> None:
        self.sku = sku
        self.done = None
        self.availability = client.availability(sku, near=store_id)

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

    def save_for(self, client: Backend, customer_id: int) -> None:
        if self.sku is None:
            return
        # The key is made when the associate taps: a retry after a dropped connection
        # cannot save twice.
        submitted = client.add_wishlist(
            customer_id, self.sku, key=str(uuid.uuid4()), item=self._item()
        )
        self._done(submitted, "saved_for_customer", "saved_queued")

    def tried_on(self, client: Backend, customer_id: int, outcome: str) -> None:
        if self.sku is None:
            return
        submitted = client.add_try_on(
            customer_id, self.sku, outcome, key=str(uuid.uuid4()), item=self._item()
        )
        self._done(submitted, "try_on_recorded", "try_on_queued")
