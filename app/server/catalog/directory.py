"""Where the stores and warehouses are, kept in memory: read on every availability call, every
order line's sourcing and every list that names a location by its code."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import Session, col

from app.domain import sourcing
from app.domain.geo import nearest_first
from app.domain.sourcing import FulfilmentType, LocationKind
from app.server.catalog.models import Location


@dataclass(frozen=True, slots=True)
class Place:
    """A location as the services need it on hot paths: plain values, safe to share between
    requests and threads (an ORM instance would be tied to the session that loaded it)."""

    id: int
    code: str
    name: str
    kind: str
    city: str
    latitude: float
    longitude: float


class LocationDirectory:
    """Locations change a few times a year but are read on every availability call: keep them
    in memory for a short while instead of querying 200 rows each time, with the distance
    ordering from each origin worked out once per load rather than on every request."""

    def __init__(self, ttl_seconds: float = 30.0) -> None:
        self.ttl = ttl_seconds
        self._loaded_at = -ttl_seconds
        self._by_id: dict[int, Place] = {}
        self._codes: dict[int, str] = {}
        self._orderings: dict[int, list[tuple[Place, float]]] = {}
        self._listings: dict[int, list[dict[str, Any]]] = {}
        self._preferences: dict[tuple[int, FulfilmentType], _Preference] = {}

    def all(self, session: Session | Connection) -> dict[int, Place]:
        if time.monotonic() - self._loaded_at > self.ttl:
            rows = session.execute(
                select(
                    col(Location.id),
                    col(Location.code),
                    col(Location.name),
                    col(Location.kind),
                    col(Location.city),
                    col(Location.latitude),
                    col(Location.longitude),
                    col(Location.active),
                )
            ).all()
            # Swap whole dicts (no in-place mutation): other threads may be reading the old ones.
            self._orderings = {}
            self._listings = {}
            self._preferences = {}
            located = [(Place(*row[:-1]), row[-1]) for row in rows]
            self._codes = {p.id: p.code for p, _ in located}
            self._by_id = {p.id: p for p, active in located if active}
            self._loaded_at = time.monotonic()
        return self._by_id

    def codes(self, session: Session | Connection) -> LocationCodes:
        """Location id -> code for every location, closed ones too (old orders name them)."""
        self.all(session)
        return LocationCodes(self, session)

    def by_distance(
        self, session: Session | Connection, origin_id: int
    ) -> list[tuple[Place, float]]:
        """Every location with its distance from `origin_id`: the origin first, then nearest
        first (ties by code, so the order is stable)."""
        places = self.all(session)
        orderings = self._orderings
        cached = orderings.get(origin_id)
        if cached is None:
            cached = nearest_first(places[origin_id], places.values())
            orderings[origin_id] = cached
        return cached

    def stock_rows(self, session: Session | Connection, origin_id: int) -> list[dict[str, Any]]:
        """`LocationStock` fields that do not change per SKU, in `by_distance` order; a
        request only adds the three stock numbers to each."""
        listings = self._listings
        cached = listings.get(origin_id)
        if cached is None:
            cached = [
                {
                    "location_id": p.id,
                    "code": p.code,
                    "name": p.name,
                    "kind": p.kind,
                    "city": p.city,
                    "distance_km": km,
                }
                for p, km in self.by_distance(session, origin_id)
            ]
            listings[origin_id] = cached
        return cached

    def preference(
        self, session: Session | Connection, origin_id: int, fulfilment: FulfilmentType
    ) -> _Preference:
        """Every location in the order sourcing tries them for a line fulfilled this way from
        `origin_id` (sourcing.preference), with its distance from there; worked out once per
        load, not for every order line."""
        self.all(session)  # reloaded first when due, which starts a new set of preferences
        preferences = self._preferences
        cached = preferences.get((origin_id, fulfilment))
        if cached is None:
            distances = {p.id: (p, km) for p, km in self.by_distance(session, origin_id)}
            places = [(pid, LocationKind(p.kind), km) for pid, (p, km) in distances.items()]
            cached = _Preference(
                sourcing.preference(places, fulfilment, origin_id),
                {pid: km for pid, (_, km) in distances.items()},
            )
            preferences[(origin_id, fulfilment)] = cached
        return cached

    def invalidate(self) -> None:
        self._loaded_at = -self.ttl


@dataclass(frozen=True, slots=True)
class _Preference:
    order: tuple[int, ...]  # location ids, best first
    distance_km: dict[int, float]  # from the origin


class LocationCodes(Mapping[int, str]):
    """The directory's codes for one request. An id the last load did not know (a location
    added since) reloads the directory once, so a new store's code shows at once rather than
    after the directory's time to live; a code changed since may show the old one until then."""

    def __init__(self, directory: LocationDirectory, session: Session | Connection) -> None:
        self._directory = directory
        self._session = session
        self._reloaded = False

    def __getitem__(self, location_id: int) -> str:
        codes = self._directory._codes
        if location_id not in codes and not self._reloaded:
            self._reloaded = True
            self._directory.invalidate()
            self._directory.all(self._session)
            codes = self._directory._codes
        return codes[location_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._directory._codes)

    def __len__(self) -> int:
        return len(self._directory._codes)
