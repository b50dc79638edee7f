"""The in-memory gateway's catalogue: scans, product search, product, stock, availability."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from app.contracts.catalog import ProductDetail, ProductPage, ProductQuery, VariantOut
from app.contracts.inventory import Availability, LocationStock, ProductStock, VariantStock
from app.contracts.scan import ScannedCoupon, ScannedProduct, ScanRequest, ScanResult
from app.tablet.gateway import checked
from app.tablet.gateway.memory.base import MemoryBase, utcnow
from app.tablet.problem import ApiProblem


class MemoryCatalogue(MemoryBase):
    def scan(self, payload: str) -> ScanResult:
        checked(lambda: ScanRequest(payload=payload))
        text = payload.strip()
        if self.online and text in self.identity_codes:
            cid = self.identity_codes[text]
            self._visits.add(cid)  # the scan is the visit's proof
            return ScanResult(kind="identity", valid=True, customer=self._summary(self.customers[cid]), access_until=utcnow() + timedelta(hours=2))  # fmt: skip
        coupon = next((c for c in self.coupons.values() if text in (c.code, c.token)), None)
        if self.online and coupon is not None:
            scanned = ScannedCoupon(coupon_id=coupon.id, code=coupon.code, campaign=coupon.campaign, kind=coupon.kind, value=coupon.value, expires_at=utcnow() + timedelta(days=1), customer_id=coupon.owner)  # fmt: skip
            return ScanResult(kind="coupon", valid=True, coupon=scanned)
        try:
            p, v = self._cached_read(lambda: self._variant(text.upper() if not text.isdigit() else text))  # fmt: skip
        except ApiProblem as exc:
            if exc.offline:
                raise
            if not self.online:  # not in the cache: only the API could read it
                raise ApiProblem(0, "offline", "The API cannot be reached") from None
            return ScanResult(kind="unknown", valid=False, reason="not_found", detail=text[:40])  # fmt: skip
        kind = "ean13" if text.isdigit() else "sku"
        return ScanResult(kind=kind, valid=True, product=ScannedProduct(product_id=p.id, sku=v.sku, store_code=None))  # fmt: skip

    def search_products(self, query: ProductQuery) -> ProductPage:
        def ask() -> ProductPage:
            words = (query.q or "").lower()
            hits = [p for p in self.products.values() if words in f"{p.name_tr} {p.name_en} {p.brand} {p.style_code}".lower()]  # fmt: skip
            if query.category:
                hits = [p for p in hits if p.category == query.category]

            # Size and "in stock here" together mean one garment: a variant in that size
            # with a unit here, as the API and the cache read them.
            def fits(v: VariantOut) -> bool:
                sized = not query.size or v.size == query.size
                at = query.in_stock_at
                return sized and (at is None or self._available(v.sku, at) > 0)

            if query.size or query.in_stock_at is not None:
                hits = [p for p in hits if any(fits(v) for v in p.variants)]
            start = int(query.cursor or 0)
            page = hits[start : start + query.limit]
            more = start + query.limit < len(hits)
            return ProductPage(items=page, next_cursor=str(start + query.limit) if more else None, total=len(hits))  # fmt: skip

        return self._cached_read(ask)

    def product(self, product_id: int) -> ProductDetail:
        def ask() -> ProductDetail:
            if product_id not in self.products:
                raise ApiProblem(404, "not-found", "No such product")
            return self.products[product_id]

        return self._cached_read(ask)

    def product_stock(self, product_id: int, near: int | None = None) -> ProductStock:
        def ask() -> ProductStock:
            p = self.product(product_id)
            cells = []
            for v in p.variants:
                here = self._available(v.sku, near) if near is not None else 0
                others = sum(self._available(v.sku, loc.id) for loc in self.locations.values() if loc.id != near and loc.kind == "store")  # fmt: skip
                online = sum(self._available(v.sku, loc.id) for loc in self.locations.values() if loc.kind == "warehouse")  # fmt: skip
                cells.append(VariantStock(sku=v.sku, here=max(here, 0), other_stores=max(others, 0), online=max(online, 0)))  # fmt: skip
            return ProductStock(product_id=product_id, location_id=near, variants=cells)

        return self._cached_read(ask)

    def availability(self, sku: str, near: int | None = None) -> Availability:
        def ask() -> Availability:
            self._variant(sku)
            rows = [LocationStock(location_id=loc.id, code=loc.code, name=loc.name, kind=loc.kind, city="İstanbul", distance_km=self._km(near, loc.id), on_hand=self.stock.get((sku, loc.id), [0, 0])[0], reserved=self.stock.get((sku, loc.id), [0, 0])[1], available=self._available(sku, loc.id)) for loc in self.locations.values()]  # fmt: skip
            rows.sort(key=lambda r: r.distance_km or 0.0)
            return Availability(sku=sku, near_location_id=near, total_available=sum(r.available for r in rows), locations=rows)  # fmt: skip

        return self._cached_read(ask)

    def picture(self, url: str) -> bytes | None:
        return None  # the fake store has no pictures: scenes show the placeholder

    def prefetch_pictures(self, urls: Iterable[str | None]) -> None:
        self.prefetched.extend(u for u in urls if u)
