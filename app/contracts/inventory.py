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


class Availability(BaseModel):
    sku: str
    near_location_id: int | None
    total_available: int
    locations: list[LocationStock]
