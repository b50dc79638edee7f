"""The live gateway's catalogue: search, product, stock, availability, pictures, scans."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from app.contracts.catalog import ProductDetail, ProductPage, ProductQuery
from app.contracts.inventory import Availability, ProductStock
from app.contracts.recommendations import CustomerRecommendations, ProductRecommendations
from app.contracts.scan import ScannedProduct, ScanRequest, ScanResult
from app.tablet.cache.store import Cache
from app.tablet.gateway import checked
from app.tablet.gateway.live.base import LiveBase
from app.tablet.problem import ApiProblem

# Pictures a scene is about to show are fetched this many at a time: a page of 24 search
# results over store Wi-Fi is a handful of round trips instead of 24 in a row.
PICTURE_FETCHERS = 6


class LiveCatalogue(LiveBase):
    def search_products(self, query: ProductQuery) -> ProductPage:
        return self._read(
            lambda: self.client.search_products(query),
            lambda cache: cache.search_products(query),
        )

    def product(self, product_id: int) -> ProductDetail:
        return self._read(
            lambda: self.client.product(product_id),
            lambda cache: cache.product(product_id),
        )

    # Recommendations are learnt and stocked centrally: nothing of them is kept offline (a
    # customer's list is personal data, and a shelf's stock would be stale).
    def product_recommendations(
        self, product_id: int, size: str | None = None
    ) -> ProductRecommendations:
        return self.client.product_recommendations(product_id, size)

    def customer_recommendations(self, customer_id: int) -> CustomerRecommendations:
        return self.client.customer_recommendations(customer_id)

    def availability(self, sku: str, near: int | None = None) -> Availability:
        return self._read(
            lambda: self.client.availability(sku, near=near),
            lambda cache: cache.availability(sku, near),
        )

    def product_stock(self, product_id: int, near: int | None = None) -> ProductStock:
        return self._read(
            lambda: self.client.product_stock(product_id, near=near),
            lambda cache: cache.product_stock(product_id, near),
        )

    def picture(self, url: str) -> bytes | None:
        kept = self.offline.pictures if self.offline is not None else None
        if kept is not None:
            data = kept.get(url)
            if data is not None:
                return data
            if not self.offline.online:  # type: ignore[union-attr]
                return None  # no waiting on a connection for every picture of a screen
        try:
            data = self.client.picture(url)
        except ApiProblem as exc:
            if self.offline is not None:
                self.offline.saw(exc)
            return None
        if kept is not None:
            kept.keep(url, data)
        return data

    def prefetch_pictures(self, urls: Iterable[str | None]) -> None:
        kept = self.offline.pictures if self.offline is not None else None
        if kept is None or not self.offline.online:  # type: ignore[union-attr]
            return  # nowhere to keep them, or no connection to wait on
        missing = [u for u in dict.fromkeys(urls) if u and kept.get(u) is None]
        if len(missing) < 2:
            return  # one picture is fetched as the scene draws it

        def fetch(url: str) -> bytes | ApiProblem:
            try:
                return self.client.picture(url)
            except ApiProblem as exc:
                return exc

        with ThreadPoolExecutor(PICTURE_FETCHERS, thread_name_prefix="pictures") as pool:
            # Kept in this thread: the cache's connection is not shared between threads.
            for url, got in zip(missing, pool.map(fetch, missing), strict=True):
                if isinstance(got, ApiProblem):
                    self.offline.saw(got)  # type: ignore[union-attr]
                else:
                    kept.keep(url, got)

    def scan(self, payload: str) -> ScanResult:
        """Offline, product codes are still found in the cache; signed codes need the API."""

        def from_cache(cache: Cache) -> ScanResult | None:
            found = cache.find_code(payload)
            if found is None:
                return None
            kind = "ean13" if payload.strip().isdigit() else "sku"
            return ScanResult(
                kind=kind,
                valid=True,
                product=ScannedProduct(product_id=found[0], sku=found[1], store_code=None),
            )

        checked(lambda: ScanRequest(payload=payload))  # refused before the network is asked
        return self._read(lambda: self.client.scan(payload), from_cache)
