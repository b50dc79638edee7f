"""The store's side of the shop day (issue 14): click & collect orders picked, made ready and
handed over on the tablets (scene 11, online only), and collected orders brought back (scene 12,
through the outbox: queued when the Wi-Fi is gone, sent once by its Idempotency-Key). Two tablets
may work the same order and several may take back the same line: that is the point.

Before the day, through the API itself: paid click & collect orders at the tablets' store and
a few orders already collected, for customers of this day's own. After it, from the database:
no line refunded more than bought (or than handed over), each line's `returned` the sum of its
return lines; no line collected more than bought, no order collected twice; the stock of every
location equal to what it was before the day less the units handed over from it plus the units
returned to it (sellable on hand, damaged in the bin), counted from the server's own holds and
return lines; and every return a tablet was told was taken exists exactly once."""

from __future__ import annotations

import json
import random
import threading
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from app.domain.fulfilment import STORE_FULFILMENTS, Step
from app.domain.returns import Condition, ReturnReason
from app.qr.paylink import make_pay_token
from app.qr.pickup import make_pickup_code
from app.server.catalog.models import Variant
from app.server.db import Database
from app.server.inventory.models import Reservation, StockLevel
from app.server.orders.models import Order, OrderHandover, OrderLine, OrderStatusEvent
from app.server.returns.models import OrderReturn, ReturnLine, StoreCredit
from app.tablet.state.tablet import Tablet
from tests import factories
from tests.factories import Base
from tests.server import HANG_S

STORE = "IST01"
ASSOCIATE = "t-associate"
PREPARE, RETURNS = 0.2, 0.14  # shares of the tablets' actions, out of the whole day's
VARIANTS = 4  # this part's own products: two, in two sizes


@dataclass(frozen=True)
class Placed:
    order_id: int
    number: str
    customer_id: int


@dataclass(frozen=True)
class Counts:
    """One variant at one location, as the server's rows have it."""

    on_hand: int = 0
    reserved: int = 0
    damaged: int = 0
    left: int = 0  # units handed over from here: its fulfilled holds
    back: int = 0  # sellable units returned here
    binned: int = 0  # damaged units returned here


Ledger = dict[tuple[int, int], Counts]


