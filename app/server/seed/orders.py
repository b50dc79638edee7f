"""Orders from every channel with consistent totals, their status history, coupon
redemptions, and the loyalty ledger that Customer.points sums up."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.domain import money
from app.domain.loyalty import Tier, points_earned
from app.server.seed.common import HISTORY_START, NOW, Cust, Loc, Staff, Var, between, weighted
from app.server.seed.coupons import CouponBook
from app.server.seed.patterns import Lookbook
from app.server.seed.people import address

ORDER_COLUMNS = (
    "id", "number", "customer_id", "channel", "status", "fulfilment_type", "ship_to",
    "pickup_location_id", "store_location_id", "associate_id", "coupon_id", "subtotal_kurus",
    "discount_kurus", "total_kurus", "kdv_kurus", "currency", "placed_at", "updated_at",
)  # fmt: skip
LINE_COLUMNS = (
    "id", "order_id", "variant_id", "sku", "quantity", "unit_price_kurus", "kdv_rate",
    "discount_kurus", "line_total_kurus", "source_location_id",
)  # fmt: skip
EVENT_COLUMNS = ("id", "order_id", "status", "at", "associate_id", "note")
LOYALTY_COLUMNS = (
    "id", "customer_id", "kind", "points", "channel", "order_id", "location_id", "note", "at",
)  # fmt: skip

CHANNELS = (("web", 35), ("app", 25), ("store", 25), ("endless_aisle", 15))
# Status steps and how long after the previous step each one happens (seconds, min..max).
_H, _D = 3600, 86400
FLOWS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "ship_to_home": (("paid", 60, 1200), ("shipped", 6 * _H, 2 * _D), ("delivered", _D, 4 * _D)),
    "click_collect": (("paid", 60, 1200), ("ready", 2 * _H, 2 * _D), ("collected", 2 * _H, 5 * _D)),
    "reserve_in_store": (("ready", _H, 6 * _H), ("collected", 2 * _H, 2 * _D)),
    "till": (("paid", 60, 600), ("collected", 60, 900)),
}
CANCEL_NOTES = (
    "Müşteri vazgeçti",
    "Müşteri talebiyle iptal",
    "Ödeme onaylanmadı",
    "Beden değişikliği",
)


@dataclass(slots=True)
class Sales:
    orders: list[list[Any]] = field(default_factory=list)
    lines: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    # customer id -> (at, kind, points or None for "reverse what this order earned", ...)
    ledger_events: dict[int, list[tuple[Any, ...]]] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)

    def number(self, prefix: str) -> str:
        self.numbers[prefix] = n = self.numbers.get(prefix, 0) + 1
        return f"{prefix}-{n:06d}"


def _placed_at(rng: random.Random, cust: Cust) -> datetime:
    start = max(cust.created_at, HISTORY_START)
    if rng.random() < 0.1:  # a recent tail, so some orders are still open
        start = max(start, NOW - timedelta(days=6))
    return between(rng, start, NOW - timedelta(minutes=30))


def _timeline(
    rng: random.Random, flow: str, placed: datetime, cancel_p: float
) -> list[tuple[str, datetime]]:
    steps = [("placed", placed)]
    if rng.random() < cancel_p:
        at = placed + timedelta(seconds=rng.randrange(600, 2 * _D))
        if at < NOW:
            return [*steps, ("cancelled", at)]
    if flow != "till" and placed > NOW - timedelta(days=2) and rng.random() < 0.3:
        return steps  # awaiting payment or confirmation
    at = placed
    for status, lo, hi in FLOWS[flow]:
        at = at + timedelta(seconds=rng.randrange(lo, hi))
        if at >= NOW:
            break
        steps.append((status, at))
    return steps


def sell(
    rng: random.Random,
    plan: Sequence[Cust],
    variants: Sequence[Var],
    locations: Sequence[Loc],
    staff: Staff,
    book: CouponBook,
    looks: Lookbook | None = None,
) -> Sales:
    """One order per entry of `plan` (a customer may appear many times). With `looks`, some
    baskets are outfits (app/server/seed/patterns.py says how)."""
    sales = Sales()
    stores = [loc for loc in locations if loc.kind == "store"]
    store_by_id = {loc.id: loc for loc in stores}
    warehouse = next(loc.id for loc in locations if loc.kind == "warehouse")
    dated = sorted(
        ((_placed_at(rng, c), i, c) for i, c in enumerate(plan)), key=lambda t: (t[0], t[1])
    )
    for placed, _, cust in dated:
        oid = len(sales.orders) + 1
        channel = weighted(rng, CHANNELS)
        home = store_by_id[cust.home_store]
        seller = home if rng.random() < 0.7 else rng.choice(stores)
        store_loc = assoc = pickup = None
        ship_to = None
        if channel == "store":
            ftype, flow = "reserve_in_store", "till"
        elif channel == "endless_aisle":
            ftype = weighted(rng, (("ship_to_home", 50), ("click_collect", 35),
                                   ("reserve_in_store", 15)))  # fmt: skip
            flow = ftype
        else:
            ftype = weighted(rng, (("ship_to_home", 72), ("click_collect", 28)))
            flow = ftype
        if channel in ("store", "endless_aisle"):
            store_loc = seller.id
            roles = ("cashier", "associate") if channel == "store" else ("associate", "manager")
            assoc = staff.pick(rng, seller.id, *roles)
            day = placed.replace(hour=7, minute=0, second=0)
            in_hours = day + timedelta(seconds=rng.randrange(12 * _H))
            if cust.created_at < in_hours < NOW - timedelta(minutes=30):
                placed = in_hours
        if ftype == "ship_to_home":
            if cust.addresses and rng.random() < 0.85:
                ship_to = dict(cust.addresses[0])
            else:
                ship_to = address(rng, cust.city, cust.name, cust.phone)
        elif ftype == "reserve_in_store":  # every till sale too: taken from the shelf there
            pickup = seller.id
        else:
            pickup = seller.id if channel == "endless_aisle" and rng.random() < 0.6 else home.id

        picks = rng.sample(range(len(variants)), weighted(rng, ((1, 55), (2, 30), (3, 15))))
        outfit = looks.outfit(cust.id, len(picks), variants) if looks is not None else None
        if outfit is not None:
            picks = outfit
        items: list[tuple[Var, int, int]] = []
        for idx in picks:
            v = variants[idx]
            qty = weighted(rng, ((1, 85), (2, 12), (3, 3)))
            if pickup is not None and (ftype == "reserve_in_store" or rng.random() < 0.3):
                source = pickup
            elif rng.random() < 0.8:
                source = warehouse
            else:
                source = rng.choice(stores).id
            items.append((v, qty, source))
        gross = [v.price * qty for v, qty, _ in items]
        subtotal = sum(gross)

        timeline = _timeline(rng, flow, placed, 0.02 if channel == "store" else 0.08)
        status, last_at = timeline[-1]
        coupon = None
        discount = 0
        if rng.random() < 0.1:
            chosen = book.choose(
                rng, total=subtotal, at=placed, channel=channel, customer_id=cust.id
            )
            if chosen is not None:
                coupon, discount = chosen
        shares = money.allocate(discount, gross)
        kdv = 0
        for (v, qty, source), g, share in zip(items, gross, shares, strict=True):
            line_total = g - share
            kdv += money.kdv_included(line_total, v.kdv_rate)
            sales.lines.append(
                (len(sales.lines) + 1, oid, v.id, v.sku, qty, v.price, v.kdv_rate, share,
                 line_total, source)
            )  # fmt: skip
        total = subtotal - discount

        year = placed.year
        prefix = {
            "web": f"W-{year}",
            "app": f"A-{year}",
            "store": f"S-{seller.code}",
            "endless_aisle": f"EA-{seller.code}",
        }[channel]
        canceller = staff.pick(rng, seller.id, "manager") if store_loc else None
        for st, at in timeline:
            who = None
            note = ""
            if st == "placed":
                who = assoc
            elif st in ("paid", "collected") and store_loc:
                who = staff.pick(rng, pickup or seller.id, "cashier", "associate")
            elif st == "ready":
                who = staff.pick(rng, pickup or seller.id, "associate", "manager")
                note = "Mağazada teslime hazır"
            elif st == "shipped":
                note = f"Kargo takip no: {rng.randrange(10**11, 10**12)}"
            elif st == "cancelled":
                who = canceller
                note = rng.choice(CANCEL_NOTES)
            sales.events.append((len(sales.events) + 1, oid, st, at, who, note))
        sales.orders.append(
            [oid, sales.number(prefix), cust.id, channel, status, ftype, ship_to, pickup,
             store_loc, assoc, coupon + 1 if coupon is not None else None, subtotal, discount,
             total, kdv, "TRY", placed, last_at]
        )  # fmt: skip
        if coupon is not None:
            r_status = {"cancelled": "voided", "placed": "reserved"}.get(status, "confirmed")
            book.redeem(
                coupon,
                cust.id,
                [0, 0, cust.id, oid, channel, store_loc, None, None, assoc, r_status, discount,
                 subtotal, placed, last_at if r_status == "voided" else None,
                 canceller if r_status == "voided" else None],
            )  # fmt: skip
        number = sales.orders[-1][1]
        earn = points_earned(total, Tier(cust.tier))
        events = sales.ledger_events.setdefault(cust.id, [])
        if earn > 0:
            events.append((placed, "earn", earn, channel, oid, store_loc, number))
            if status == "cancelled":
                events.append((last_at, "reversal", None, channel, oid, store_loc,
                               f"{number} cancelled"))  # fmt: skip
    return sales


def till_redemptions(
    rng: random.Random,
    book: CouponBook,
    stores: Sequence[Loc],
    staff: Staff,
    customers: Sequence[Cust],
    count: int,
) -> None:
    """Coupons taken at store tills (no order in this system), some voided by a manager."""
    for _ in range(count):
        store = rng.choice(stores)
        day = between(rng, NOW - timedelta(days=300), NOW - timedelta(days=1))
        at = day.replace(hour=7, minute=0, second=0) + timedelta(seconds=rng.randrange(12 * _H))
        cust = rng.choice(customers) if rng.random() < 0.6 else None
        if cust is not None and cust.created_at > at:
            cust = None
        basket = rng.randrange(30, 600) * 1000 - 10
        cid = cust.id if cust else None
        pool = book.public + (book.owned.get(cid, []) if cid else [])
        options = [
            (i, d)
            for i in pool
            if (d := book.applicable(i, total=basket, at=at, channel="store", customer_id=cid))
        ]
        if not options:
            continue
        i, discount = rng.choice(options)
        cashier = staff.pick(rng, store.id, "cashier", "associate")
        voided = rng.random() < 0.15
        book.redeem(
            i,
            cid,
            [0, 0, cid, None, "store", store.id, f"{store.code}-KASA{rng.randint(1, 3)}",
             f"POS-{store.code}-{rng.randrange(10**7):07d}", cashier,
             "voided" if voided else "confirmed", discount, basket, at,
             at + timedelta(minutes=rng.randint(2, 90)) if voided else None,
             staff.pick(rng, store.id, "manager") if voided else None],
        )  # fmt: skip


def ledger(
    rng: random.Random, customers: Sequence[Cust], sales: Sales, *, welcome: float, burn: float
) -> tuple[list[tuple[Any, ...]], dict[int, int]]:
    """Loyalty rows, oldest first, and each customer's balance (their sum, never negative)."""
    rows: list[tuple[Any, ...]] = []
    balances: dict[int, int] = {}
    for cust in customers:
        events = list(sales.ledger_events.get(cust.id, ()))
        if rng.random() < welcome:
            channel = rng.choice(("web", "app", "store"))
            loc = cust.home_store if channel == "store" else None
            events.append((cust.created_at, "adjust", 100, channel, None, loc, "Hoş geldin puanı"))
        if events and rng.random() < burn:
            at = between(rng, min(e[0] for e in events), NOW - timedelta(hours=1))
            want = rng.randrange(100, 1001, 50)
            events.append((at, "burn", -want, "app", None, None, "Puanlar hediye çekine çevrildi"))
        if not events:
            continue
        events.sort(key=lambda e: e[0])
        balance = 0
        earned: dict[int, int] = {}
        for at, kind, points, channel, order_id, loc, note in events:
            if kind == "reversal":
                points = -min(earned.get(order_id, 0), balance)
            elif kind == "burn":
                points = -min(-points, balance // 50 * 50)
            if points == 0:
                continue
            balance += points
            if kind == "earn":
                earned[order_id] = earned.get(order_id, 0) + points
            elif kind == "reversal":
                earned[order_id] += points
            rows.append((cust.id, kind, points, channel, order_id, loc, note, at))
        balances[cust.id] = balance
    rows.sort(key=lambda r: (r[7], r[0]))
    return [(i, *r) for i, r in enumerate(rows, start=1)], balances
