from __future__ import annotations

import threading

import httpx
import pytest
from sqlmodel import Session

from app.server.sync import changelog
from tests import factories
from tests.conftest import World
from tests.integration.test_concurrency import ADDRESS, race
from tests.server import HANG_S, start_api


def _all_changes(c: httpx.Client, since: int, **params: object) -> list[dict]:
    """The feed from `since` to its end, 50 a page. The world is shared by every test before
    this one, so the feed's length is not known here: each page must move the cursor on."""
    out: list[dict] = []
    while True:
        page = c.get("/v1/sync/changes", params={"since": since, "limit": 50, **params}).json()
        out += page["changes"]
        if page["up_to_date"]:
            return out
        if page["next_cursor"] <= since:
            raise AssertionError(f"change feed stuck at {since}: {page}")
        since = page["next_cursor"]


def _now(c: httpx.Client) -> int:
    """The feed's position now, as a tablet's first sync learns it (the snapshot's cursor):
    not the last change read from 0, since a test before this one may have pruned the shared
    world's log (the feed from 0 then asks for a refetch)."""
    return int(c.get("/v1/sync/snapshot/catalog", params={"limit": 1}).json()["cursor"])


def test_change_feed_pages_in_order_and_scopes_stock_by_location(world: World) -> None:
    b = world.base
    with world.client() as c:
        # Customer-scoped rows (the order) go only to a tablet that holds the customer.
        assert c.get(f"/v1/customers/{b.consenting_customer}").status_code == 200
        cursor = _now(c)
        _, skus = factories.product(world.db, stock={b.warehouse: 5, b.stores["IST02"]: 5})
        r = c.post(
            "/v1/orders",
            json={
                "customer_id": b.consenting_customer,
                "lines": [{"sku": skus[0], "quantity": 1}],
                "fulfilment": {"type": "ship_to_home", "address": ADDRESS},
            },
        )
        assert r.status_code == 201
        changes = _all_changes(c, cursor)
        seqs = [ch["seq"] for ch in changes]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
        kinds = {ch["entity"] for ch in changes}
        assert {"stock", "order"} <= kinds
        stock = [ch for ch in changes if ch["entity"] == "stock"]
        assert stock[-1]["location_id"] == b.warehouse and stock[-1]["payload"]["reserved"] == 1
        ist02 = _all_changes(c, cursor, location_id=b.stores["IST02"])
        assert not [ch for ch in ist02 if ch["entity"] == "stock"]
        assert [ch for ch in ist02 if ch["entity"] == "order"]
        assert c.get("/v1/sync/changes", params={"since": -1}).status_code == 422


def _orders_at_once(
    clients: list[httpx.Client], customer_id: int, skus: list[str]
) -> list[httpx.Response]:
    """Each client places a one-unit order at the same moment, the SKUs in turn."""
    return race(
        len(clients),
        lambda i: clients[i].post(
            "/v1/orders",
            json={
                "customer_id": customer_id,
                "lines": [{"sku": skus[i % len(skus)], "quantity": 1}],
                "fulfilment": {"type": "ship_to_home", "address": ADDRESS},
            },
        ),
    )


def test_a_reader_never_skips_a_change_committed_after_it_read(world: World) -> None:
    """Writers commit concurrently while a reader follows the feed; at the end, the reader's
    cursor-by-cursor view holds every change exactly once (no gaps from commit order)."""
    b = world.base
    _, skus = factories.product(world.db, stock={b.warehouse: 200})
    with world.client() as c:
        cursor = start = _now(c)
    seen: list[int] = []
    stop = threading.Event()

    def follow() -> None:
        nonlocal cursor
        with world.client() as c:
            while not stop.is_set():
                page = c.get("/v1/sync/changes", params={"since": cursor, "limit": 20}).json()
                seen.extend(ch["seq"] for ch in page["changes"])
                cursor = page["next_cursor"]

    reader = threading.Thread(target=follow)
    reader.start()
    token = world.token("t-associate")
    clients = [
        httpx.Client(
            base_url=world.url, timeout=HANG_S, headers={"Authorization": f"Bearer {token}"}
        )
        for _ in range(12)
    ]
    try:
        results = _orders_at_once(clients, b.consenting_customer, skus)
    finally:
        for client in clients:
            client.close()
        stop.set()
        reader.join(30)
    assert all(r.status_code == 201 for r in results)
    with world.client() as c:
        rest = _all_changes(c, cursor)
    seen += [ch["seq"] for ch in rest]
    with world.client() as c:
        truth = [ch["seq"] for ch in _all_changes(c, start)]
    assert seen == truth