class _Api:
    """The API itself, before the day, as the back office and the customers' phones use it."""

    def __init__(self, db: Database, url: str) -> None:
        device = factories.tablet(db, STORE, name="store-day")
        self.http = httpx.Client(base_url=url, timeout=HANG_S)
        r = self.http.post("/v1/auth/login", json=factories.login_body(device, ASSOCIATE))
        assert r.status_code == 200, r.text
        self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        r = self.http.post(path, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
        assert r.status_code in (200, 201), f"{path}: {r.status_code} {r.text}"
        return dict(r.json())

    def paid_pickup(self, customer: int, lines: dict[str, int]) -> dict[str, Any]:
        order = self.post(
            "/v1/orders",
            {
                "customer_id": customer,
                "lines": [{"sku": sku, "quantity": q} for sku, q in lines.items()],
                "fulfilment": {"type": "click_collect"},
            },
        )
        # The customer pays on their phone, through the pay link.
        r = self.http.post("/pay/" + make_pay_token(factories.TEST_RING, order["id"]))
        assert r.status_code == 303 and "result=paid" in r.headers["location"], r.text
        return order

    def collect(self, order: dict[str, Any], eans: dict[str, str]) -> None:
        """Picked, made ready and handed over against the order's pickup code: collected."""
        path = f"/v1/orders/{order['id']}"
        for line in order["lines"]:
            body = {"barcode": eans[line["sku"]], "quantity": line["quantity"]}
            self.post(f"{path}/pick", body)
        self.post(f"{path}/ready", {"lang": "tr"})
        code = make_pickup_code(factories.TEST_RING, order["id"])
        assert self.post(f"{path}/hand-over", {"code": code})["complete"]

    def close(self) -> None:
        self.http.close()


@dataclass
class StoreDay:
    db: Database
    products: list[tuple[int, list[str]]]
    customers: list[int]  # this part's own, besides the shop's (whose orders the tablets place)
    known: set[int]  # every customer whose pickups the tablets prepare
    pickups: list[Placed]  # paid before the day, to prepare and hand over during it
    collected: list[Placed]  # collected before the day, to bring back during it
    variant_ids: list[int]
    before: Ledger
    tallies: list[Counter[str]] = field(default_factory=list)
    told_handed_over: list[str] = field(default_factory=list)  # order numbers, every tablet's
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- before the day ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        db: Database,
        base: Base,
        api_url: str,
        *,
        shop_customers: list[int],
        shop_products: list[tuple[int, list[str]]],
        tablets: int,
        pickups: int,
        collected: int,
        seed: int,
    ) -> StoreDay:
        rng = random.Random(seed * 7919 + 14)
        # Each order's lines as {variant index: units}: two products in two sizes.
        plans_pickup = [
            {i: rng.randint(1, 2) for i in rng.sample(range(VARIANTS), rng.randint(1, 2))}
            for _ in range(pickups)
        ]
        plans_collected = [
            dict.fromkeys(rng.sample(range(VARIANTS), 2), 2) for _ in range(collected)
        ]
        need = Counter[int]()
        for plan in plans_pickup + plans_collected:
            need.update(plan)
        on_shelf = max(need.values(), default=0) + 2  # what the orders take, and a few more
        store = base.stores[STORE]
        products = [
            factories.product(
                db, name_en="Linen Trousers", sizes=("S", "M"), stock={store: on_shelf}
            )
            for _ in range(VARIANTS // 2)
        ]
        skus = [sku for _, s in products for sku in s]
        customers = [factories.customer(db, consent=True) for _ in range(max(2, tablets))]
        api = _Api(db, api_url)
        try:
            eans = _eans(db, skus)
            placed: list[Placed] = []
            done: list[Placed] = []
            for plan in plans_pickup:
                who = rng.choice(customers)
                order = api.paid_pickup(who, {skus[i]: q for i, q in plan.items()})
                placed.append(Placed(order["id"], order["number"], who))
            for plan in plans_collected:
                who = rng.choice(customers)
                order = api.paid_pickup(who, {skus[i]: q for i, q in plan.items()})
                api.collect(order, eans)
                done.append(Placed(order["id"], order["number"], who))
            # The tablets see the oldest 200 of the store's queue: other tests' pickups left in
            # a shared database must not hide this day's.
            queue = api.http.get(f"/v1/stores/{store}/to-prepare", params={"limit": 200})
            seen = {o["order_id"] for o in queue.json()["orders"]}
            assert {p.order_id for p in placed} <= seen, "the store's queue hides the day's pickups"
        finally:
            api.close()
        variant_ids = _variant_ids(db, [sku for _, s in shop_products + products for sku in s])
        return cls(
            db=db,
            products=products,
            customers=customers,
            known=set(customers) | set(shop_customers),
            pickups=placed,
            collected=done,
            variant_ids=variant_ids,
            before=read_ledger(db, variant_ids),
            tallies=[Counter() for _ in range(tablets)],
        )

    # -- during the day ----------------------------------------------------------------------------

    def act(self, n: int, state: Tablet, rng: random.Random) -> bool:
        """Maybe one thing at the pickup desk or the returns desk; False when the associate is
        on the shop floor this time instead."""
        roll = rng.random()
        if roll >= PREPARE + RETURNS:
            return False
        state.session.take_toast()
        state.session.say(None)
        if roll < PREPARE:
            self._prepare(n, state, rng)
        else:
            self._take_back(n, state, rng)
        return True

    def _prepare(self, n: int, state: Tablet, rng: random.Random) -> None:
        p, tally = state.prepare, self.tallies[n]
        if state.screen != "prepare" or p.opened is None or rng.random() < 0.15:
            p.show()
            ours = [o for o in p.orders if o.customer_id in self.known and o.step != Step.DONE]
            if not ours:
                tally["prepare_nothing" if p.loaded else "prepare_offline"] += 1
                return
            # The oldest first, as the queue says; now and then the one a customer asks for.
            order = ours[0] if rng.random() < 0.6 else rng.choice(ours)
            at_desk = rng.random() if order.step == Step.HAND_OVER else 1.0
            if at_desk < 0.3:  # the customer at the desk shows the order's code: it opens it
                p.scan(make_pickup_code(factories.TEST_RING, order.order_id))
            elif at_desk < 0.4 and order.customer_id is not None:  # or their app's QR code
                p.scan(factories.identity_code(self.db, order.customer_id))
            else:
                p.open(order.order_id)
        order = p.opened
        if order is None:
            return
        if order.step == Step.PICK:
            wanting = [ln for ln in order.lines if ln.picked < ln.quantity]
            if not wanting:
                return
            line = rng.choice(wanting)
            for _ in range(line.quantity - line.picked):  # one scan per unit off the shelf
                code = line.ean13 if line.ean13 and rng.random() < 0.7 else line.sku
                p.scan(code)
                self._tally(n, state)
                if state.session.notice is not None or p.opened is None:
                    break
        elif order.step == Step.MARK_READY:
            p.mark_ready()
            self._tally(n, state)
        elif order.step == Step.HAND_OVER:
            if p.proof is None:
                assert order.customer_id is not None
                proof = (
                    factories.identity_code(self.db, order.customer_id)  # their app, fresh
                    if rng.random() < 0.5
                    else make_pickup_code(factories.TEST_RING, order.order_id)
                )
                p.scan(proof)
            p.hand_over()
            self._tally(n, state)

    def _take_back(self, n: int, state: Tablet, rng: random.Random) -> None:
        r = state.returns
        pending = r.opened is not None and r.done is None and not r.queued and r.units > 0
        if pending:
            # The customer waited while the associate chose; they confirm now (at once when
            # the tablet shows it is offline: the return waits in the outbox, nothing is lost).
            if not state.sync.online or rng.random() < 0.6:
                self._confirm(n, state)
            return
        r.show()
        # Mostly what was collected; now and then a customer whose order is still waiting.
        target = rng.choice(self.collected if rng.random() < 0.8 else self.pickups)
        if rng.random() < 0.7:  # the receipt's number, as typed, or the order's QR code
            r.scan(target.number.lower() if rng.random() < 0.3 else target.number)
        else:
            r.scan(make_pickup_code(factories.TEST_RING, target.order_id))
        order = r.opened
        if order is None or order.refusal is not None:
            notice = state.session.notice
            why = order.refusal if order else (notice.key if notice else "nothing")
            self.tallies[n][f"return_lookup:{why}"] += 1
            return
        lines = [x for x in order.lines if x.returnable > 0]
        if not lines:
            return
        for line in rng.sample(lines, rng.randint(1, len(lines))):
            r.set_quantity(line.order_line_id, rng.randint(1, line.returnable))
            r.set_reason(line.order_line_id, rng.choice(list(ReturnReason)).value)
            r.set_damaged(line.order_line_id, rng.random() < 0.25)
        r.set_method(rng.choice(order.refund_methods).value)
        if rng.random() < 0.4:
            self._confirm(n, state)

    def _confirm(self, n: int, state: Tablet) -> None:
        state.returns.confirm()  # taken, queued, or refused at once (another took it first)
        self._tally(n, state)

    def _tally(self, n: int, state: Tablet) -> None:
        """What the associate was told: the confirmation, or the refusal on screen."""
        toast, notice = state.session.take_toast(), state.session.notice
        if toast is not None:
            self.tallies[n][toast.key] += 1
            if toast.key == "prepare_handed_over":
                with self._lock:
                    self.told_handed_over.append(str(toast.values["number"]))
        elif notice is not None and notice.error:
            words = f":{notice.values.get('text', '')}" if notice.key == "problem" else ""
            self.tallies[n][f"refused:{notice.key}{words}"] += 1

    # -- after the day ----------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for t in self.tallies:
            total.update(t)
        return dict(sorted(total.items()))

    def check(self, tablets: list[Tablet], violations: list[str]) -> None:
        v = violations
        self._check_lines(v)
        self._check_stock(v)
        self._check_returns(tablets, v)

    def _orders(self) -> dict[int, Order]:
        with self.db.session() as s:
            found = s.execute(select(Order).where(col(Order.customer_id).in_(self.known)))
            return {o.id: o for o in found.scalars() if o.id is not None}

    def _check_lines(self, v: list[str]) -> None:
        orders = self._orders()
        ids = list(orders)
        with self.db.session() as s:
            lines = list(
                s.execute(select(OrderLine).where(col(OrderLine.order_id).in_(ids))).scalars()
            )
            line_ids = [ln.id for ln in lines]
            returned = _sums(s, ReturnLine.order_line_id, ReturnLine.quantity, line_ids)
            refunded = _sums(s, ReturnLine.order_line_id, ReturnLine.refund_kurus, line_ids)
            handed = _sums(s, OrderHandover.order_line_id, OrderHandover.quantity, line_ids)
            held = s.execute(
                select(col(Reservation.order_line_id), func.sum(Reservation.quantity))
                .where(
                    col(Reservation.order_line_id).in_(line_ids),
                    col(Reservation.status) == "fulfilled",
                )
                .group_by(col(Reservation.order_line_id))
            ).all()
            fulfilled = {int(i): int(q) for i, q in held}
            # A collected order's status event; a return that brings the last unit back writes
            # a history event in the order's status too, with its note: not a second collection.
            events = Counter(
                s.execute(
                    select(col(OrderStatusEvent.order_id)).where(
                        col(OrderStatusEvent.order_id).in_(ids),
                        col(OrderStatusEvent.status) == "collected",
                        col(OrderStatusEvent.note) == "",
                    )
                ).scalars()
            )
        by_order: dict[int, list[OrderLine]] = {}
        for ln in lines:
            by_order.setdefault(ln.order_id, []).append(ln)
            name = f"order {orders[ln.order_id].number} line {ln.id} ({ln.sku})"
            if not 0 <= ln.returned <= ln.quantity:
                v.append(f"{name}: {ln.returned} returned of {ln.quantity} bought")
            if ln.returned != returned.get(ln.id, 0):
                v.append(
                    f"{name}: returned {ln.returned} but its return lines add up to "
                    f"{returned.get(ln.id, 0)}"
                )
            at_store = orders[ln.order_id].fulfilment_type in STORE_FULFILMENTS
            if at_store and ln.returned > ln.collected:
                v.append(f"{name}: {ln.returned} returned but {ln.collected} handed over")
            if refunded.get(ln.id, 0) > ln.line_total_kurus:
                v.append(f"{name}: refunded {refunded[ln.id]} of {ln.line_total_kurus} paid")
            if not 0 <= ln.collected <= ln.picked <= ln.quantity:
                v.append(f"{name}: {ln.collected} collected, {ln.picked} picked of {ln.quantity}")
            if not ln.collected == handed.get(ln.id, 0) == fulfilled.get(ln.id, 0):
                v.append(
                    f"{name}: {ln.collected} collected, {handed.get(ln.id, 0)} in hand-overs, "
                    f"{fulfilled.get(ln.id, 0)} in fulfilled holds"
                )
        for order_id, order in orders.items():
            whole = all(ln.collected == ln.quantity for ln in by_order.get(order_id, []))
            is_collected = order.status == "collected"
            if is_collected != whole:
                v.append(f"order {order.number} is {order.status}, every unit handed over: {whole}")
            if events[order_id] != int(is_collected):
                v.append(f"order {order.number}: {events[order_id]} 'collected' status events")
        told = Counter(self.told_handed_over)
        for number, k in told.items():
            if k > 1:
                v.append(f"order {number}: {k} tablets were told they handed it over")
        by_number = {o.number: o for o in orders.values()}
        for number in told:
            if number not in by_number or by_number[number].status != "collected":
                v.append(f"order {number}: a tablet handed it over, the server has it otherwise")

    def _check_stock(self, v: list[str]) -> None:
        after = read_ledger(self.db, self.variant_ids)
        for key in sorted(set(self.before) | set(after)):
            b, a = self.before.get(key, Counts()), after.get(key, Counts())
            on_hand = b.on_hand - (a.left - b.left) + (a.back - b.back)
            damaged = b.damaged + (a.binned - b.binned)
            if (a.on_hand, a.damaged) != (on_hand, damaged):
                v.append(
                    f"variant {key[0]} at {key[1]}: on hand {a.on_hand}, damaged {a.damaged}; "
                    f"expected {on_hand}, {damaged} ({b.on_hand} before, {a.left - b.left} "
                    f"handed over, {a.back - b.back} back, {a.binned - b.binned} binned)"
                )

    def _check_returns(self, tablets: list[Tablet], v: list[str]) -> None:
        told: dict[int, dict[str, Any]] = {}
        for n, t in enumerate(tablets):
            assert t.gateway.offline is not None
            with t.gateway.offline.cache.read() as conn:
                rows = conn.exec_driver_sql(
                    "SELECT path, response FROM outbox WHERE kind = 'return' AND status = 'sent'"
                ).fetchall()
            for path, response in rows:
                answer = json.loads(response)
                if answer["id"] in told:
                    v.append(f"tablet {n}: return {answer['id']} was also another command's")
                told[int(answer["id"])] = answer | {"path": path}
        with self.db.session() as s:
            returns = {
                r.id: r
                for r in s.execute(
                    select(OrderReturn).where(col(OrderReturn.order_id).in_(list(self._orders())))
                ).scalars()
            }
            lines = s.execute(
                select(ReturnLine).where(col(ReturnLine.return_id).in_(list(returns)))
            ).scalars()
            taken: dict[int, set[tuple[int, int, str]]] = {}
            for ln in lines:
                taken.setdefault(ln.return_id, set()).add(
                    (ln.order_line_id, ln.quantity, str(ln.condition))
                )
            credits = Counter(
                s.execute(
                    select(col(StoreCredit.return_id)).where(
                        col(StoreCredit.return_id).in_(list(returns))
                    )
                ).scalars()
            )
        if set(told) != set(returns):
            v.append(f"server holds returns {sorted(returns)}, tablets were told {sorted(told)}")
        for return_id, answer in told.items():
            ret = returns.get(return_id)
            if ret is None:
                continue
            if answer["path"] != f"/v1/orders/{ret.order_id}/returns":
                v.append(f"return {return_id} is of order {ret.order_id}, sent as {answer['path']}")
            said = {
                (x["order_line_id"], x["quantity"], str(x["condition"])) for x in answer["lines"]
            }
            if said != taken.get(return_id, set()):
                v.append(
                    f"return {return_id}: told {said}, the server holds {taken.get(return_id)}"
                )
            if answer["refund_kurus"] != ret.refund_kurus:
                v.append(f"return {return_id}: told {answer['refund_kurus']} refunded")
        for return_id, ret in returns.items():
            want = 1 if ret.refund_method == "store_credit" and ret.refund_kurus > 0 else 0
            if credits[return_id] != want:
                v.append(f"return {return_id} ({ret.refund_method}): {credits[return_id]} credits")


def _eans(db: Database, skus: list[str]) -> dict[str, str]:
    with db.session() as s:
        rows = s.execute(select(Variant.sku, Variant.ean13).where(col(Variant.sku).in_(skus)))
        return {str(sku): str(ean) for sku, ean in rows.all()}


def _variant_ids(db: Database, skus: list[str]) -> list[int]:
    with db.session() as s:
        return list(s.execute(select(Variant.id).where(col(Variant.sku).in_(skus))).scalars())


def _sums(s: Any, key: Any, value: Any, ids: Iterable[int | None]) -> dict[int, int]:
    rows = s.execute(
        select(key, func.sum(value)).where(key.in_([i for i in ids if i is not None])).group_by(key)
    ).all()
    return {int(k): int(q) for k, q in rows}


def read_ledger(db: Database, variant_ids: list[int]) -> Ledger:
    """Every location's counts of these variants, and what moved them: fulfilled holds (units
    handed over) and return lines (units back), from the server's own rows."""
    found: dict[tuple[int, int], dict[str, int]] = {}

    def at(variant: int, location: int) -> dict[str, int]:
        return found.setdefault((int(variant), int(location)), {})

    with db.session() as s:
        for level in s.execute(
            select(StockLevel).where(col(StockLevel.variant_id).in_(variant_ids))
        ).scalars():
            at(level.variant_id, level.location_id).update(
                on_hand=level.on_hand, reserved=level.reserved, damaged=level.damaged
            )
        for variant, location, units in s.execute(
            select(
                col(Reservation.variant_id),
                col(Reservation.location_id),
                func.sum(Reservation.quantity),
            )
            .where(
                col(Reservation.variant_id).in_(variant_ids), col(Reservation.status) == "fulfilled"
            )
            .group_by(col(Reservation.variant_id), col(Reservation.location_id))
        ).all():
            at(variant, location)["left"] = int(units)
        for variant, location, condition, units in s.execute(
            select(
                col(ReturnLine.variant_id),
                col(OrderReturn.location_id),
                col(ReturnLine.condition),
                func.sum(ReturnLine.quantity),
            )
            .join(OrderReturn, col(OrderReturn.id) == col(ReturnLine.return_id))
            .where(col(ReturnLine.variant_id).in_(variant_ids))
            .group_by(
                col(ReturnLine.variant_id), col(OrderReturn.location_id), col(ReturnLine.condition)
            )
        ).all():
            field_ = "back" if condition == Condition.SELLABLE else "binned"
            at(variant, location)[field_] = at(variant, location).get(field_, 0) + int(units)
    return {k: Counts(**val) for k, val in found.items()}
