"""Scripted shop days for several simulated tablets (each its own offline cache, the real
state objects, the real outbox) against the real API behind a misbehaving proxy, while the
API process is killed and restarted; then an invariant checker: no order lost, none twice,
no coupon over its limit, stock never negative, every cache equal to the server for its
scope. Pickups prepared and handed over and returns taken back are store_day.py's, with their
invariants (nothing refunded or collected twice, stock accounted for, every return once).
`test_fault_injection.py` runs a short day in `make test`; `make soak` a long one."""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from app.server.catalog.models import Variant
from app.server.customers.models import CustomerNote, TryOn
from app.server.db import Database
from app.server.inventory.models import Reservation, StockLevel
from app.server.orders.models import Order
from app.server.promotions.models import Coupon
from app.tablet.client import ReyonClient
from app.tablet.gateway.live import LiveGateway
from app.tablet.offline import Offline
from app.tablet.state.tablet import Tablet
from tests import factories
from tests.factories import PIN, Base
from tests.faults.proxy import FaultyProxy
from tests.faults.store_day import StoreDay
from tests.server import HANG_S, ApiProcess

OUTCOMES = ("bought", "did_not_fit", "liked", "disliked")


@dataclass
class Day:
    tablets: int = 3
    actions: int = 25  # per tablet
    kills: int = 1  # API process killed (and restarted) this many times
    outages: int = 2  # Wi-Fi gone for a moment this many times
    cut_answer: float = 0.1
    refuse: float = 0.05
    delay_s: float = 0.03
    seed: int = 7
    pickups: int = 3  # paid click & collect orders waiting at the store when the day starts
    collected: int = 2  # orders collected before the day, for customers to bring back


@dataclass
class Report:
    violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # exceptions the tablets did not handle
    sent: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    proxy: dict[str, int] = field(default_factory=dict)
    store: dict[str, int] = field(default_factory=dict)  # what the desks were told, by kind
    kills: int = 0
    seconds: float = 0.0


@dataclass
class Shop:
    """What the day is played with: its own products, customers and coupon, so the checker
    can count exactly what this day made, whatever else the database holds."""

    products: list[tuple[int, list[str]]]
    customers: list[int]
    coupon: str
    # Products the tablets do not sell on the floor, whose stock is checked all the same.
    also_stocked: list[tuple[int, list[str]]] = field(default_factory=list)


def stock_up(db: Database, base: Base) -> Shop:
    products = [
        factories.product(db, sizes=("S", "M"), stock={base.stores["IST01"]: 3, base.warehouse: 2})
        for _ in range(3)
    ]
    customers = [factories.customer(db, consent=True) for _ in range(4)]
    return Shop(products, customers, factories.coupon(db, max_redemptions=1))


def _tablet(db: Database, url: str, path: Path, n: int) -> Tablet:
    client = ReyonClient(url, timeout=HANG_S)
    kit = Offline.open(client, path / f"tablet-{n}.db", lease=timedelta(seconds=3))
    device = factories.tablet(db, "IST01", name=f"soak-{n}")
    return Tablet(
        LiveGateway(client, kit), device_id=device.device_id, device_secret=device.device_secret
    )


def _log_in(state: Tablet) -> None:
    deadline = time.monotonic() + HANG_S
    while time.monotonic() < deadline:
        state.login.store_code, state.login.associate_code = "IST01", "t-associate"
        for d in PIN:
            state.login.press_digit(d)
        state.login.log_in()
        if state.session.who is not None:
            return
        time.sleep(0.2)
    raise AssertionError(f"a tablet could not log in at the start of the day: {state.login.error}")


def _act(state: Tablet, shop: Shop, rng: random.Random) -> None:
    """One thing an associate does on the shop floor."""
    roll = rng.random()
    if state.customer.view is None or roll < 0.15:
        state.home.open_customer(rng.choice(shop.customers))
        return
    product_id, skus = rng.choice(shop.products)
    if roll < 0.45:
        state.product.open(product_id, rng.choice(skus))
        if state.product.product is not None:
            state.product.record_try_on(rng.choice(OUTCOMES))
    elif roll < 0.55:
        state.customer.add_note(f"note {rng.getrandbits(32):08x}")
    elif roll < 0.85:
        state.product.open(product_id, rng.choice(skus))
        if state.product.product is None:
            return
        state.product.add_to_basket()
        state.basket.choose_fulfilment("click_collect")
        state.basket.coupon = shop.coupon if rng.random() < 0.2 else ""
        state.basket.place_order()
        if state.basket.error:  # refused at once (stock gone, coupon used): start over
            state.basket.lines.clear()
    else:
        state.sync.sync_now()


