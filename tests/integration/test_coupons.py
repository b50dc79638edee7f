from __future__ import annotations

from app.qr.keys import KeyRing
from tests import factories
from tests.conftest import World


def _basket(sku: str, qty: int = 1, customer_id: int | None = None) -> dict:
    basket: dict = {"lines": [{"sku": sku, "quantity": qty}], "channel": "store"}
    if customer_id:
        basket["customer_id"] = customer_id
    return basket


def _redeem(
    world: World,
    ref: dict,
    sku: str,
    *,
    who: str = "t-cashier",
    sale: str = "S1",
    customer_id: int | None = None,
):  # type: ignore[no-untyped-def]
    with world.client(who) as c:
        return c.post(
            "/v1/redemptions",
            json={
                **ref,
                "location_id": world.base.stores["IST01"],
                "till_id": "T1",
                "sale_ref": sale,
                "basket": _basket(sku, customer_id=customer_id),
            },
        )


def test_validate_reports_discount_or_every_reason(world: World) -> None:
    _, skus = factories.product(world.db, price_kurus=40000)
    pct = factories.coupon(world.db, kind="percent", value=1500, min_basket_kurus=50000)
    with world.client() as c:
        r = c.post("/v1/coupons/validate", json={"code": pct, "basket": _basket(skus[0], 2)})
        assert r.status_code == 200, r.text
        assert r.json()["applies"] is True and r.json()["discount_kurus"] == 12000
        r = c.post("/v1/coupons/validate", json={"code": pct, "basket": _basket(skus[0], 1)})
        assert r.json()["applies"] is False and r.json()["reasons"] == ["below_minimum"]
        future = factories.coupon(world.db, starts_in_days=3, channels="web")
        r = c.post("/v1/coupons/validate", json={"code": future, "basket": _basket(skus[0])})
        assert set(r.json()["reasons"]) == {"not_yet_valid", "wrong_channel"}
        token = factories.coupon_payload(world.db, pct)
        r = c.post("/v1/coupons/validate", json={"token": token, "basket": _basket(skus[0], 2)})
        assert r.json()["coupon"]["code"] == pct
        forged = factories.coupon_payload(world.db, pct, KeyRing({"A": b"not-our-key-at-all"}, "A"))
        assert (
            c.post(
                "/v1/coupons/validate", json={"token": forged, "basket": _basket(skus[0])}
            ).status_code
            == 422
        )
        assert (
            c.post(
                "/v1/coupons/validate", json={"code": "NOPE", "basket": _basket(skus[0])}
            ).status_code
            == 404
        )
        both = {"code": pct, "token": token, "basket": _basket(skus[0])}
        assert c.post("/v1/coupons/validate", json=both).status_code == 422


def test_single_use_coupon_redeems_once_then_409_and_void_frees_it(world: World) -> None:
    _, skus = factories.product(world.db, price_kurus=30000)
    code = factories.coupon(world.db, kind="amount", value=5000, max_redemptions=1)
    assert _redeem(world, {"code": code}, skus[0], who="t-associate").status_code == 403
    first = _redeem(world, {"code": code}, skus[0])
    assert first.status_code == 201, first.text
    assert first.json()["discount_kurus"] == 5000 and first.json()["status"] == "confirmed"
    second = _redeem(world, {"code": code}, skus[0], sale="S2")
    assert second.status_code == 409
    assert second.json()["type"].endswith("/coupon-used-up")
    rid = first.json()["id"]
    # Another cashier may not void it; its own cashier may, the same day.
    with world.client("t-cashier2") as c:
        assert c.post(f"/v1/redemptions/{rid}/void").status_code == 403
    with world.client("t-cashier") as c:
        r = c.post(f"/v1/redemptions/{rid}/void")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "voided"
        assert c.post(f"/v1/redemptions/{rid}/void").status_code == 409
    assert _redeem(world, {"code": code}, skus[0], sale="S3").status_code == 201


def test_redemption_must_be_for_own_store_and_priced_by_server(world: World) -> None:
    _, skus = factories.product(world.db)
    code = factories.coupon(world.db, max_redemptions=None)
    with world.client("t-cashier") as c:
        r = c.post(
            "/v1/redemptions",
            json={
                "code": code,
                "location_id": world.base.stores["ANK01"],
                "till_id": "T1",
                "sale_ref": "x",
                "basket": _basket(skus[0]),
            },
        )
        assert r.status_code == 403
        r = c.post(
            "/v1/redemptions",
            json={
                "code": code,
                "location_id": world.base.stores["IST01"],
                "till_id": "T1",
                "sale_ref": "x",
                "basket": {"lines": [{"sku": skus[0], "quantity": 1, "price": 1}]},
            },
        )
        assert r.status_code == 422


def test_per_customer_limit_and_owner(world: World) -> None:
    _, skus = factories.product(world.db)
    cid = world.base.consenting_customer
    limited = factories.coupon(world.db, max_redemptions=100, per_customer_limit=1)
    assert _redeem(world, {"code": limited}, skus[0], customer_id=cid).status_code == 201
    r = _redeem(world, {"code": limited}, skus[0], customer_id=cid, sale="S2")
    assert r.status_code == 422 and "customer_limit_reached" in r.json()["reasons"]
    owned = factories.coupon(world.db, customer_id=cid)
    r = _redeem(world, {"code": owned}, skus[0], customer_id=world.base.private_customer)
    assert r.status_code == 422 and r.json()["reasons"] == ["not_owner"]
    with world.client() as c:
        held = c.get(f"/v1/customers/{cid}").json()["coupons"]
        assert owned in [h["code"] for h in held]


def test_order_with_coupon_then_cancel_voids_the_redemption(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, price_kurus=10000, stock={b.warehouse: 10})
    code = factories.coupon(world.db, kind="percent", value=1000, max_redemptions=1)
    address = {"recipient": "A", "line1": "B", "city": "İzmir"}
    with world.client() as c:
        r = c.post(
            "/v1/orders",
            json={
                "customer_id": b.consenting_customer,
                "lines": [{"sku": skus[0], "quantity": 3}, {"sku": skus[1], "quantity": 1}],
                "fulfilment": {"type": "ship_to_home", "address": address},
                "coupon": code,
            },
        )
        assert r.status_code == 201, r.text
        order = r.json()
        assert order["discount_kurus"] == 4000 and order["total_kurus"] == 36000
        assert sum(line["discount_kurus"] for line in order["lines"]) == 4000
        assert sum(line["line_total_kurus"] for line in order["lines"]) == 36000
        assert order["coupon_code"] == code
        used = c.post("/v1/coupons/validate", json={"code": code, "basket": _basket(skus[0])})
        assert used.json()["reasons"] == ["used_up"]
    with world.client("t-manager") as m:
        assert m.post(f"/v1/orders/{order['id']}/cancel").status_code == 200
    with world.client() as c:
        freed = c.post("/v1/coupons/validate", json={"code": code, "basket": _basket(skus[0])})
        assert freed.json()["applies"] is True


def test_expired_coupon_refused(world: World) -> None:
    _, skus = factories.product(world.db)
    code = factories.coupon(world.db, valid_days=-1, starts_in_days=-10)
    r = _redeem(world, {"code": code}, skus[0])
    assert r.status_code == 422 and r.json()["reasons"] == ["expired"]
