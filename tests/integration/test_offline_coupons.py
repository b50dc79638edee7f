"""Coupons redeemed offline at a till: the store's limit, settling on arrival, the losses.

The world is shared by the whole session, so these tests keep to ANK01 and IZM01 (which other
tests leave alone), make their own staff there, and put ANK01's policy back to zero after."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlmodel import col

from app.contracts.devices import DeviceCredential
from app.server.auth.models import Associate
from app.server.db import utcnow
from app.server.promotions.models import Coupon, OfflineRedemptionLossRow, Redemption
from tests import factories
from tests.conftest import World
from tests.integration.test_concurrency import race
from tests.server import HANG_S

LOST = "https://reyon.dev/problems/offline-redemption-lost"
POLICY = "/v1/stores/{}/offline-coupon-policy"
LOSSES = "/v1/stores/{}/offline-redemption-losses"


def _staff(world: World, code: str, role: str, store: str) -> None:
    with world.db.write() as s:
        if s.execute(select(Associate).where(col(Associate.code) == code)).first() is None:
            s.add(
                Associate(
                    code=code,
                    name=code,
                    role=role,
                    home_location_id=world.base.stores[store],
                    pin_hash=factories.PIN_HASH,
                )
            )


def _client(
    world: World, code: str, store: str, tablet: DeviceCredential | None = None
) -> httpx.Client:
    """Logged in on a tablet of its own (given, or newly enrolled): each is its own till,
    and the offline limit counts per till and day."""
    tablet = tablet or factories.tablet(world.db, store)
    r = httpx.post(
        f"{world.url}/v1/auth/login",
        json=factories.login_body(tablet, code),
        timeout=HANG_S,
    )
    r.raise_for_status()
    token = r.json()["access_token"]
    return httpx.Client(
        base_url=world.url, headers={"Authorization": f"Bearer {token}"}, timeout=HANG_S
    )


@pytest.fixture
def ank(world: World) -> Iterator[int]:
    """ANK01 with a manager and a cashier of its own, and an offline limit; zero again after."""
    for code, role in (("t-ank-manager", "manager"), ("t-ank-cashier", "cashier")):
        _staff(world, code, role, "ANK01")
    store = world.base.stores["ANK01"]
    with _client(world, "t-ank-manager", "ANK01") as m:
        body = {"max_count_per_till_day": 5, "max_value_kurus_per_till_day": 100_000}
        assert m.put(POLICY.format(store), json=body).status_code == 200
    try:
        yield store
    finally:
        with _client(world, "t-ank-manager", "ANK01") as m:
            zero = {"max_count_per_till_day": 0, "max_value_kurus_per_till_day": 0}
            assert m.put(POLICY.format(store), json=zero).status_code == 200


def _body(
    code: str, store: int, sku: str, *, till: str, sale: str, offline_at: datetime | None
) -> dict:
    body: dict = {
        "code": code,
        "location_id": store,
        "till_id": till,
        "sale_ref": sale,
        "basket": {"lines": [{"sku": sku, "quantity": 1}], "channel": "store"},
    }
    if offline_at is not None:
        body["offline_at"] = offline_at.isoformat()
    return body


def _losses(world: World, store: int, since: datetime) -> list[dict]:
    with _client(world, "t-ank-manager", "ANK01") as m:
        r = m.get(LOSSES.format(store), params={"since": since.isoformat()})
        assert r.status_code == 200, r.text
        return list(r.json())


def _loss_rows(world: World, code: str) -> int:
    with world.db.session() as s:
        return int(
            s.execute(
                select(func.count())
                .select_from(OfflineRedemptionLossRow)
                .join(Coupon, col(Coupon.id) == col(OfflineRedemptionLossRow.coupon_id))
                .where(col(Coupon.code) == code)
            ).scalar_one()
        )


def _redeemed(world: World, code: str) -> int:
    with world.db.session() as s:
        c = s.execute(select(Coupon).where(col(Coupon.code) == code)).scalar_one()
        return c.redeemed_count


def test_policy_defaults_to_zero_and_only_the_stores_managers_set_it(world: World) -> None:
    _staff(world, "t-izm-associate", "associate", "IZM01")
    for code, role in (("t-ank-manager", "manager"), ("t-ank-cashier", "cashier")):
        _staff(world, code, role, "ANK01")
    izm, ank = world.base.stores["IZM01"], world.base.stores["ANK01"]
    body = {"max_count_per_till_day": 3, "max_value_kurus_per_till_day": 50_000}
    with _client(world, "t-izm-associate", "IZM01") as a:
        r = a.get(POLICY.format(izm))
        assert r.status_code == 200, r.text
        assert r.json() == {
            "location_id": izm,
            "max_count_per_till_day": 0,
            "max_value_kurus_per_till_day": 0,
            "updated_at": None,
            "updated_by": None,
        }
        assert a.put(POLICY.format(izm), json=body).status_code == 403
        assert a.get(POLICY.format(ank)).json()["type"].endswith("/wrong-store")
        assert a.get(POLICY.format(2**31 - 1)).status_code == 404
    with _client(world, "t-ank-cashier", "ANK01") as c:
        assert c.put(POLICY.format(ank), json=body).status_code == 403
        assert c.get(LOSSES.format(ank)).status_code == 403
    with world.client("t-manager") as other:  # IST01's manager
        r = other.put(POLICY.format(ank), json=body)
        assert r.status_code == 403 and r.json()["type"].endswith("/wrong-store")
        assert other.get(LOSSES.format(ank)).status_code == 403
    with _client(world, "t-ank-manager", "ANK01") as m:
        bad = {"max_count_per_till_day": -1, "max_value_kurus_per_till_day": 0}
        assert m.put(POLICY.format(ank), json=bad).status_code == 422
        try:
            r = m.put(POLICY.format(ank), json=body)
            assert r.status_code == 200, r.text
            assert r.json()["max_count_per_till_day"] == 3
            assert r.json()["updated_by"] == _associate_id(world, "t-ank-manager")
            # An upsert: the second save updates the same row.
            big = {"max_count_per_till_day": 7, "max_value_kurus_per_till_day": 10**10}
            assert m.put(POLICY.format(ank), json=big).json()["max_value_kurus_per_till_day"] == (
                10**10
            )
            with _client(world, "t-ank-cashier", "ANK01") as c:
                seen = c.get(POLICY.format(ank)).json()
                assert seen["max_count_per_till_day"] == 7 and seen["updated_at"] is not None
        finally:
            zero = {"max_count_per_till_day": 0, "max_value_kurus_per_till_day": 0}
            assert m.put(POLICY.format(ank), json=zero).status_code == 200


def _associate_id(world: World, code: str) -> int:
    with world.db.session() as s:
        a = s.execute(select(Associate).where(col(Associate.code) == code)).scalar_one()
        assert a.id is not None
        return a.id


def test_offline_redemption_of_a_fresh_coupon_is_accepted(world: World, ank: int) -> None:
    _, skus = factories.product(world.db, price_kurus=30000)
    code = factories.coupon(world.db, kind="percent", value=1000, max_redemptions=1)
    sold = utcnow() - timedelta(minutes=20)
    with _client(world, "t-ank-cashier", "ANK01") as c:
        r = c.post(
            "/v1/redemptions",
            json=_body(code, ank, skus[0], till="K1", sale="ANK-OFF-1", offline_at=sold),
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "confirmed" and r.json()["discount_kurus"] == 3000
    assert _redeemed(world, code) == 1 and _loss_rows(world, code) == 0
    with world.db.session() as s:
        red = s.get(Redemption, r.json()["id"])
        assert red is not None and red.offline_at is not None
        assert abs((red.offline_at - sold).total_seconds()) < 1


def test_used_up_online_first_then_the_offline_one_is_a_loss_once(world: World, ank: int) -> None:
    since = utcnow() - timedelta(seconds=1)
    _, skus = factories.product(world.db, price_kurus=30000)
    code = factories.coupon(world.db, kind="percent", value=1000, max_redemptions=1)
    till = factories.tablet(world.db, "ANK01")
    with _client(world, "t-ank-cashier", "ANK01", till) as c:
        online = c.post(
            "/v1/redemptions", json=_body(code, ank, skus[0], till="K1", sale="ON", offline_at=None)
        )
        assert online.status_code == 201, online.text
        body = _body(
            code,
            ank,
            skus[0],
            till="K2",
            sale="ANK-OFF-2",
            offline_at=utcnow() - timedelta(hours=1),
        )
        key = {"Idempotency-Key": uuid.uuid4().hex}
        first = c.post("/v1/redemptions", json=body, headers=key)
        assert first.status_code == 409, first.text
        assert first.headers["content-type"].startswith("application/problem+json")
        problem = first.json()
        assert problem["type"] == LOST and problem["reason"] == "used_up"
        assert problem["discount_kurus"] == 3000 and code in problem["detail"]
        loss_id = problem["loss_id"]
        again = c.post("/v1/redemptions", json=body, headers=key)
        assert again.status_code == 409 and again.json() == problem
        assert again.headers.get("Idempotent-Replayed") == "true"
        # Sent again under a new key (a till that lost its outbox record): still one loss.
        fresh = c.post("/v1/redemptions", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
        assert fresh.status_code == 409 and fresh.json()["loss_id"] == loss_id
    assert _loss_rows(world, code) == 1 and _redeemed(world, code) == 1
    mine = [loss for loss in _losses(world, ank, since) if loss["coupon_code"] == code]
    assert len(mine) == 1
    loss = mine[0]
    # The till is the tablet that sent it, not the "K2" the body named.
    assert loss["id"] == loss_id and loss["till_id"] == till.device_id
    assert loss["sale_ref"] == "ANK-OFF-2"
    assert loss["discount_kurus"] == 3000 and loss["reason"] == "used_up"
    assert loss["associate_id"] == _associate_id(world, "t-ank-cashier")
    assert loss["arrived_at"] >= loss["offline_at"]


def test_store_without_offline_limit_records_the_loss(world: World) -> None:
    for code, role in (("t-ank-manager", "manager"), ("t-ank-cashier", "cashier")):
        _staff(world, code, role, "ANK01")
    store = world.base.stores["ANK01"]  # policy zero outside the `ank` fixture
    since = utcnow() - timedelta(seconds=1)
    _, skus = factories.product(world.db, price_kurus=20000)
    code = factories.coupon(world.db, kind="amount", value=2500, max_redemptions=1)
    with _client(world, "t-ank-cashier", "ANK01") as c:
        r = c.post(  # no Idempotency-Key: the loss is still recorded, in its own transaction
            "/v1/redemptions",
            json=_body(code, store, skus[0], till="K3", sale="ANK-OFF-3", offline_at=utcnow()),
        )
    assert r.status_code == 409, r.text
    assert r.json()["type"] == LOST and r.json()["reason"] == "offline_not_allowed"
    assert _redeemed(world, code) == 0  # the coupon was not the store's to give
    [loss] = [x for x in _losses(world, store, since) if x["coupon_code"] == code]
    assert loss["id"] == r.json()["loss_id"] and loss["discount_kurus"] == 2500


def test_validity_is_judged_at_the_sale_when_the_tills_time_is_plausible(
    world: World, ank: int
) -> None:
    _, skus = factories.product(world.db, price_kurus=10000)
    recent, stale = (factories.coupon(world.db, kind="amount", value=1000) for _ in range(2))
    with world.db.write() as s:
        s.execute(
            update(Coupon)
            .where(col(Coupon.code).in_([recent, stale]))
            .values(valid_until=utcnow() - timedelta(hours=1))
        )
    with _client(world, "t-ank-cashier", "ANK01") as c:
        sold = utcnow() - timedelta(hours=2)  # before expiry: honoured
        r = c.post(
            "/v1/redemptions",
            json=_body(recent, ank, skus[0], till="K4", sale="ANK-OFF-4", offline_at=sold),
        )
        assert r.status_code == 201, r.text
        a_minute_ahead = utcnow() + timedelta(minutes=1)  # a till clock a little fast: now
        r = c.post(
            "/v1/redemptions",
            json=_body(stale, ank, skus[0], till="K4", sale="ANK-OFF-5", offline_at=a_minute_ahead),
        )
        assert r.status_code == 409 and r.json()["reason"] == "expired"
        # Not a refusal of the coupon: answered as online, nothing recorded.
        r = c.post(
            "/v1/redemptions",
            json=_body("NO-SUCH-COUPON", ank, skus[0], till="K4", sale="X", offline_at=sold),
        )
        assert r.status_code == 404


def test_ten_tills_redeem_one_coupon_offline_at_once(world: World, ank: int) -> None:
    since = utcnow() - timedelta(seconds=1)
    _, skus = factories.product(world.db, price_kurus=50000)
    code = factories.coupon(world.db, kind="percent", value=2000, max_redemptions=1)
    sold = utcnow() - timedelta(minutes=5)
    tokens = []
    for _ in range(10):  # ten tablets, each its own till
        with _client(world, "t-ank-cashier", "ANK01") as c:
            tokens.append(c.headers["Authorization"])

    def call(i: int) -> httpx.Response:
        return httpx.post(
            f"{world.url}/v1/redemptions",
            json=_body(code, ank, skus[0], till=f"R{i}", sale=f"ANK-RACE-{i}", offline_at=sold),
            headers={"Authorization": tokens[i], "Idempotency-Key": uuid.uuid4().hex},
            timeout=HANG_S,
        )

    results = race(10, call)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201] + [409] * 9, [r.text for r in results]
    lost = [r.json() for r in results if r.status_code == 409]
    assert all(p["type"] == LOST and p["reason"] == "used_up" for p in lost)
    assert len({p["loss_id"] for p in lost}) == 9
    assert _redeemed(world, code) == 1 and _loss_rows(world, code) == 9
    mine = [x for x in _losses(world, ank, since) if x["coupon_code"] == code]
    assert len(mine) == 9 and all(x["discount_kurus"] == 10000 for x in mine)
    winner = next(r for r in results if r.status_code == 201).json()["till_id"]
    assert winner not in {x["till_id"] for x in mine}
    arrived = [x["arrived_at"] for x in mine]
    assert arrived == sorted(arrived, reverse=True)


def test_an_online_redemption_whose_answer_was_lost_is_not_redeemed_again_offline(
    world: World, ank: int
) -> None:
    """The till redeemed online, the Wi-Fi dropped before the answer came back, and the
    cashier redeemed the same sale offline: one redemption, no loss."""
    _, skus = factories.product(world.db, price_kurus=30000)
    code = factories.coupon(world.db, kind="percent", value=1000, max_redemptions=3)
    with _client(world, "t-ank-cashier", "ANK01") as c:
        online = c.post(
            "/v1/redemptions",
            json=_body(code, ank, skus[0], till="K7", sale="ANK-LOST-1", offline_at=None),
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert online.status_code == 201, online.text
        again = c.post(
            "/v1/redemptions",
            json=_body(code, ank, skus[0], till="K7", sale="ANK-LOST-1", offline_at=utcnow()),
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
    assert again.status_code == 201, again.text
    assert again.json()["id"] == online.json()["id"]
    assert _redeemed(world, code) == 1 and _loss_rows(world, code) == 0


def test_the_server_holds_a_till_to_its_offline_limit_for_the_day(world: World, ank: int) -> None:
    """Five a day at ANK01 (the fixture's policy): the sixth offline redemption of one till
    is a loss, whatever the tablet counted or the till it named; another tablet still has
    its own five."""
    _, skus = factories.product(world.db, price_kurus=10_000)
    codes = [factories.coupon(world.db, kind="amount", value=1_000) for _ in range(7)]
    sold = utcnow() - timedelta(minutes=5)
    answers = []
    with _client(world, "t-ank-cashier", "ANK01") as c:
        for n, code in enumerate(codes[:6]):
            r = c.post(
                "/v1/redemptions",
                # A till id of its own on each: the server counts the tablet, not the claim.
                json=_body(code, ank, skus[0], till=f"K-{n}", sale=f"LIM-{n}", offline_at=sold),
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            answers.append(r)
    with _client(world, "t-ank-cashier", "ANK01") as c:
        other = c.post(
            "/v1/redemptions",
            json=_body(codes[6], ank, skus[0], till="K-OTHER", sale="LIM-X", offline_at=sold),
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
    assert [r.status_code for r in answers] == [201] * 5 + [409], [r.text for r in answers]
    assert answers[5].json()["reason"] == "offline_over_limit"
    assert other.status_code == 201, other.text


def test_a_sale_time_outside_the_offline_window_is_refused(world: World, ank: int) -> None:
    """Security findings 6 and 8: a till cannot date a sale years away (refused, and the
    discount it gave is the manager's to see as a loss), and times outside any calendar are
    a 422 (they were an OverflowError and a 500)."""
    _, skus = factories.product(world.db, price_kurus=10000)
    code = factories.coupon(world.db, kind="amount", value=1000)
    now = utcnow()
    with _client(world, "t-ank-cashier", "ANK01") as c:
        for n, when in enumerate(
            [
                now - timedelta(hours=49),  # older than the offline window
                now + timedelta(minutes=10),  # ahead of any honest clock
                datetime(2031, 6, 1, tzinfo=UTC),
            ]
        ):
            r = c.post(
                "/v1/redemptions",
                json=_body(code, ank, skus[0], till="K6", sale=f"W-{n}", offline_at=when),
            )
            assert r.status_code == 409, r.text
            assert r.json()["type"] == LOST and r.json()["reason"] == "offline_at_implausible"
        for n, raw in enumerate(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]):
            body = _body(code, ank, skus[0], till="K6", sale=f"X-{n}", offline_at=None)
            r = c.post("/v1/redemptions", json={**body, "offline_at": raw})
            assert r.status_code == 422, r.text
    with _client(world, "t-ank-manager", "ANK01") as m:
        for raw in ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]:
            r = m.get(LOSSES.format(ank), params={"since": raw})
            assert r.status_code == 422, r.text
    assert _redeemed(world, code) == 0 and _loss_rows(world, code) == 3


def test_spreading_sale_times_over_days_does_not_multiply_the_limit(world: World, ank: int) -> None:
    """Security finding 6: with a limit of one per till per day, sales dated on three local
    days arriving today give one redemption, not three."""
    _, skus = factories.product(world.db, price_kurus=10000)
    with _client(world, "t-ank-manager", "ANK01") as m:
        body = {"max_count_per_till_day": 1, "max_value_kurus_per_till_day": 100_000}
        assert m.put(POLICY.format(ank), json=body).status_code == 200
    codes = [factories.coupon(world.db, kind="amount", value=1000) for _ in range(3)]
    now = utcnow()
    with world.db.write() as s:  # valid on every day the sales claim
        s.execute(
            update(Coupon)
            .where(col(Coupon.code).in_(codes))
            .values(valid_from=now - timedelta(days=3))
        )
    with _client(world, "t-ank-cashier", "ANK01") as c:
        answers = [
            c.post(
                "/v1/redemptions",
                json=_body(
                    code,
                    ank,
                    skus[0],
                    till="K7",
                    sale=f"D-{n}",
                    offline_at=now - timedelta(hours=h),
                ),
            )
            for n, (code, h) in enumerate(zip(codes, (47, 24, 0), strict=True))
        ]
    assert [r.status_code for r in answers] == [201, 409, 409], [
        r.json().get("reason") for r in answers
    ]
    assert all(r.json()["reason"] == "offline_over_limit" for r in answers[1:])
    assert sum(_redeemed(world, code) for code in codes) == 1
