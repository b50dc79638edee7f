from __future__ import annotations

from pydantic import BaseModel

from app.domain.sourcing import LocationKind


class LocationStock(BaseModel):
    location_id: int
    code: str
    name: str
    kind: LocationKind
    city: str
    distance_km: float | None
    on_hand: int
    reserved: int
    available: int
    # Units sent here by another location's transfer and on their way (not yet on hand).
    incoming: int = 0


class Availability(BaseModel):
    sku: str
    near_location_id: int | None
    total_available: int
    locations: list[LocationStock]


class VariantStock(BaseModel):
    """One cell of a product's size x colour grid: what can be sold from where."""

    sku: str
    here: int  # available at the store asked about
    other_stores: int  # available in every other store together
    online: int  # available in the online warehouse(s)
    incoming: int = 0  # on their way to the store asked about, by transfer


class ProductStock(BaseModel):
    product_id: int
    location_id: int | None  # the store "here" means; None: no store asked, here is 0
    variants: list[VariantStock]
