"""Which location fulfils an order line.

The rule (documented in the README):
- reserve in store: only the named store; the customer will walk in there.
- click & collect: the pickup store itself when it has the units (nothing has to travel), then
  the online warehouse, then other stores by distance from the pickup store.
- ship to home: the online warehouse first (it is built for parcels and keeps store shelves
  full), then stores by distance from the selling store.
A line is never split across locations: a candidate must hold the whole quantity. The caller
tries the candidates in order with an atomic conditional reservation, so a candidate emptied by
a concurrent order is skipped rather than oversold.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FulfilmentType(StrEnum):
    SHIP_TO_HOME = "ship_to_home"
    CLICK_COLLECT = "click_collect"
    RESERVE_IN_STORE = "reserve_in_store"


class LocationKind(StrEnum):
    STORE = "store"
    WAREHOUSE = "warehouse"


@dataclass(frozen=True, slots=True)
class Candidate:
    location_id: int
    kind: LocationKind
    distance_km: float
    available: int


def source_candidates(
    candidates: list[Candidate],
    quantity: int,
    fulfilment: FulfilmentType,
    target_location_id: int,
) -> list[int]:
    """Location ids able to fulfil `quantity`, best first.

    `target_location_id` is the pickup or reservation store, or for ship to home the store that
    makes the sale; `distance_km` is measured from it.
    """
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    able = [c for c in candidates if c.available >= quantity]
    if fulfilment == FulfilmentType.RESERVE_IN_STORE:
        return [c.location_id for c in able if c.location_id == target_location_id]

    def rank(c: Candidate) -> tuple[int, float, int]:
        if fulfilment == FulfilmentType.CLICK_COLLECT and c.location_id == target_location_id:
            tier = 0
        elif c.kind == LocationKind.WAREHOUSE:
            tier = 1
        else:
            tier = 2
        return (tier, c.distance_km, c.location_id)

    return [c.location_id for c in sorted(able, key=rank)]
