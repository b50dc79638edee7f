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
    order = preference(
        [(c.location_id, c.kind, c.distance_km) for c in able], fulfilment, target_location_id
    )
    return list(order)


def preference(
    places: list[tuple[int, LocationKind, float]],
    fulfilment: FulfilmentType,
    target_location_id: int,
) -> tuple[int, ...]:
    """The order the rule tries `places` (id, kind, distance from the target) in, whatever
    their stock: the same for every order with this fulfilment and target, so a caller can
    work it out once and keep, of it, the places that hold the quantity."""
    if fulfilment == FulfilmentType.RESERVE_IN_STORE:
        return tuple(pid for pid, _, _ in places if pid == target_location_id)

    def rank(place: tuple[int, LocationKind, float]) -> tuple[int, float, int]:
        pid, kind, km = place
        if fulfilment == FulfilmentType.CLICK_COLLECT and pid == target_location_id:
            tier = 0
        elif kind == LocationKind.WAREHOUSE:
            tier = 1
        else:
            tier = 2
        return (tier, km, pid)

    return tuple(pid for pid, _, _ in sorted(places, key=rank))
