"""Shared pieces of the generator: the fixed clock, the random source, and the small records
the later steps (orders, wish lists) need about what earlier steps created."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any, TypeVar

SEED = 20261122
# Every timestamp is relative to this instant, never to the wall clock, so runs are identical.
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
HISTORY_START = NOW - timedelta(days=730)

T = TypeVar("T")


def new_rng() -> random.Random:
    return random.Random(SEED)


def child_rng(rng: random.Random) -> random.Random:
    """An independent stream for a step that runs lazily (so laziness cannot change results)."""
    return random.Random(rng.getrandbits(64))


_CUMULATIVE: dict[Any, tuple[list[Any], list[int]]] = {}


def weighted(rng: random.Random, pairs: Sequence[tuple[T, int]]) -> T:
    """One of the values of (value, weight) pairs; the same draw as rng.choices(k=1)."""
    try:
        values, cum = _CUMULATIVE[pairs]
    except (KeyError, TypeError):
        values, cum = [p[0] for p in pairs], list(accumulate(p[1] for p in pairs))
        if isinstance(pairs, tuple) and len(_CUMULATIVE) < 10_000:
            _CUMULATIVE[pairs] = (values, cum)
    return values[bisect_right(cum, rng.random() * cum[-1])]


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment in [start, end), whole seconds."""
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(max(span, 1)))


def shop_hours(rng: random.Random, day: datetime) -> datetime:
    """A moment on `day` while stores are open (10:00-22:00 Istanbul = 07:00-19:00 UTC)."""
    base = day.replace(hour=7, minute=0, second=0, microsecond=0)
    return base + timedelta(seconds=rng.randrange(12 * 3600))


@dataclass(slots=True)
class Loc:
    id: int
    code: str
    kind: str
    city: str
    latitude: float
    longitude: float


@dataclass(slots=True)
class Var:
    id: int
    product_id: int
    sku: str
    price: int
    kdv_rate: int
    size: str


@dataclass(slots=True)
class Cust:
    id: int
    first: str
    last: str
    phone: str | None
    tier: str
    created_at: datetime
    city: str
    home_store: int
    addresses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(slots=True)
class Staff:
    """Associate ids per store and role, for attributing sales, try-ons and voids."""

    by_store: dict[int, dict[str, list[int]]] = field(default_factory=dict)

    def add(self, store_id: int, role: str, associate_id: int) -> None:
        self.by_store.setdefault(store_id, {}).setdefault(role, []).append(associate_id)

    def pick(self, rng: random.Random, store_id: int, *roles: str) -> int | None:
        roster = self.by_store.get(store_id, {})
        ids = [a for role in roles for a in roster.get(role, [])]
        return rng.choice(ids) if ids else None