def _customer_changes(c: httpx.Client, since: int, customers: set[int]) -> list[dict]:
    return [ch for ch in _all_changes(c, since) if ch["customer_id"] in customers]


@pytest.mark.postgres
def test_a_change_committed_late_is_read_after_what_committed_before_it(pg_world: World) -> None:
    """PostgreSQL writers insert change rows without holding one lock through their COMMIT.
    A row written first but committed last must still come after a row committed meanwhile,
    and after the cursor of a reader that read in between: never below it, never lost."""
    db = pg_world.db
    first, second = factories.customer(db, consent=True), factories.customer(db, consent=True)
    with pg_world.client() as c:
        for customer in (first, second):  # the tablet holds both: their changes reach it
            assert c.get(f"/v1/customers/{customer}").status_code == 200
        cursor = _now(c)
        slow = Session(db.engine)
        try:
            changelog.record(slow, "customer", first, customer_id=first)
            changelog._flush_changes(slow)  # what a commit does first: the row is written...
            with db.write() as quick:  # ...and another writer commits before it
                changelog.record(quick, "customer", second, customer_id=second)
            between = _customer_changes(c, cursor, {first, second})
            assert [ch["entity_id"] for ch in between] == [str(second)]
            cursor = between[-1]["seq"]
            slow.commit()  # the first writer's COMMIT comes last
        finally:
            slow.close()
        after = _customer_changes(c, cursor, {first, second})
        assert [ch["entity_id"] for ch in after] == [str(first)]
        assert after[0]["seq"] > cursor


@pytest.mark.postgres
def test_two_api_processes_number_the_feed_without_a_gap_or_a_repeat(pg_world: World) -> None:
    """Orders through two API processes while readers on both follow the feed: each reader,
    cursor by cursor, sees every change exactly once and in the order of the whole feed."""
    b = pg_world.base
    second = start_api(pg_world.database_url, log_dir=pg_world.log_dir)
    _, skus = factories.product(pg_world.db, stock={b.warehouse: 200})
    token = pg_world.token("t-associate")
    urls = [pg_world.url, second.url]

    def client(i: int) -> httpx.Client:
        return httpx.Client(
            base_url=urls[i % 2], timeout=HANG_S, headers={"Authorization": f"Bearer {token}"}
        )

    try:
        with client(0) as c:
            start = _now(c)
        seen: list[list[int]] = [[], []]
        cursors = [start, start]
        stop = threading.Event()

        def follow(k: int) -> None:
            with client(k) as c:
                while not stop.is_set():
                    page = c.get(
                        "/v1/sync/changes", params={"since": cursors[k], "limit": 20}
                    ).json()
                    seen[k].extend(ch["seq"] for ch in page["changes"])
                    cursors[k] = page["next_cursor"]

        readers = [threading.Thread(target=follow, args=(k,)) for k in (0, 1)]
        for r in readers:
            r.start()
        clients = [client(i) for i in range(16)]
        try:
            results = _orders_at_once(clients, b.consenting_customer, skus)
        finally:
            for cl in clients:
                cl.close()
            stop.set()
            for r in readers:
                r.join(HANG_S)
        assert all(r.status_code == 201 for r in results), [r.text for r in results]
        with client(0) as c:
            truth = [ch["seq"] for ch in _all_changes(c, start)]
            for k in (0, 1):
                seen[k] += [ch["seq"] for ch in _all_changes(c, cursors[k])]
        # Each order changed its stock row (the orders are of a customer this tablet does not
        # hold, so their own rows are not its to read).
        assert len(truth) >= 16
        assert seen[0] == truth and seen[1] == truth
    finally:
        second.stop()
