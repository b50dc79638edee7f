"""Locations, products (styles), variants and stock levels."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

from app.domain import ean
from app.domain.text import fold
from app.server.seed import vocab
from app.server.seed.common import NOW, Loc, Var, weighted
from app.server.seed.names import BENCH_CITIES, DEMO_STORES, WAREHOUSE, Place

LOCATION_COLUMNS = (
    "id", "code", "name", "kind", "city", "district", "address", "latitude", "longitude", "active",
)  # fmt: skip
PRODUCT_COLUMNS = (
    "id", "style_code", "name_tr", "name_en", "brand", "category", "description_tr",
    "description_en", "kdv_rate", "search_text", "active", "updated_at",
)  # fmt: skip
VARIANT_COLUMNS = (
    "id", "product_id", "sku", "ean13", "size", "colour", "colour_en", "price_kurus", "currency",
    "active", "updated_at",
)  # fmt: skip
STOCK_COLUMNS = ("variant_id", "location_id", "on_hand")
# Same in every stock row: nothing reserved (no open reservations in seed data), one timestamp.
STOCK_CONSTANTS = {"reserved": 0, "updated_at": NOW}

# Store shelves: most variants are absent from most stores (that is what endless aisle sells).
_STORE_HANDS = tuple(range(13))
_CORE_CUM = tuple(
    sum((30, 12, 12, 10, 8, 7, 6, 5, 3, 3, 2, 1, 1)[: i + 1]) for i in range(13)
)  # popular sizes
_EDGE_CUM = tuple(sum((62, 12, 8, 5, 4, 3, 2, 1, 1, 1, 1, 0, 0)[: i + 1]) for i in range(13))
_CORE_SIZES = frozenset({"M", "L", "32", "34", "38", "39", "40", "41", "42", "STD"})


def _location_row(i: int, place: Place, kind: str) -> tuple[Any, ...]:
    code, name, city, district, address, lat, lon = place
    return (i, code, name, kind, city, district, address, lat, lon, True)


def demo_locations() -> tuple[list[tuple[Any, ...]], list[Loc]]:
    rows = [_location_row(i, p, "store") for i, p in enumerate(DEMO_STORES, start=1)]
    rows.append(_location_row(len(rows) + 1, WAREHOUSE, "warehouse"))
    return rows, [Loc(r[0], r[1], r[3], r[4], r[7], r[8]) for r in rows]


def bench_locations(rng: random.Random, stores: int) -> tuple[list[tuple[Any, ...]], list[Loc]]:
    """IST01 (where the demo log-ins work), stores S002.. across Turkey, then WEB."""
    rows = [_location_row(1, DEMO_STORES[0], "store")]
    per_city: dict[str, int] = {}
    cities = [(c, w) for c, *_, w in BENCH_CITIES]
    coords = {c: (lat, lon) for c, lat, lon, _ in BENCH_CITIES}
    for i in range(2, stores + 1):
        city = weighted(rng, cities)
        per_city[city] = per_city.get(city, 0) + 1
        lat, lon = coords[city]
        lat = round(lat + rng.uniform(-0.06, 0.06), 5)
        lon = round(lon + rng.uniform(-0.08, 0.08), 5)
        n = per_city[city]
        rows.append(
            (i, f"S{i:03d}", f"Reyon {city} {n}", "store", city, "Merkez",
             f"Cumhuriyet Cad. No: {rng.randint(1, 240)}", lat, lon, True)
        )  # fmt: skip
    rows.append(_location_row(stores + 1, WAREHOUSE, "warehouse"))
    return rows, [Loc(r[0], r[1], r[3], r[4], r[7], r[8]) for r in rows]


def _sizes(rng: random.Random, system: str) -> Sequence[str]:
    if system == "std":
        return ("STD",)
    table, runs = {
        "apparel": (vocab.APPAREL_SIZES, vocab.APPAREL_RUNS),
        "waist": (vocab.WAIST_SIZES, vocab.WAIST_RUNS),
        "shoes": (vocab.SHOE_SIZES, vocab.SHOE_RUNS),
    }[system]
    start, end = weighted(rng, runs)
    return table[start:end]


def _colours(rng: random.Random) -> list[tuple[str, str, str]]:
    k = weighted(rng, ((1, 40), (2, 40), (3, 20)))
    picked: list[tuple[str, str, str]] = []
    while len(picked) < k:
        c = rng.choices(vocab.COLOURS, weights=vocab.COLOUR_WEIGHTS)[0]
        if c not in picked:
            picked.append(c)
    return picked


def _name(rng: random.Random, cat: vocab.Category) -> tuple[str, str]:
    parts: list[tuple[str, str]] = []
    if cat.fits and rng.random() < 0.55:
        parts.append(rng.choice(vocab.FITS))
    detail = rng.choice(cat.details)
    if detail[0]:
        parts.append(detail)
    if rng.random() < 0.75:
        parts.append(rng.choice(cat.materials))
    parts.append(rng.choice(cat.nouns))
    return " ".join(p[0] for p in parts), " ".join(p[1] for p in parts)


def _price(rng: random.Random, lo: int, hi: int) -> int:
    """Shelf prices like 549,90 or 1.299,90 TL, in kuruş."""
    lira = rng.randrange(lo // 50 + 1, hi // 50 + 2) * 50 - 1
    return lira * 100 + 90


def catalog(
    rng: random.Random, target_variants: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[Var]]:
    """Styles until exactly `target_variants` variants exist (the last style may be cut short)."""
    cats = [(c, c.weight) for c in vocab.CATEGORIES]
    products: list[tuple[Any, ...]] = []
    variant_rows: list[tuple[Any, ...]] = []
    variants: list[Var] = []
    pid = 0
    while len(variants) < target_variants:
        pid += 1
        cat = weighted(rng, cats)
        name_tr, name_en = _name(rng, cat)
        brand = weighted(rng, vocab.BRANDS)
        style = f"RY-{10000 + pid}"
        k = rng.randrange(len(cat.composition_tr))
        care = rng.randrange(len(vocab.CARE_TR))
        story = rng.randrange(len(vocab.STORY_TR))
        desc_tr = (
            f"{name_tr}. {vocab.STORY_TR[story]} İçerik: {cat.composition_tr[k]}. "
            f"{vocab.CARE_TR[care]}"
        )
        desc_en = (
            f"{name_en}. {vocab.STORY_EN[story]} Composition: {cat.composition_en[k]}. "
            f"{vocab.CARE_EN[care]}"
        )
        updated = NOW - timedelta(days=rng.randrange(1, 400), seconds=rng.randrange(86400))
        search = fold(" ".join([name_tr, name_en, brand, cat.slug, style]))
        products.append(
            (pid, style, name_tr, name_en, brand, cat.slug, desc_tr, desc_en, cat.kdv_rate,
             search, True, updated)
        )  # fmt: skip
        price = _price(rng, *cat.price_lira)
        sizes = _sizes(rng, cat.sizes)
        for colour_tr, colour_en, code in _colours(rng):
            for size in sizes:
                if len(variants) == target_variants:
                    break
                vid = len(variants) + 1
                sku = f"{style}-{code}-{size}"
                barcode = ean.make(f"8681{vid:08d}")
                variant_rows.append(
                    (vid, pid, sku, barcode, size, colour_tr, colour_en, price, "TRY", True,
                     updated)
                )  # fmt: skip
                variants.append(Var(vid, pid, sku, price, cat.kdv_rate, size))
    return products, variant_rows, variants


def stock_rows(
    rng: random.Random, variants: Sequence[Var], locations: Sequence[Loc]
) -> Iterator[tuple[int, int, int]]:
    """On hand for every variant at every location, in primary-key order."""
    stores = [loc.id for loc in locations if loc.kind == "store"]
    warehouses = [loc.id for loc in locations if loc.kind == "warehouse"]
    order = sorted([(i, True) for i in stores] + [(i, False) for i in warehouses])
    n_stores = len(stores)
    choices = rng.choices
    for v in variants:
        cum = _CORE_CUM if v.size in _CORE_SIZES else _EDGE_CUM
        hands = iter(choices(_STORE_HANDS, cum_weights=cum, k=n_stores))
        vid = v.id
        for loc_id, is_store in order:
            if is_store:
                yield (vid, loc_id, next(hands))
            else:
                on_hand = 0 if rng.random() < 0.06 else rng.randint(4, 60)
                yield (vid, loc_id, on_hand)
