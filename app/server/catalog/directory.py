"""Where the stores and warehouses are, kept in memory: read on every availability call, every
order line's sourcing and every list that names a location by its code."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
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


@dataclass(frozen=True, slots=True)
class _Preference:
    order: tuple[int, ...]  # location ids, best first
    distance_km: dict[int, float]  # from the origin


@dataclass(slots=True)
class _Load:
    """One read of the locations, with what is worked out from its places as requests need
    it. A reload makes a new one; a thread still holding an older one keeps a consistent
    picture, and nothing worked out from old places lands in a new load."""

    at: float
    by_id: dict[int, Place]  # the active locations
    codes: dict[int, str]  # every location, closed ones too: old orders name them
    orderings: dict[int, list[tuple[Place, float]]] = field(default_factory=dict)
    listings: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    preferences: dict[tuple[int, FulfilmentType], _Preference] = field(default_factory=dict)


_LOCATIONS = select(
    col(Location.id),
    col(Location.code),
    col(Location.name),
    col(Location.kind),
    col(Location.city),
    col(Location.latitude),
    col(Location.longitude),
    col(Location.active),
)


class LocationDirectory:
    """Locations change a few times a year but are read on every availability call: keep them
    in memory for a short while instead of querying 200 rows each time, with the distance
    ordering from each origin worked out once per load rather than on every request."""

    def __init__(self, ttl_seconds: float = 30.0) -> None:
        self.ttl = ttl_seconds
        self._load: _Load | None = None

    def _current(self, session: Session | Connection) -> _Load:
        load = self._load
        if load is None or time.monotonic() - load.at > self.ttl:
            load = self.reload(session)
        return load

    def reload(self, session: Session | Connection) -> _Load:
        located = [(Place(*row[:-1]), row[-1]) for row in session.execute(_LOCATIONS).all()]
        load = _Load(
            at=time.monotonic(),
            by_id={p.id: p for p, active in located if active},
            codes={p.id: p.code for p, _ in located},
        )
        self._load = load  # one assignment: readers see the old load or the new, never a mix
        return load

    def all(self, session: Session | Connection) -> dict[int, Place]:
        return self._current(session).by_id

    def codes(self, session: Session | Connection) -> LocationCodes:
        """Location id -> code for every location, closed ones too."""
        return LocationCodes(self, session, self._current(session))

    def by_distance(
        self, session: Session | Connection, origin_id: int
    ) -> list[tuple[Place, float]]:
        """Every location with its distance from `origin_id`: the origin first, then nearest
        first (ties by code, so the order is stable)."""
        return _by_distance(self._current(session), origin_id)

    def stock_rows(self, session: Session | Connection, origin_id: int) -> list[dict[str, Any]]:
        """`LocationStock` fields that do not change per SKU, in `by_distance` order; a
        request only adds the three stock numbers to each."""
        load = self._current(session)
        cached = load.listings.get(origin_id)
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
                for p, km in _by_distance(load, origin_id)
            ]
            load.listings[origin_id] = cached
        return cached

    def preference(
        self, session: Session | Connection, origin_id: int, fulfilment: FulfilmentType
    ) -> _Preference:
        """Every location in the order sourcing tries them for a line fulfilled this way from
        `origin_id` (sourcing.preference), with its distance from there; worked out once per
        load, not for every order line."""
        load = self._current(session)
        cached = load.preferences.get((origin_id, fulfilment))
        if cached is None:
            distances = {p.id: (p, km) for p, km in _by_distance(load, origin_id)}
            places = [(pid, LocationKind(p.kind), km) for pid, (p, km) in distances.items()]
            cached = _Preference(
                sourcing.preference(places, fulfilment, origin_id),
                {pid: km for pid, (_, km) in distances.items()},
            )
            load.preferences[(origin_id, fulfilment)] = cached
        return cached


def _by_distance(load: _Load, origin_id: int) -> list[tuple[Place, float]]:
    cached = load.orderings.get(origin_id)
    if cached is None:
        cached = nearest_first(load.by_id[origin_id], load.by_id.values())
        load.orderings[origin_id] = cached
    return cached


class LocationCodes(Mapping[int, str]):
    """The directory's codes for one request. An id its load does not know (a location added
    since) reloads the directory once, so a new store's code shows at once rather than after
    the directory's time to live; a code changed since may show the old one until then."""

    def __init__(
        self, directory: LocationDirectory, session: Session | Connection, load: _Load
    ) -> None:
        self._directory = directory
        self._session = session
        self._codes = load.codes
        self._reloaded = False

    def __getitem__(self, location_id: int) -> str:
        if location_id not in self._codes and not self._reloaded:
            self._reloaded = True
            self._codes = self._directory.reload(self._session).codes
        return self._codes[location_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)
