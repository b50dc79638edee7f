"""What customers do besides buying: wish lists, try-ons, open carts, shelf-QR scans."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from app.server.seed.common import NOW, Cust, Loc, Staff, Var, between, shop_hours, weighted

WISHLIST_COLUMNS = (
    "id", "customer_id", "variant_id", "channel", "location_id", "associate_id", "created_at",
)  # fmt: skip
TRYON_COLUMNS = (
    "id", "customer_id", "variant_id", "location_id", "associate_id", "outcome", "note",
    "tried_at",
)  # fmt: skip
CART_COLUMNS = ("id", "customer_id", "channel", "status", "updated_at")
CARTLINE_COLUMNS = ("id", "cart_id", "variant_id", "quantity", "added_at")
SHELFSCAN_COLUMNS = (
    "id", "product_id", "variant_id", "location_id", "customer_id", "visitor_ref", "scanned_at",
)  # fmt: skip

OUTCOMES = (("bought", 30), ("did_not_fit", 25), ("liked", 30), ("disliked", 15))
TRYON_NOTES = {
    "bought": ("", "", "Kombin önerisiyle birlikte aldı"),
    "did_not_fit": ("Bir beden büyüğünü istedi", "Kalıbı dar geldi", "Boyu uzun geldi", ""),
    "liked": ("Maaştan sonra alacak", "Rengi stokta yoktu, haber verilecek", ""),
    "disliked": ("Kumaşını beğenmedi", "Rengi beklediği gibi değil", ""),
}


def _store_visit(
    rng: random.Random, cust: Cust, stores: Sequence[Loc], staff: Staff
) -> tuple[int, int | None]:
    loc = cust.home_store if rng.random() < 0.75 else rng.choice(stores).id
    return loc, staff.pick(rng, loc, "associate", "manager")


def wishlists(
    rng: random.Random,
    plan: Sequence[tuple[Cust, int]],
    variants: Sequence[Var],
    stores: Sequence[Loc],
    staff: Staff,
) -> list[tuple[Any, ...]]:
    """`count` distinct saved variants per (customer, count) in `plan`."""
    rows: list[tuple[Any, ...]] = []
    for cust, count in plan:
        for idx in rng.sample(range(len(variants)), min(count, len(variants))):
            channel = weighted(rng, (("web", 35), ("app", 40), ("store", 25)))
            loc = assoc = None
            at = between(rng, cust.created_at, NOW)
            if channel == "store":
                loc, assoc = _store_visit(rng, cust, stores, staff)
                at = min(max(shop_hours(rng, at), cust.created_at), NOW)
            rows.append((len(rows) + 1, cust.id, variants[idx].id, channel, loc, assoc, at))
    return rows


def try_ons(
    rng: random.Random,
    plan: Sequence[tuple[Cust, int]],
    variants: Sequence[Var],
    stores: Sequence[Loc],
    staff: Staff,
) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for cust, count in plan:
        visits = 0
        while visits < count:
            # One fitting-room visit: a few variants tried together.
            loc, assoc = _store_visit(rng, cust, stores, staff)
            at = min(max(shop_hours(rng, between(rng, cust.created_at, NOW)), cust.created_at), NOW)
            for idx in rng.sample(range(len(variants)), min(rng.randint(1, 3), count - visits)):
                outcome = weighted(rng, OUTCOMES)
                note = rng.choice(TRYON_NOTES[outcome])
                rows.append(
                    (
                        len(rows) + 1,
                        cust.id,
                        variants[idx].id,
                        loc,
                        assoc,
                        outcome,
                        note,
                        min(at, NOW),
                    )
                )
                at += timedelta(minutes=rng.randint(3, 12))
                visits += 1
    return rows


def carts(
    rng: random.Random, owners: Sequence[Cust], variants: Sequence[Var]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """One open online cart per owner, 1-4 lines, left within the last month."""
    cart_rows: list[tuple[Any, ...]] = []
    line_rows: list[tuple[Any, ...]] = []
    for cust in owners:
        cart_id = len(cart_rows) + 1
        channel = rng.choice(("web", "app"))
        at = between(rng, max(cust.created_at, NOW - timedelta(days=30)), NOW)
        for idx in rng.sample(range(len(variants)), rng.randint(1, 4)):
            qty = weighted(rng, ((1, 88), (2, 12)))
            line_rows.append((len(line_rows) + 1, cart_id, variants[idx].id, qty, at))
            at = min(at + timedelta(minutes=rng.randint(1, 40)), NOW)
        cart_rows.append((cart_id, cust.id, channel, "open", at))
    return cart_rows, line_rows


def shelf_scans(
    rng: random.Random,
    count: int,
    variants: Sequence[Var],
    stores: Sequence[Loc],
    customers: Sequence[Cust],
) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for i in range(1, count + 1):
        v = rng.choice(variants)
        at = shop_hours(rng, between(rng, NOW - timedelta(days=90), NOW - timedelta(days=1)))
        cust = rng.choice(customers) if rng.random() < 0.3 else None
        if cust is not None and cust.created_at > at:
            cust = None
        visitor = None if cust else f"{rng.getrandbits(64):016x}"
        variant_id = v.id if rng.random() < 0.7 else None
        rows.append(
            (i, v.product_id, variant_id, rng.choice(stores).id, cust.id if cust else None,
             visitor, at)
        )  # fmt: skip
    return rows