class ActionClock:
    """The day's clock: how many actions the tablets have done between them."""

    def __init__(self) -> None:
        self._done = 0
        self._held = False
        self._cond = threading.Condition()

    @property
    def done(self) -> int:
        with self._cond:
            return self._done

    def tick(self) -> None:
        """One more action; while the clock is held, the tablets wait here."""
        with self._cond:
            self._done += 1
            self._cond.notify_all()
            if not self._cond.wait_for(lambda: not self._held, timeout=HANG_S):
                raise AssertionError("the clock was held for good")

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Stop the day while the API restarts: against a dead API every action fails in a
        moment, and the tablets would otherwise finish the day before the next storm."""
        with self._cond:
            self._held = True
        try:
            yield
        finally:
            with self._cond:
                self._held = False
                self._cond.notify_all()

    def wait_until(self, actions: int) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._done >= actions, timeout=HANG_S):
                raise AssertionError(f"the tablets stopped before action {actions}")


@dataclass(frozen=True)
class Storm:
    kind: str  # outage (Wi-Fi gone) | kill (the API process crashes, then comes back)
    starts: int  # after this many of the tablets' actions
    ends: int  # the Wi-Fi returns, or the API is started again, after this many


def forecast(day: Day) -> list[Storm]:
    """The day's outages and crashes, seeded, each starting and ending at a count of the
    tablets' actions, all within the day and one after another."""
    rng = random.Random(day.seed)
    kinds = ["outage"] * day.outages + ["kill"] * day.kills
    rng.shuffle(kinds)
    total = day.tablets * day.actions
    slot = total // (len(kinds) + 1)
    if kinds and slot < 4:
        raise ValueError(f"a day of {total} actions is too short for {len(kinds)} storms")
    storms = []
    for i, kind in enumerate(kinds):
        starts = slot * i + rng.randint(1, slot // 2)
        storms.append(Storm(kind, starts, starts + rng.randint(2, slot // 2)))
    return storms


def play(
    *,
    db: Database,
    base: Base,
    api: ApiProcess,
    restart_api: Callable[[], ApiProcess],
    workdir: Path,
    day: Day,
) -> Report:
    report = Report()
    started = time.monotonic()
    shop = stock_up(db, base)
    store = StoreDay.open(
        db,
        base,
        api.url,
        shop_customers=shop.customers,
        shop_products=shop.products,
        tablets=day.tablets,
        pickups=day.pickups,
        collected=day.collected,
        seed=day.seed,
    )
    shop.also_stocked = store.products
    api_port = int(api.url.rsplit(":", 1)[1])
    proxy = FaultyProxy(api_port, seed=day.seed)
    tablets = [_tablet(db, proxy.url, workdir, n) for n in range(day.tablets)]
    for t in tablets:
        _log_in(t)
        t.sync.sync_now()
    proxy.faults.cut_answer, proxy.faults.refuse = day.cut_answer, day.refuse
    proxy.faults.delay_s = day.delay_s
    current = {"api": api}
    clock = ActionClock()
    storms = forecast(day)

    def shop_floor(n: int, state: Tablet) -> None:
        """`actions` things, then wait for the weather to clear. The weather is timed in the
        tablets' actions, so every outage and crash meets busy tablets however slow the
        machine, and the day is as long in actions on any machine."""
        rng = random.Random(day.seed * 1000 + n)
        for _ in range(day.actions):
            try:
                if not store.act(n, state, rng):
                    _act(state, shop, rng)
            except Exception:
                report.errors.append(f"tablet {n}: {traceback.format_exc(limit=6)}")
            clock.tick()
            time.sleep(rng.uniform(0, 0.05))  # the associate's own pace between taps

    def weather() -> None:
        total = day.tablets * day.actions
        try:
            for storm in storms:
                clock.wait_until(storm.starts)
                if clock.done >= total:
                    report.errors.append(f"{storm} came after the tablets' last action")
                if storm.kind == "outage":
                    proxy.set_outage(True)
                    clock.wait_until(storm.ends)
                    proxy.set_outage(False)
                else:
                    current["api"].kill()  # no shutdown handlers: a crash
                    report.kills += 1
                    clock.wait_until(storm.ends)
                    with clock.held():
                        current["api"] = restart_api()
        except Exception:
            report.errors.append(f"weather: {traceback.format_exc(limit=6)}")
            proxy.set_outage(False)

    workers = [
        threading.Thread(target=shop_floor, args=(n, t), daemon=True) for n, t in enumerate(tablets)
    ]
    chaos = threading.Thread(target=weather, daemon=True)
    chaos.start()
    for w in workers:
        w.start()
    for w in workers:
        w.join(HANG_S)
    chaos.join(HANG_S)
    if chaos.is_alive() or any(w.is_alive() for w in workers):
        report.errors.append(f"the day hung: no end after {HANG_S:.0f} s")

    # The weather clears: every tablet sends what it holds and catches up, until the whole
    # shop is quiet (commands backing off after a 5xx or a 409 of a request the crash left
    # running go when their time comes).
    proxy.faults = type(proxy.faults)()
    deadline = time.monotonic() + HANG_S
    while time.monotonic() < deadline:
        for t in tablets:
            t.sync.sync_now()
            assert t.gateway.offline is not None
            t.gateway.offline.outbox.wake()
        if all(t.sync.queued == 0 for t in tablets):
            break
        time.sleep(0.3)
    for t in tablets:
        t.sync.sync_now()  # and one more pull each, after everyone's writes
    report.proxy = dict(proxy.counts)
    check(db, base, shop, tablets, report)
    store.check(tablets, report.violations)
    report.store = store.stats()
    for t in tablets:
        if t.gateway.offline is not None:
            t.gateway.offline.close()
    proxy.close()
    report.seconds = time.monotonic() - started
    return report


def _count(db: Database, stmt: Any) -> int:
    with db.session() as s:
        return int(s.execute(stmt).scalar_one())


def check(db: Database, base: Base, shop: Shop, tablets: list[Tablet], report: Report) -> None:
    v = report.violations
    sent: dict[str, int] = {}
    failed: dict[str, int] = {}
    order_ids: list[int] = []
    for n, t in enumerate(tablets):
        assert t.gateway.offline is not None
        for status, k in t.gateway.offline.outbox.counts().items():
            if status in ("pending", "sending"):
                v.append(f"tablet {n}: {k} command(s) still {status}: lost if the day ends")
        with t.gateway.offline.cache.read() as conn:
            rows = conn.exec_driver_sql("SELECT kind, status, response FROM outbox").fetchall()
        for kind, status, response in rows:
            if status == "sent":
                sent[kind] = sent.get(kind, 0) + 1
                if kind == "order":
                    order_ids.append(int(json.loads(response)["id"]))
            elif status in ("failed", "dismissed"):
                failed[kind] = failed.get(kind, 0) + 1
    report.sent, report.failed = sent, failed
    customers = shop.customers
    orders = _count(db, select(func.count()).where(col(Order.customer_id).in_(customers)))
    if orders != sent.get("order", 0):
        v.append(f"server holds {orders} orders, tablets had {sent.get('order', 0)} accepted")
    if len(set(order_ids)) != len(order_ids):
        v.append("two commands were answered with the same order")
    try_ons = _count(db, select(func.count()).where(col(TryOn.customer_id).in_(customers)))
    if try_ons != sent.get("try_on", 0):
        v.append(f"server holds {try_ons} try-ons, tablets sent {sent.get('try_on', 0)}")
    notes = _count(db, select(func.count()).where(col(CustomerNote.customer_id).in_(customers)))
    if notes != sent.get("note", 0):
        v.append(f"server holds {notes} notes, tablets sent {sent.get('note', 0)}")
    with db.session() as s:
        coupon = s.execute(select(Coupon).where(col(Coupon.code) == shop.coupon)).scalar_one()
        used = s.execute(select(func.count()).where(col(Order.coupon_id) == coupon.id)).scalar_one()
        if coupon.max_redemptions is not None and (
            coupon.redeemed_count > coupon.max_redemptions or used > coupon.max_redemptions
        ):
            v.append(f"single-use coupon used {used} times (count {coupon.redeemed_count})")
        variant_ids = [
            vid
            for _, skus in shop.products + shop.also_stocked
            for vid in s.execute(select(Variant.id).where(col(Variant.sku).in_(skus))).scalars()
        ]
        levels = s.execute(
            select(StockLevel).where(col(StockLevel.variant_id).in_(variant_ids))
        ).scalars()
        server_stock = {}
        for level in levels:
            held = s.execute(
                select(func.coalesce(func.sum(Reservation.quantity), 0)).where(
                    col(Reservation.variant_id) == level.variant_id,
                    col(Reservation.location_id) == level.location_id,
                    col(Reservation.status) == "held",
                )
            ).scalar_one()
            if level.on_hand - level.reserved < 0:
                v.append(f"negative stock: variant {level.variant_id} at {level.location_id}")
            if level.reserved != held:
                v.append(
                    f"variant {level.variant_id} at {level.location_id}: reserved "
                    f"{level.reserved} but {held} held"
                )
            server_stock[(level.variant_id, level.location_id)] = (level.on_hand, level.reserved)
    for n, t in enumerate(tablets):
        assert t.gateway.offline is not None
        followed = set(t.gateway.offline.puller.locations)
        with t.gateway.offline.cache.read() as conn:
            cached = {
                (int(a), int(b)): (int(c), int(d))
                for a, b, c, d in conn.exec_driver_sql(
                    "SELECT variant_id, location_id, on_hand, reserved FROM stock"
                )
                if int(a) in variant_ids
            }
        expected = {k: val for k, val in server_stock.items() if k[1] in followed}
        if cached != expected:
            diff = {k: (cached.get(k), expected.get(k)) for k in set(cached) | set(expected)
                    if cached.get(k) != expected.get(k)}  # fmt: skip
            v.append(f"tablet {n}: cached stock differs from the server: {diff}")
        if t.gateway.offline.cache.stale_customers():
            v.append(f"tablet {n}: customers still stale after the last sync")
