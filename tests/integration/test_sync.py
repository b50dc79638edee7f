from __future__ import annotations

import threading

import httpx

from tests import factories
from tests.conftest import World
from tests.integration.test_concurrency import ADDRESS, race
from tests.server import HANG_S


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


def test_change_feed_pages_in_order_and_scopes_stock_by_location(world: World) -> None:
    b = world.base
    with world.client() as c:
        # Customer-scoped rows (the order) go only to a tablet that holds the customer.
        assert c.get(f"/v1/customers/{b.consenting_customer}").status_code == 200
        start = _all_changes(c, 0)
        cursor = start[-1]["seq"] if start else 0
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


def test_a_reader_never_skips_a_change_committed_after_it_read(world: World) -> None:
    """Writers commit concurrently while a reader follows the feed; at the end, the reader's
    cursor-by-cursor view holds every change exactly once (no gaps from commit order)."""
    b = world.base
    _, skus = factories.product(world.db, stock={b.warehouse: 200})
    with world.client() as c:
        head = _all_changes(c, 0)
        cursor = head[-1]["seq"] if head else 0
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
        results = race(
            12,
            lambda i: clients[i].post(
                "/v1/orders",
                json={
                    "customer_id": b.consenting_customer,
                    "lines": [{"sku": skus[i % len(skus)], "quantity": 1}],
                    "fulfilment": {"type": "ship_to_home", "address": ADDRESS},
                },
            ),
        )
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
        truth = [ch["seq"] for ch in _all_changes(c, head[-1]["seq"] if head else 0)]
    assert seen == truth
