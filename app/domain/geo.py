"""Distances between locations, for "nearby stores" and sourcing."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Protocol, TypeVar

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class Place(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...


P = TypeVar("P", bound=Place)


def nearest_first(origin: Place, places: Iterable[P]) -> list[tuple[P, float]]:
    """Every place with its distance from `origin` (km, one decimal): the origin first, then
    nearest first, ties by code so the order is stable. The API and an offline tablet list
    stock in this order, so the two never disagree."""
    return sorted(
        (
            (p, round(haversine_km(origin.latitude, origin.longitude, p.latitude, p.longitude), 1))
            for p in places
        ),
        key=lambda pd: (pd[0].id != origin.id, pd[1], pd[0].code),
    )
