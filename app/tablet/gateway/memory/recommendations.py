"""The in-memory gateway's recommendations, under the API's rules (app/server/recommend/
service.py): `companions` stands for the table the worker learns (product -> (companion,
orders together), best first); complete-the-look keeps other categories; similar-here is the
same category with the size on this store's shelf, the same brand first, then the nearest
price; for-the-customer goes with what they saved, tried on and liked, or bought. Online only,
like the API's word it stands in for."""

from __future__ import annotations

from collections import Counter

from app.contracts.catalog import ProductDetail, ProductSummary
from app.contracts.customers import ItemRef
from app.contracts.recommendations import (
    CustomerRecommendations,
    ProductRecommendations,
    Reason,
    ReasonKind,
    Recommendation,
)
from app.domain.recommendations import (
    LOOK,
    first_mentions,
    for_customer,
    nearest_alike,
    their_size,
)
from app.tablet.gateway.memory.base import MemoryBase, utcnow
from app.tablet.problem import ApiProblem


def _card(p: ProductDetail) -> ProductSummary:
    return ProductSummary.model_validate(p.model_dump(include=set(ProductSummary.model_fields)))


def _said(item: ItemRef) -> tuple[int, str, str, str]:
    return item.product_id, item.size, item.name_tr, item.name_en


class MemoryRecommendations(MemoryBase):
    def __init__(self) -> None:
        super().__init__()
        self.companions: dict[int, list[tuple[int, int]]] = {}

    def _store(self) -> int:
        self._need_online()
        if self._who is None:
            raise ApiProblem(401, "unauthenticated", "Log in")
        return self._who.associate.store.id

    def _units_here(self, product: ProductDetail, store: int, size: str | None) -> int:
        return sum(
            max(self._available(v.sku, store), 0)
            for v in product.variants
            if size is None or v.size == size
        )

    def product_recommendations(
        self, product_id: int, size: str | None = None
    ) -> ProductRecommendations:
        store = self._store()
        product = self.products.get(product_id)
        if product is None:
            raise ApiProblem(404, "not-found", "No such product")
        look = [
            (self.products[c], n)
            for c, n in self.companions.get(product_id, [])
            if c in self.products and self.products[c].category != product.category
        ][:LOOK]
        complete = [
            Recommendation(
                product=_card(p),
                reason=Reason(
                    kind="bought_together", orders=n, here=self._units_here(p, store, None)
                ),
            )
            for p, n in look
        ]
        similar: list[Recommendation] = []
        if size:
            shelf = {
                p.id: n
                for p in self.products.values()
                if p.category == product.category and p.id != product.id
                if (n := self._units_here(p, store, size)) > 0
            }
            alike = nearest_alike(
                (
                    (pid, self.products[pid].brand, self.products[pid].price_min_kurus)
                    for pid in shelf
                ),
                product.brand,
                product.price_min_kurus,
            )
            similar = [
                Recommendation(
                    product=_card(self.products[pid]),
                    reason=Reason(kind="similar", size=size, here=shelf[pid]),
                )
                for pid in alike
            ]
        return ProductRecommendations(
            complete_the_look=complete, similar_here=similar, learnt_at=utcnow()
        )

    def customer_recommendations(self, customer_id: int) -> CustomerRecommendations:
        store = self._store()
        view = self._visible(customer_id)
        # (why, product, size, name in Turkish, in English), most telling first.
        found: list[tuple[ReasonKind, int, str, str, str]] = [
            *(("with_wishlist", *_said(w.item)) for w in view.wishlist),
            *(
                ("with_try_on", *_said(t.item))
                for t in view.try_ons
                if t.outcome in ("liked", "bought")
            ),
            *(
                ("with_purchase", line.product_id, line.size, line.name_tr, line.name_en)
                for o in self.orders.values()
                if o.customer_id == customer_id and o.status != "cancelled"
                for line in o.lines
                if line.product_id is not None
            ),
        ]
        sizes = Counter(size for _, _, size, _, _ in found)
        owned = {pid for kind, pid, *_ in found if kind != "with_try_on"}
        sources = first_mentions((kind, pid) for kind, pid, *_ in found)
        named = {pid: (tr, en) for _, pid, _, tr, en in reversed(found)}  # the first mention's
        picked = for_customer(
            sources,
            self.companions,
            leave_out=owned | {pid for _, pid in sources},
            offered=self.products,
        )
        items: list[Recommendation] = []
        for kind, source, c, n in picked:
            p = self.products[c]
            theirs = their_size(p.sizes, sizes)
            items.append(
                Recommendation(
                    product=_card(p),
                    reason=Reason(
                        kind=kind,
                        orders=n,
                        source_tr=named[source][0],
                        source_en=named[source][1],
                        size=theirs,
                        here=self._units_here(p, store, theirs),
                    ),
                )
            )
        return CustomerRecommendations(items=items, learnt_at=utcnow())
