"""Reading the cached stock: followed locations, a product's grid, one SKU's availability."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from app.contracts.catalog import LocationOut
from app.contracts.inventory import Availability, LocationStock, ProductStock, VariantStock
from app.domain.geo import nearest_first
from app.tablet.cache.engine import CacheBase
from app.tablet.cache.models import CachedLocation, CachedStock, CachedVariant


class CacheStock(CacheBase):
    def locations(self) -> list[LocationOut]:
        with self.read() as conn:
            rows = conn.execute(select(col(CachedLocation.detail))).scalars()
            return [LocationOut.model_validate_json(r) for r in rows]

    def product_stock(self, product_id: int, near: int | None) -> ProductStock | None:
        """The grid's stock from the followed locations only (this store, its neighbours and
        the warehouse the tablet syncs): offline, "elsewhere" may be an undercount."""
        with self.read() as conn:
            rows = conn.execute(
                select(
                    col(CachedVariant.sku),
                    col(CachedStock.location_id),
                    col(CachedStock.on_hand) - col(CachedStock.reserved),
                )
                .select_from(CachedVariant)
                .outerjoin(CachedStock, col(CachedStock.variant_id) == col(CachedVariant.id))
                .where(col(CachedVariant.product_id) == product_id)
            ).all()
        if not rows:
            return None
        warehouses = {p.id for p in self.locations() if p.kind == "warehouse"}
        cells: dict[str, VariantStock] = {}
        for sku, location_id, available in rows:
            cell = cells.setdefault(sku, VariantStock(sku=sku, here=0, other_stores=0, online=0))
            if location_id is None:
                continue
            free = max(int(available), 0)
            if location_id == near:
                cell.here += free
            elif location_id in warehouses:
                cell.online += free
            else:
                cell.other_stores += free
        return ProductStock(product_id=product_id, location_id=near, variants=list(cells.values()))

    def availability(self, sku: str, near: int | None) -> Availability | None:
        """Stock of one SKU as the API would list it, from the followed locations only (the
        others are not in the cache; the API has the whole picture when online)."""
        with self.read() as conn:
            variant_id = conn.execute(
                select(col(CachedVariant.id)).where(col(CachedVariant.sku) == sku)
            ).scalar()
            if variant_id is None:
                return None
            stock = {
                int(loc): (int(on_hand), int(reserved))
                for loc, on_hand, reserved in conn.execute(
                    select(
                        col(CachedStock.location_id),
                        col(CachedStock.on_hand),
                        col(CachedStock.reserved),
                    ).where(col(CachedStock.variant_id) == variant_id)
                )
            }
        places = {p.id: p for p in self.locations() if p.id in stock}
        origin = places.get(near) if near is not None else None
        ordered = (
            nearest_first(origin, places.values())
            if origin is not None
            else [(p, 0.0) for p in sorted(places.values(), key=lambda p: p.code)]
        )
        rows = []
        for place, km in ordered:
            on_hand, reserved = stock[place.id]
            rows.append(
                LocationStock(
                    location_id=place.id,
                    code=place.code,
                    name=place.name,
                    kind=place.kind,
                    city=place.city,
                    distance_km=km if origin is not None else None,
                    on_hand=on_hand,
                    reserved=reserved,
                    available=on_hand - reserved,
                )
            )
        return Availability(
            sku=sku,
            near_location_id=near,
            total_available=sum(r.available for r in rows),
            locations=rows,
        )
