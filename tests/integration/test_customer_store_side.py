"""The single customer view's store side (issue 14): the customer's pickups waiting, returns and
transfers made for them, each with its state, under the view's own privacy rule (standing
consent, or a visit grant at this store). Real HTTP, SQLite and PostgreSQL.

The customer is new to each test, so every list is known exactly; they have not consented, and
show their app's QR code at IST01 first, as a walk-in would."""

from __future__ import annotations

from typing import Any

import httpx

from app.qr.identity import make_identity
from tests import factories
from tests.conftest import World
from tests.integration.test_click_and_collect import (
    _ean,
    _order,
    _pick,
    _pick_all,
    _queue,
    _ready,
)
from tests.integration.test_orders import HOME
from tests.integration.test_returns import _collected, _key, _return


def _transfer(c: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    r = c.post("/v1/transfers", json=body, headers=_key())
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_pickups_returns_and_transfers_show_with_their_state(world: World) -> None:
    b = world.base
    ist, ist2 = b.stores["IST01"], b.stores["IST02"]
    _, skus = factories.product(world.db, price_kurus=20000, stock={ist: 20, ist2: 20})
    walk_in = factories.customer(world.db)  # no standing consent
    with world.client() as c:
        assert c.get(f"/v1/customers/{walk_in}").status_code == 403
        phone, key_id = factories.device_key(world.db, walk_in)
        r = c.post("/v1/customers/identify", json={"token": make_identity(phone, key_id)})
        assert r.status_code == 200, r.text

        # Pickups: one still to pick, one ready; collected, cancelled and parcels are not waiting.
        to_pick = _order(c, walk_in, {skus[0]: 2}, {"type": "click_collect"})
        # One unit put aside: still not the customer's to take until the order is ready.
        assert _pick(c, to_pick["id"], _ean(world, skus[0])).status_code == 200
        ready = _order(c, walk_in, {skus[1]: 1, skus[2]: 1}, {"type": "reserve_in_store"})
        _pick_all(world, c, ready)
        assert _ready(c, ready["id"]).status_code == 200
        part = _collected(world, walk_in, {skus[0]: 2})
        whole = _collected(world, walk_in, {skus[1]: 1})
        _order(c, walk_in, {skus[2]: 1}, {"type": "ship_to_home", "address": HOME})
        gone = _order(c, walk_in, {skus[2]: 1}, {"type": "click_collect"})
    with world.client("t-manager") as m:
        assert m.post(f"/v1/orders/{gone['id']}/cancel").status_code == 200
    with world.client() as c:
        # Returns: one unit of two (part of its order), then a whole order at store credit.
        r = _return(c, part["id"], [(part["lines"][0]["id"], 1, "sellable")])
        assert r.status_code == 201, r.text
        first = r.json()
        r = _return(c, whole["id"], [(whole["lines"][0]["id"], 1, "sellable")], "store_credit")
        assert r.status_code == 201, r.text
        second = r.json()

        # Transfers: one for this customer (then cancelled), one for them still asked for, and
        # one for the shelf, which is nobody's.
        cancelled = _transfer(
            c,
            {"from_location_id": ist2, "reason": "customer", "customer_id": walk_in,
             "lines": [{"sku": skus[0], "quantity": 1}]},
        )  # fmt: skip
        r = c.post(f"/v1/transfers/{cancelled['id']}/cancel", headers=_key())
        assert r.status_code == 200, r.text
        asked = _transfer(
            c,
            {"from_location_id": ist2, "reason": "customer", "customer_id": walk_in,
             "lines": [{"sku": skus[1], "quantity": 2}, {"sku": skus[2], "quantity": 1}]},
        )  # fmt: skip
        _transfer(
            c,
            {"from_location_id": ist2, "reason": "shelf",
             "lines": [{"sku": skus[2], "quantity": 1}]},
        )  # fmt: skip

        r = c.get(f"/v1/customers/{walk_in}")
        assert r.status_code == 200, r.text
        view = r.json()
        queue = {o["order_id"]: o for o in _queue(c, ist)}

    assert view["access"] == "visit"
    assert [
        (p["order_id"], p["status"], p["fulfilment_type"], p["step"], p["pickup_location_code"],
         p["units"], p["units_waiting"])
        for p in view["pickups_waiting"]
    ] == [
        (to_pick["id"], "placed", "click_collect", "pick", "IST01", 2, 0),
        (ready["id"], "ready", "reserve_in_store", "hand_over", "IST01", 2, 2),
    ]  # fmt: skip
    for p in view["pickups_waiting"]:  # promised and held as the store's own queue says
        mine = queue[p["order_id"]]
        assert (p["number"], p["due_on"], p["held_until"]) == (
            mine["number"],
            mine["due_on"],
            mine["held_until"],
        )
    assert view["pickups_waiting"][1]["held_until"] is not None
    assert [
        (x["id"], x["order_id"], x["order_number"], x["location_code"], x["units"],
         x["refund_kurus"], x["refund_method"], x["state"])
        for x in view["returns"]
    ] == [
        (second["id"], whole["id"], whole["number"], "IST01", 1, 20000, "store_credit",
         "whole_order"),
        (first["id"], part["id"], part["number"], "IST01", 1, 20000, "original_payment",
         "part_of_order"),
    ]  # fmt: skip
    assert [
        (t["id"], t["status"], t["from_code"], t["to_code"], t["units"], t["units_received"])
        for t in view["transfers"]
    ] == [
        (asked["id"], "requested", "IST02", "IST01", 3, 0),
        (cancelled["id"], "cancelled", "IST02", "IST01", 1, 0),
    ]

    # The privacy rule is the view's: the visit grant is this store's only, so another store
    # sees none of it; nor does a view without an associate.
    with world.client("t-ank-associate") as other:
        r = other.get(f"/v1/customers/{walk_in}")
        assert r.status_code == 403 and r.json()["type"].endswith("/consent-required")
        assert "pickups_waiting" not in r.text and part["number"] not in r.text
    with world.client(None) as anonymous:
        assert anonymous.get(f"/v1/customers/{walk_in}").status_code == 401
