"""Follow-up tasks (issue 15, scene 14): each automatic kind made once from a world made here
(and not when its condition is false), who holds it (the assigned associate, else the last to
serve, else the store's managers), generation run twice and racing in threads (no duplicates,
on SQLite and PostgreSQL), tasks by hand with an Idempotency-Key, done / snooze / hand-over and
their refusals, and the manager's counts per associate. Real HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import col

from app.domain.clienteling import TaskKind
from app.domain.local_days import local_day, local_today
from app.server.clienteling.generate import generate_tasks
from app.server.clienteling.models import FollowUpTask
from app.server.customers.models import Cart, CartLine, Customer
from app.server.db import Database, make_engine, utcnow
from app.server.inventory.models import Reservation
from tests.conftest import World
from tests.integration.test_client_book import (
    TZ,
    assign,
    associate,
    client,
    key,
    kind,
    order,
    try_on,
    variants,
    wish,
)

DAY = timedelta(days=1)


def _tasks_of(world: World, customers: list[int]) -> dict[int, list[FollowUpTask]]:
    with world.db.session() as s:
        rows = s.execute(
            select(FollowUpTask).where(col(FollowUpTask.customer_id).in_(customers))
        ).scalars()
        found: dict[int, list[FollowUpTask]] = {c: [] for c in customers}
        for t in rows:
            found[t.customer_id].append(t)
        return found


def _cart(world: World, customer: int, *, ago: timedelta, variant: int | None) -> int:
    with world.db.write() as s:
        cart = Cart(customer_id=customer, channel="app", updated_at=utcnow() - ago)
        s.add(cart)
        s.flush()
        assert cart.id is not None
        if variant is not None:
            s.add(CartLine(cart_id=cart.id, variant_id=variant, quantity=1))
        return cart.id


def _hold(world: World, customer: int, variant: int, *, runs_out_in: timedelta) -> int:
    """A reservation made from the app: held at IST01 until `runs_out_in` from now."""
    order_id = order(world, customer, [(variant, 1)], ago=DAY, store=None, channel="app",
                     status="placed", fulfilment="reserve_in_store")  # fmt: skip
    with world.db.write() as s:
        s.add(
            Reservation(
                order_id=order_id,
                variant_id=variant,
                location_id=world.base.stores["IST01"],
                quantity=1,
                expires_at=utcnow() + runs_out_in,
            )
        )
    return order_id


def _born_for(day: date) -> date:
    """A birth date (in a leap year, so 29 February works too) whose birthday is `day`."""
    return day.replace(year=1992)


def test_each_kind_is_made_once_and_only_when_its_condition_holds(world: World) -> None:
    a, a_code = associate(world)
    b, _ = associate(world)
    gone, _ = associate(world, active=False)
    ist01 = world.base.stores["IST01"]
    here, _, _ = variants(world, category="shoes", brand="Çınar", stock={ist01: 3})
    away, _, _ = variants(world, category="shirts", brand="Reyon",
                          stock={world.base.stores["IST02"]: 3})  # fmt: skip
    now = utcnow()
    today = local_today(TZ, now)

    def regular(name: str, **kw: Any) -> int:
        """A consenting client A served ten days ago at IST01: their home store."""
        c = client(world, name, "Test", **kw)
        try_on(world, c, away, associate_id=a, ago=10 * DAY)
        return c

    # After a purchase: a tablet sale of A's a day ago; not a web order, a cancelled sale, an
    # old sale, a client without consent.
    bought = client(world, "Alım", "Test")
    sale = order(world, bought, [(here, 1)], ago=DAY, associate_id=a)
    web = client(world, "Web", "Test")
    order(world, web, [(here, 1)], ago=DAY, store=None, channel="web", fulfilment="ship_to_home")
    cancelled = client(world, "İptal", "Test")
    order(world, cancelled, [(here, 1)], ago=DAY, associate_id=a, status="cancelled")
    old_sale = client(world, "Eski", "Test")
    order(world, old_sale, [(here, 1)], ago=30 * DAY, associate_id=a)
    private = client(world, "Gizli", "Test", consent=False)
    order(world, private, [(here, 1)], ago=DAY, associate_id=a)
    # A birthday in three days; not one in twenty.
    birthday = today + 3 * DAY
    born = regular("Doğum", birth=_born_for(birthday))
    born_later = regular("Sonra", birth=_born_for(today + 20 * DAY))
    # A cart left 30 hours ago; not a fresh one, one followed by an order, an empty one.
    left = regular("Sepet")
    cart = _cart(world, left, ago=timedelta(hours=30), variant=here)
    fresh = regular("Taze")
    _cart(world, fresh, ago=timedelta(hours=2), variant=here)
    ordered = regular("Aldı")
    _cart(world, ordered, ago=timedelta(hours=30), variant=here)
    order(world, ordered, [(here, 1)], ago=timedelta(hours=1), store=None, channel="app",
          fulfilment="ship_to_home")  # fmt: skip
    empty = regular("Boş")
    _cart(world, empty, ago=timedelta(hours=30), variant=None)
    # A fresh wish available here; not one only available elsewhere, nor a stale wish.
    wisher = regular("Dilek")
    entry = wish(world, wisher, here, ago=5 * DAY)
    wish_away = regular("Uzak")
    wish(world, wish_away, away, ago=5 * DAY)
    stale = regular("Bayat")
    wish(world, stale, here, ago=400 * DAY)
    # A hold running out in five hours; not one with two days left.
    holder = regular("Ayırt")
    held = _hold(world, holder, here, runs_out_in=timedelta(hours=5))
    holder_later = regular("Bekle")
    _hold(world, holder_later, here, runs_out_in=timedelta(hours=48))
    # Last seen 130 days ago; not 100 days ago, nor 400.
    lapsed = client(world, "Kayıp", "Test")
    order(world, lapsed, [(away, 1)], ago=130 * DAY, associate_id=a)
    recent = client(world, "Yakın", "Test")
    order(world, recent, [(away, 1)], ago=100 * DAY, associate_id=a)
    long_gone = client(world, "Çoktan", "Test")
    order(world, long_gone, [(away, 1)], ago=400 * DAY, associate_id=a)
    # Who holds it: the assigned associate before the seller; nobody for an unattended try-on
    # or a sale by an associate who has left.
    given = client(world, "Atanmış", "Test")
    given_sale = order(world, given, [(here, 1)], ago=DAY, associate_id=a)
    assert assign(world, "t-manager", given, b).status_code == 200
    unattended = client(world, "Sahipsiz", "Test")
    try_on(world, unattended, away, associate_id=None, ago=3 * DAY)
    unattended_wish = wish(world, unattended, here)
    orphan = client(world, "Yetim", "Test")
    orphan_sale = order(world, orphan, [(here, 1)], ago=DAY, associate_id=gone)

    made = generate_tasks(world.db, now=now, tz=TZ)
    assert generate_tasks(world.db, now=now, tz=TZ) == 0  # twice: nothing more

    expected = {
        bought: [(TaskKind.AFTER_PURCHASE, f"order:{sale}", local_day(now - DAY, TZ) + 3 * DAY, a)],
        born: [(TaskKind.BIRTHDAY, f"year:{birthday.year}", birthday - 7 * DAY, a)],
        left: [(TaskKind.ABANDONED_CART, f"cart:{cart}:", local_day(now + timedelta(hours=-6), TZ), a)],
        wisher: [(TaskKind.BACK_IN_STOCK, f"wishlist:{entry}", today, a)],
        holder: [(TaskKind.HOLD_EXPIRING, f"order:{held}", today, a)],
        lapsed: [(TaskKind.LAPSED, f"since:{local_day(now - 130 * DAY, TZ)}", today, a)],
        given: [(TaskKind.AFTER_PURCHASE, f"order:{given_sale}", local_day(now - DAY, TZ) + 3 * DAY, b)],
        unattended: [(TaskKind.BACK_IN_STOCK, f"wishlist:{unattended_wish}", today, None)],
        orphan: [(TaskKind.AFTER_PURCHASE, f"order:{orphan_sale}", local_day(now - DAY, TZ) + 3 * DAY, None)],
    }  # fmt: skip
    nothing = [web, cancelled, old_sale, private, born_later, fresh, ordered, empty, wish_away,
               stale, holder_later, recent, long_gone]  # fmt: skip
    found = _tasks_of(world, [*expected, *nothing])
    assert made >= len(expected)
    for customer, tasks in found.items():
        got = [(t.kind, t.source_ref or "", t.due_on, t.associate_id) for t in tasks]
        if customer in nothing:
            assert got == [], customer
            continue
        [(k, ref, due, who)] = got
        [(k2, ref2, due2, who2)] = expected[customer]
        assert (k, due, who) == (k2, due2, who2), (customer, got)
        assert ref.startswith(ref2) and (ref == ref2 or k is TaskKind.ABANDONED_CART)
        assert all(t.store_id == ist01 and t.status == "open" for t in tasks)

    # A's list shows what is theirs, soonest due first; nothing of B's or nobody's.
    with world.client(a_code) as c:
        r = c.get("/v1/tasks", params={"scope": "open"})
    assert r.status_code == 200, r.text
    listed = [(t["customer_id"], t["kind"]) for t in r.json()["items"]]
    assert sorted(listed) == sorted(
        (cust, tasks[0][0].value) for cust, tasks in expected.items() if tasks[0][3] == a
    )
    dues = [t["due"] for t in r.json()["items"]]
    assert dues == sorted(dues) and r.json()["team"] is None


def _racing_world(world: World, n: int) -> list[int]:
    a, _ = associate(world)
    here, _, _ = variants(world, category="shoes", brand="Çınar")
    customers = [client(world, f"Yarış{i}", "Test") for i in range(n)]
    for c in customers:
        order(world, c, [(here, 1)], ago=DAY, associate_id=a)
    return customers


def test_generation_racing_in_threads_makes_each_task_once(world: World) -> None:
    customers = _racing_world(world, 12)
    with world.db.session() as s:
        before = s.execute(select(func.count()).select_from(FollowUpTask)).scalar_one()
    n = 6
    barrier = threading.Barrier(n)
    # A database of its own per thread: its own pool, as another worker process would have.
    dbs = [Database(make_engine(world.database_url, pool_size=1)) for _ in range(n)]

    def run(i: int) -> int:
        barrier.wait()
        return generate_tasks(dbs[i], now=utcnow(), tz=TZ)

    try:
        with ThreadPoolExecutor(max_workers=n) as pool:
            made = list(pool.map(run, range(n)))
    finally:
        for db in dbs:
            db.dispose()
    with world.db.session() as s:
        after = s.execute(select(func.count()).select_from(FollowUpTask)).scalar_one()
        keys = Counter(
            s.execute(
                select(FollowUpTask.kind, FollowUpTask.customer_id, FollowUpTask.source_ref).where(
                    col(FollowUpTask.customer_id).in_(customers)
                )
            ).all()
        )
    assert sum(made) == after - before >= len(customers), made
    assert len(keys) == len(customers) and set(keys.values()) == {1}


# --- a task's life through the API -------------------------------------------------------------


def _post(world: World, who: str, path: str, body: Any = None, **kw: Any) -> Any:
    with world.client(who) as c:
        return c.post(path, json=body, headers=kw.pop("headers", None) or key(), **kw)


def _direct(world: World, **values: Any) -> int:
    """A task written as generation or an earlier day would have left it."""
    now = utcnow()
    row = {"store_id": world.base.stores["IST01"], "kind": "manual", "status": "open",
           "created_at": now, "updated_at": now, **values}  # fmt: skip
    with world.db.write() as s:
        task = FollowUpTask(**row)
        s.add(task)
        s.flush()
        assert task.id is not None
        return task.id


def test_a_task_by_hand_done_snoozed_handed_over_and_every_refusal(world: World) -> None:
    a, a_code = associate(world)
    b, b_code = associate(world)
    ank, ank_code = associate(world, "ANK01")
    c = client(world, "Görev", "Şahin")
    private = client(world, "Gizli", "Görev", consent=False)
    today = local_today(TZ, utcnow())

    # By hand, with an Idempotency-Key: the retry gets the same task, and one is written.
    same = key()
    body = {"customer_id": c, "due_on": today.isoformat(), "note": "Yeni ceketleri göster"}
    first = _post(world, a_code, "/v1/tasks", body, headers=same)
    again = _post(world, a_code, "/v1/tasks", body, headers=same)
    assert first.status_code == again.status_code == 201, first.text
    task = first.json()
    assert again.json()["id"] == task["id"] and task["kind"] == "manual"
    assert (task["associate_id"], task["created_by"], task["status"]) == (a, a, "open")
    assert task["customer_name"] == "Görev Şahin" and not task["overdue"]
    assert len(_tasks_of(world, [c])[c]) == 1
    for refused, status, problem in [
        ({**body, "customer_id": private}, 403, "consent-required"),
        ({**body, "due_on": (today - DAY).isoformat()}, 422, "task-due-past"),
        ({**body, "associate_id": ank}, 422, "associate-other-store"),
    ]:
        r = _post(world, a_code, "/v1/tasks", refused)
        assert (r.status_code, kind(r)) == (status, problem), r.text
    assert _post(world, a_code, "/v1/tasks", {**body, "customer_id": 2**31 - 1}).status_code == 404

    later = _post(world, a_code, "/v1/tasks", {**body, "due_on": (today + 3 * DAY).isoformat()})
    late = _direct(world, associate_id=a, customer_id=c, due_on=today - 2 * DAY)

    def scope(name: str, who: str = a_code) -> list[int]:
        with world.client(who) as cl:
            r = cl.get("/v1/tasks", params={"scope": name})
        assert r.status_code == 200, r.text
        return [t["id"] for t in r.json()["items"]]

    assert scope("today") == [late, task["id"]]
    assert scope("overdue") == [late]
    assert scope("open") == [late, task["id"], later.json()["id"]]

    # Done, then done again: 409; nothing else applies to a done task either.
    r = _post(world, a_code, f"/v1/tasks/{task['id']}/done")
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["done_at"]
    r = _post(world, a_code, f"/v1/tasks/{task['id']}/done")
    assert (r.status_code, kind(r)) == (409, "task-already-done")
    r = _post(world, a_code, f"/v1/tasks/{task['id']}/snooze", {"until": (today + DAY).isoformat()})
    assert (r.status_code, kind(r)) == (409, "task-already-done")

    # Snooze: not into the past, nor today, nor half a year ahead; tomorrow hides it till then.
    path = f"/v1/tasks/{late}/snooze"
    for until, problem in [(today - DAY, "task-snooze-past"), (today, "task-snooze-past"),
                           (today + 200 * DAY, "task-snooze-too-far")]:  # fmt: skip
        r = _post(world, a_code, path, {"until": until.isoformat()})
        assert (r.status_code, kind(r)) == (422, problem), until
    r = _post(world, a_code, path, {"until": (today + DAY).isoformat()})
    assert r.status_code == 200 and r.json()["status"] == "snoozed"
    assert r.json()["due"] == (today + DAY).isoformat() and not r.json()["overdue"]
    assert late not in scope("today") and late in scope("open")
    with world.db.write() as s:  # the day it was snoozed until has come
        s.execute(
            update(FollowUpTask).where(col(FollowUpTask.id) == late).values(snoozed_until=today)
        )
    assert late in scope("today") and late not in scope("overdue")

    # Hand over: not to another store's associate, nor to whoever holds it; then to B, whose
    # it is from then on.
    path = f"/v1/tasks/{late}/hand-over"
    r = _post(world, a_code, path, {"associate_id": ank})
    assert (r.status_code, kind(r)) == (422, "task-hand-over-other-store")
    r = _post(world, a_code, path, {"associate_id": a})
    assert (r.status_code, kind(r)) == (422, "task-hand-over-same")
    r = _post(world, a_code, path, {"associate_id": b})
    assert r.status_code == 200 and (r.json()["associate_id"], r.json()["handed_from"]) == (b, a)
    r = _post(world, a_code, f"/v1/tasks/{late}/done")
    assert (r.status_code, kind(r)) == (403, "task-not-yours")
    assert late in scope("today", b_code) and late not in scope("open")
    assert _post(world, b_code, f"/v1/tasks/{late}/done").status_code == 200
    # Another store's associate cannot even learn the task exists; a manager may close any.
    assert _post(world, ank_code, f"/v1/tasks/{later.json()['id']}/done").status_code == 404
    assert _post(world, "t-manager", f"/v1/tasks/{later.json()['id']}/done").status_code == 200


def test_racing_hand_overs_of_one_task_make_a_chain_never_two_from_one_holder(
    world: World,
) -> None:
    """The holder hands a task to B while the manager hands it to C: each change applies only
    to the task as it was read, so at most one hand-over leaves A, and a second one, if it
    goes through, starts from whoever holds it then (never two 'from A')."""
    a, a_code = associate(world)
    b, _ = associate(world)
    c, _ = associate(world)
    customer = client(world, "Devir", "Yarış")
    today = local_today(TZ, utcnow())
    tasks = [_direct(world, associate_id=a, customer_id=customer, due_on=today) for _ in range(8)]
    moves = [(a_code, b), ("t-manager", c)]
    barrier = threading.Barrier(len(moves))

    def hand_over(task: int, who: str, to: int) -> Any:
        barrier.wait()
        return _post(world, who, f"/v1/tasks/{task}/hand-over", {"associate_id": to})

    for task in tasks:
        with ThreadPoolExecutor(max_workers=len(moves)) as pool:
            answers = list(pool.map(lambda m, t=task: hand_over(t, *m), moves))
        done = [r.json() for r in answers if r.status_code == 200]
        refused = [kind(r) for r in answers if r.status_code != 200]
        assert done and set(refused) <= {"task-changed", "task-not-yours"}, refused
        froms = [d["handed_from"] for d in done]
        assert froms.count(a) == 1 and len(set(froms)) == len(froms), done
        with world.db.session() as s:
            holder = s.get(FollowUpTask, task)
            assert holder is not None
        # Whoever holds it now is where the last hand-over in the chain sent it.
        last = next(d for d in done if d["associate_id"] not in froms)
        assert holder.associate_id == last["associate_id"], (done, holder.associate_id)


def test_assigning_a_client_moves_their_open_tasks_here_first_time_and_after(
    world: World,
) -> None:
    a, _ = associate(world)
    b, _ = associate(world)
    customer = client(world, "Atanan", "Müşteri")
    today = local_today(TZ, utcnow())
    managers = _direct(world, associate_id=None, customer_id=customer, due_on=today)
    served = _direct(world, associate_id=a, customer_id=customer, due_on=today)
    closed = _direct(world, associate_id=a, customer_id=customer, due_on=today, status="done",
                     done_at=utcnow())  # fmt: skip
    elsewhere = _direct(world, associate_id=a, customer_id=customer, due_on=today,
                        store_id=world.base.stores["ANK01"])  # fmt: skip

    def holders() -> dict[int, tuple[int | None, int | None]]:
        with world.db.session() as s:
            rows = s.execute(
                select(FollowUpTask.id, FollowUpTask.associate_id, FollowUpTask.handed_from)
            ).all()
        return {i: (who, was) for i, who, was in rows if i in (managers, served, closed, elsewhere)}

    # The first assignment: the open tasks here are B's now, each saying whose it was.
    assert assign(world, "t-manager", customer, b).status_code == 200
    assert holders() == {managers: (b, None), served: (b, a), closed: (a, None),
                         elsewhere: (a, None)}  # fmt: skip
    # Moved back to A: they follow again.
    assert assign(world, "t-manager", customer, a).json()["moved_from"] == b
    assert holders()[managers] == holders()[served] == (a, b)
    # A task A handed to B on purpose stays B's when the client is given to A again, or
    # moved from A to another.
    c, _ = associate(world)
    handed = _direct(world, associate_id=b, customer_id=customer, due_on=today, handed_from=a)
    assert assign(world, "t-manager", customer, a).json()["moved_from"] is None
    assert assign(world, "t-manager", customer, c).json()["moved_from"] == a
    with world.db.session() as s:
        kept = s.get(FollowUpTask, handed)
        assert kept is not None and (kept.associate_id, kept.handed_from) == (b, a)
    assert holders()[managers] == holders()[served] == (c, a)


def test_a_client_who_withdrew_clienteling_consent_leaves_every_task_list(world: World) -> None:
    a, a_code = associate(world)
    kept = client(world, "Kalan", "Müşteri")
    gone = client(world, "Vazgeçen", "Müşteri")
    today = local_today(TZ, utcnow())
    tasks = {c: _direct(world, associate_id=a, customer_id=c, due_on=today) for c in (kept, gone)}

    def listed(scope: str) -> set[int]:
        with world.client(a_code) as cl:
            r = cl.get("/v1/tasks", params={"scope": scope})
        assert r.status_code == 200, r.text
        return {t["id"] for t in r.json()["items"]}

    assert {tasks[kept], tasks[gone]} <= listed("today") & listed("open")
    with world.db.write() as s:
        s.execute(
            update(Customer).where(col(Customer.id) == gone).values(consent_clienteling=False)
        )
    for scope in ("today", "open"):
        assert tasks[gone] not in listed(scope), scope
    assert tasks[kept] in listed("today")


def test_the_manager_sees_each_associates_open_overdue_and_done_on_time(world: World) -> None:
    a, a_code = associate(world)
    b, _ = associate(world)
    c = client(world, "Sayım", "Test")
    now = utcnow()
    today = local_today(TZ, now)
    for values in [
        {"associate_id": a, "due_on": today + DAY},  # open
        {"associate_id": a, "due_on": today - 3 * DAY},  # overdue
        {"associate_id": a, "due_on": today - 9 * DAY, "status": "snoozed",
         "snoozed_until": today + DAY},  # open again tomorrow: not overdue
        {"associate_id": a, "due_on": today - DAY, "status": "done", "done_at": now - DAY},
        {"associate_id": a, "due_on": today - 5 * DAY, "status": "done", "done_at": now},
        {"associate_id": a, "due_on": today - 50 * DAY, "status": "done",
         "done_at": now - 40 * DAY},  # done before the window
        {"associate_id": b, "due_on": today - DAY},
    ]:  # fmt: skip
        _direct(world, customer_id=c, **values)
    nobodys = _direct(world, customer_id=c, associate_id=None, due_on=today)

    with world.client("t-manager") as cl:
        r = cl.get("/v1/tasks", params={"scope": "today"})
        theirs = cl.get("/v1/tasks", params={"scope": "open", "associate_id": a})
    assert r.status_code == 200, r.text
    team = {row["associate_id"]: row for row in r.json()["team"]}
    counts = {k: team[a][k] for k in ("open", "overdue", "done_on_time", "done_late")}
    assert counts == {"open": 3, "overdue": 1, "done_on_time": 1, "done_late": 1}
    assert (team[b]["open"], team[b]["overdue"], team[b]["done_on_time"]) == (1, 1, 0)
    assert team[None]["open"] >= 1 and team[None]["name"] == ""
    assert nobodys in [t["id"] for t in r.json()["items"]]  # the managers' own
    assert theirs.status_code == 200 and len(theirs.json()["items"]) == 3
    assert {t["associate_id"] for t in theirs.json()["items"]} == {a}
    with world.client(a_code) as cl:
        r = cl.get("/v1/tasks", params={"associate_id": b})
    assert (r.status_code, kind(r)) == (403, "forbidden-role")


def test_colleagues_are_the_active_associates_of_my_store_only(world: World) -> None:
    """Whom a task may be handed to: any associate reads names of their own store's active
    staff (no lock-outs, no other store, nobody deactivated)."""
    here, here_code = associate(world)
    gone, _ = associate(world, active=False)
    there, _ = associate(world, store="ANK01")
    with world.client(here_code) as c:
        r = c.get("/v1/colleagues")
    assert r.status_code == 200, r.text
    ids = {row["id"] for row in r.json()["items"]}
    assert {here, world.base.associates["t-manager"]} <= ids
    assert gone not in ids and there not in ids
    assert world.base.associates["t-ank-associate"] not in ids
    assert set(r.json()["items"][0]) == {"id", "name", "role"}
    with world.client(None) as anonymous:
        assert anonymous.get("/v1/colleagues").status_code == 401
