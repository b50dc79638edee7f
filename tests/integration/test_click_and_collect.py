"""Click & collect and reserve in store at the pickup store (issue 14, scene 11): the store's
queue, picking by scan, ready and the customer's notice, the hand-over against the customer's
identity QR code or the order's pickup code, partial pickups, stock leaving the store, overdue
pickups, and an order collected once however many tablets race. Real HTTP, SQLite and
PostgreSQL.

The world is shared by the whole session: these tests place their own orders at IST01 and pick
theirs out of the queue, which other tests' orders share."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlmodel import col

from app.domain.fulfilment import PICKUP_HOLD_DAYS
from app.qr.keys import KeyRing
from app.qr.pickup import make_pickup_code
from app.server.app import housekeeping
from app.server.catalog.models import Variant
from app.server.customers.models import Customer, VisitGrant
from app.server.db import utcnow
from app.server.inventory.models import Reservation
from app.server.messaging import FileSmsProvider, Messaging
from app.server.orders import fulfilment_notices
from app.server.orders.models import CustomerNotice, OrderHandover, OrderStatusEvent
from app.settings import ApiSettings
from tests import factories
from tests.conftest import World
from tests.integration.test_concurrency import assert_stock_consistent, race
from tests.integration.test_orders import HOME, stock_of
from tests.mail import mail_sink
from tests.server import HANG_S, ApiProcess, start_api

PROBLEM = "https://reyon.dev/problems/"
BRAND_KEY = "brand-app-key-for-pickup-tests"
ISTANBUL = ZoneInfo("Europe/Istanbul")


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _kind(r: httpx.Response) -> str:
    return str(r.json()["type"]).removeprefix(PROBLEM)


def _order(
    c: httpx.Client, customer: int, lines: dict[str, int], fulfilment: dict[str, Any]
) -> dict[str, Any]:
    r = c.post(
        "/v1/orders",
        json={
            "customer_id": customer,
            "lines": [{"sku": sku, "quantity": q} for sku, q in lines.items()],
            "fulfilment": fulfilment,
        },
        headers=_key(),
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _ean(world: World, sku: str) -> str:
    with world.db.session() as s:
        return str(s.execute(select(Variant.ean13).where(col(Variant.sku) == sku)).scalar_one())


def _pick(c: httpx.Client, order_id: int, barcode: str, quantity: int = 1) -> httpx.Response:
    return c.post(
        f"/v1/orders/{order_id}/pick",
        json={"barcode": barcode, "quantity": quantity},
        headers=_key(),
    )


def _pick_all(world: World, c: httpx.Client, order: dict[str, Any]) -> None:
    for line in order["lines"]:
        r = _pick(c, order["id"], _ean(world, line["sku"]), line["quantity"])
        assert r.status_code == 200, r.text


def _ready(c: httpx.Client, order_id: int, lang: str = "tr") -> httpx.Response:
    return c.post(f"/v1/orders/{order_id}/ready", json={"lang": lang}, headers=_key())


def _hand_over(
    c: httpx.Client, order_id: int, code: str, lines: dict[int, int] | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"code": code}
    if lines is not None:
        body["lines"] = [{"line_id": i, "quantity": q} for i, q in lines.items()]
    return c.post(f"/v1/orders/{order_id}/hand-over", json=body, headers=_key())


def _queue(c: httpx.Client, store: int) -> list[dict[str, Any]]:
    r = c.get(f"/v1/stores/{store}/to-prepare", params={"limit": 500})
    assert r.status_code == 200, r.text
    return list(r.json()["orders"])


def _customer(world: World, *, sms: bool = False, email: bool = False) -> tuple[int, str, str]:
    """A consenting customer with a phone and e-mail address of their own, who opted in to
    texts and/or e-mails."""
    phone, address = factories.unique("+905552"), f"{factories.unique('teslim')}@example.org"
    customer = factories.customer(world.db, consent=True, phone=phone, email=address)
    with world.db.write() as s:
        s.execute(
            update(Customer)
            .where(col(Customer.id) == customer)
            .values(consent_sms=sms, consent_email=email)
        )
    return customer, phone, address


def _sms(world: World, phone: str) -> list[str]:
    path = world.api.sms_outbox
    if path is None or not path.exists():
        return []
    return [x["text"] for x in map(json.loads, path.read_text().splitlines()) if x["to"] == phone]


@pytest.fixture
def shirt(world: World) -> list[str]:
    """Sizes S, M and L, in stock here (IST01), at IST02 and in the warehouse."""
    b = world.base
    _, skus = factories.product(
        world.db, stock={b.stores["IST01"]: 5, b.stores["IST02"]: 5, b.warehouse: 5}
    )
    return skus


@pytest.fixture(scope="module")
def brand_api(world: World) -> Iterator[ApiProcess]:
    """The API with the brand app's credential set (the shared test API has none)."""
    api = start_api(
        world.database_url, log_dir=world.log_dir, extra_env={"REYON_BRAND_APP_KEY": BRAND_KEY}
    )
    try:
        yield api
    finally:
        api.stop()


# --- the queue ----------------------------------------------------------------------------


def test_the_queue_lists_this_stores_pickups_oldest_first(world: World, shirt: list[str]) -> None:
    b = world.base
    ist01, ist02 = b.stores["IST01"], b.stores["IST02"]
    with world.client() as c:
        collect = _order(c, b.consenting_customer, {shirt[0]: 2}, {"type": "click_collect"})
        reserve = _order(
            c,
            b.consenting_customer,
            {shirt[1]: 1},
            {"type": "reserve_in_store", "location_id": ist01},
        )
        elsewhere = _order(
            c,
            b.consenting_customer,
            {shirt[0]: 1},
            {"type": "reserve_in_store", "location_id": ist02},
        )
        parcel = _order(
            c, b.consenting_customer, {shirt[2]: 1}, {"type": "ship_to_home", "address": HOME}
        )
        queue = _queue(c, ist01)
    ids = [o["order_id"] for o in queue]
    assert ids.index(collect["id"]) < ids.index(reserve["id"])
    assert elsewhere["id"] not in ids and parcel["id"] not in ids
    assert all(o["pickup_location_id"] == ist01 for o in queue)
    assert all(o["status"] in ("placed", "paid", "ready") for o in queue)
    placed = [datetime.fromisoformat(o["placed_at"]) for o in queue]
    assert placed == sorted(placed)  # oldest first

    mine = {o["order_id"]: o for o in queue}
    first = mine[collect["id"]]
    assert first["step"] == "pick" and first["fulfilment_type"] == "click_collect"
    assert first["customer_name"] == "Ayşe Yılmaz"  # consented: unmasked
    assert date.fromisoformat(first["due_on"]) == date.fromisoformat(collect["expected_on"])
    assert first["held_until"] is None  # a click & collect hold ends once it is ready
    [line] = first["lines"]
    assert line["sku"] == shirt[0] and line["ean13"] == _ean(world, shirt[0])
    assert (line["quantity"], line["picked"], line["collected"]) == (2, 0, 0)
    assert line["size"] == "S" and line["colour"] == "Lacivert" and line["name_en"]
    held = mine[reserve["id"]]["held_until"]
    assert held is not None and held == reserve["lines"][0]["held_until"]

    # Another store's associate sees their own queue, never this one.
    with world.client("t-ank-associate") as other:
        refused = other.get(f"/v1/stores/{ist01}/to-prepare")
        assert refused.status_code == 403 and _kind(refused) == "wrong-store"
        assert collect["id"] not in [o["order_id"] for o in _queue(other, b.stores["ANK01"])]
        assert other.get(f"/v1/stores/{ist02}/to-prepare").status_code == 403


def test_a_customer_who_may_not_be_seen_is_masked_in_the_queue(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST01"]: 2})
    customer = factories.customer(world.db, consent=False, phone=factories.unique("+905553"))
    with world.client() as c:
        scanned = c.post("/v1/scan", json={"payload": factories.identity_code(world.db, customer)})
        assert scanned.status_code == 200 and scanned.json()["valid"], scanned.text
        order = _order(c, customer, {skus[0]: 1}, {"type": "click_collect"})
        visiting = {o["order_id"]: o for o in _queue(c, b.stores["IST01"])}[order["id"]]
        assert visiting["customer_name"] == "Zeynep Demir"
        with world.db.write() as s:  # the visit is over
            s.execute(
                update(VisitGrant)
                .where(col(VisitGrant.customer_id) == customer)
                .values(expires_at=utcnow())
            )
        after = {o["order_id"]: o for o in _queue(c, b.stores["IST01"])}[order["id"]]
        assert after["customer_name"] == "Z*** D***"


# --- picking and ready ----------------------------------------------------------------------


def test_picking_takes_the_ordered_items_and_refuses_any_other(
    world: World, shirt: list[str]
) -> None:
    b = world.base
    with world.client() as c:
        order = _order(
            c, b.consenting_customer, {shirt[0]: 2, shirt[1]: 1}, {"type": "click_collect"}
        )
        oid = order["id"]
        # An item of no line of the order: refused, nothing counted.
        wrong = _pick(c, oid, _ean(world, shirt[2]))
        assert wrong.status_code == 422 and _kind(wrong) == "pick-wrong-item", wrong.text
        unknown = _pick(c, oid, "8690000000000")
        assert unknown.status_code == 422 and _kind(unknown) == "pick-wrong-item"
        # By EAN-13, then by the SKU on the tag (any case).
        first = _pick(c, oid, _ean(world, shirt[0]))
        assert first.status_code == 200, first.text
        assert first.json()["sku"] == shirt[0] and first.json()["quantity"] == 1
        key = _key()
        body = {"barcode": shirt[0].lower()}
        second = c.post(f"/v1/orders/{oid}/pick", json=body, headers=key)
        assert second.status_code == 200, second.text
        # A retry of the same scan (its key) is answered again, not counted again.
        again = c.post(f"/v1/orders/{oid}/pick", json=body, headers=key)
        assert again.json() == second.json() and again.headers["Idempotent-Replayed"] == "true"
        lines = {ln["sku"]: ln for ln in second.json()["order"]["lines"]}
        assert lines[shirt[0]]["picked"] == 2 and lines[shirt[1]]["picked"] == 0
        # More than ordered: refused, whichever way.
        extra = _pick(c, oid, _ean(world, shirt[0]))
        assert extra.status_code == 409 and _kind(extra) == "pick-too-many", extra.text
        assert extra.json()["sku"] == shirt[0]
        assert _kind(_pick(c, oid, _ean(world, shirt[1]), quantity=2)) == "pick-too-many"
        # Not ready until every unit is picked.
        early = _ready(c, oid)
        assert early.status_code == 409 and _kind(early) == "not-all-picked"
        assert early.json()["left"] == 1
        assert c.get(f"/v1/orders/{oid}").json()["status"] == "placed"
        # Nothing to hand over before it is ready.
        code = make_pickup_code(factories.TEST_RING, oid)
        assert _kind(_hand_over(c, oid, code)) == "order-not-ready"
        assert _pick(c, oid, _ean(world, shirt[1])).status_code == 200
        step = {o["order_id"]: o for o in _queue(c, b.stores["IST01"])}[oid]["step"]
        assert step == "mark_ready"
        parcel = _order(
            c, b.consenting_customer, {shirt[0]: 1}, {"type": "ship_to_home", "address": HOME}
        )
        not_here = _pick(c, parcel["id"], _ean(world, shirt[0]))
        assert not_here.status_code == 409 and _kind(not_here) == "not-for-pickup"
    # Another store may not pick this store's order.
    with world.client("t-ank-associate") as other:
        refused = _pick(other, oid, _ean(world, shirt[1]))
        assert refused.status_code == 403 and _kind(refused) == "other-store"


def test_ready_tells_the_customer_by_e_mail_in_their_language(
    world: World, shirt: list[str]
) -> None:
    b = world.base
    customer, _, address = _customer(world, email=True)
    with world.client() as c:
        order = _order(c, customer, {shirt[0]: 1}, {"type": "click_collect"})
        _pick_all(world, c, order)
        before = mail_sink().count()
        r = _ready(c, order["id"], lang="en")
        assert r.status_code == 200, r.text
        ready = r.json()
        assert ready["order"]["status"] == "ready" and ready["order"]["step"] == "hand_over"
        assert ready["notice"]["channel"] == "email" and ready["notice"]["status"] == "sent"
        held = datetime.fromisoformat(ready["order"]["held_until"])
        now = datetime.now(UTC)
        assert (
            timedelta(days=PICKUP_HOLD_DAYS, minutes=-5)
            < held - now
            <= timedelta(days=PICKUP_HOLD_DAYS)
        )
        last_day = date.fromisoformat(ready["last_day"])
        assert last_day == held.astimezone(ISTANBUL).date()
        mail = mail_sink().wait_for(lambda m: m["To"] == address, after=before)
        text = mail.get_content()
        assert order["number"] in text and "Nişantaşı" in text and "ready to collect" in text
        assert f"{last_day.day} {last_day.strftime('%B')} {last_day.year}" in text
        assert mail["Content-Language"] == "en"
        history = c.get(f"/v1/orders/{order['id']}").json()["history"]
        assert [h["status"] for h in history] == ["placed", "ready"]
        # Ready once: a second time is refused, and the customer is not told twice.
        again = _ready(c, order["id"])
        assert again.status_code == 409 and _kind(again) == "order-not-pickable"
        assert again.json()["status_now"] == "ready"
    with world.db.session() as s:
        notices = (
            s.execute(select(CustomerNotice).where(col(CustomerNotice.order_id) == order["id"]))
            .scalars()
            .all()
        )
        assert [(n.status, n.channel) for n in notices] == [("sent", "email")]
    assert b.stores["IST01"] == ready["order"]["pickup_location_id"]


def test_ready_by_text_message_when_the_customer_opted_in_to_texts(
    world: World, shirt: list[str]
) -> None:
    customer, phone, _ = _customer(world, sms=True)
    with world.client() as c:
        order = _order(
            c,
            customer,
            {shirt[1]: 1},
            {"type": "reserve_in_store", "location_id": world.base.stores["IST01"]},
        )
        _pick_all(world, c, order)
        r = _ready(c, order["id"])
        assert r.status_code == 200, r.text
        assert r.json()["notice"] == {
            "id": r.json()["notice"]["id"],
            "channel": "sms",
            "status": "sent",
            "lang": "tr",
        }
        # A reservation keeps the end the customer was told when it was placed.
        assert r.json()["order"]["held_until"] == order["lines"][0]["held_until"]
    [text] = _sms(world, phone)
    assert order["number"] in text and "teslim almaya hazır" in text


def test_without_consent_the_notice_waits_for_a_worker(
    world: World, shirt: list[str], tmp_path: Path
) -> None:
    customer, phone, address = _customer(world)  # consented to clienteling, not to messages
    with world.client() as c:
        order = _order(c, customer, {shirt[2]: 1}, {"type": "click_collect"})
        _pick_all(world, c, order)
        before = mail_sink().count()
        r = _ready(c, order["id"])
        assert r.status_code == 200, r.text
        assert r.json()["notice"]["channel"] is None
        assert r.json()["notice"]["status"] == "pending"
    assert _sms(world, phone) == []
    assert all(m["To"] != address for m in mail_sink().messages[before:])
    with world.db.session() as s:
        notice = s.execute(
            select(CustomerNotice).where(col(CustomerNotice.order_id) == order["id"])
        ).scalar_one()
        assert notice.status == "pending" and notice.kind == "order_ready"
        assert order["number"] in notice.text
    # The customer opts in to texts later: a worker's round sends what waited, once.
    with world.db.write() as s:
        s.execute(update(Customer).where(col(Customer.id) == customer).values(consent_sms=True))
    outbox = tmp_path / "sms.jsonl"
    messaging = Messaging(email=None, sms=FileSmsProvider(outbox))
    # The round every API process runs each minute.
    settings = ApiSettings(database_url=world.database_url)
    assert housekeeping(world.db, settings, messaging)["sent_notices"] >= 1
    assert fulfilment_notices.deliver(world.db, messaging, notice.id or 0) == "sent"
    with world.db.session() as s:
        done = s.get(CustomerNotice, notice.id)
        assert done is not None and (done.status, done.channel) == ("sent", "sms")
    sent = [json.loads(x) for x in outbox.read_text().splitlines()]
    assert [x["to"] for x in sent if order["number"] in x["text"]] == [phone]


# --- the hand-over --------------------------------------------------------------------------


def test_hand_over_by_the_customers_identity_qr_and_stock_leaves_the_store(
    world: World, shirt: list[str]
) -> None:
    b = world.base
    ist01 = b.stores["IST01"]
    customer, _, _ = _customer(world)
    with world.client() as c:
        order = _order(
            c, customer, {shirt[0]: 2}, {"type": "reserve_in_store", "location_id": ist01}
        )
        other = _order(c, b.consenting_customer, {shirt[1]: 1}, {"type": "click_collect"})
        oid = order["id"]
        _pick_all(world, c, order)
        assert _ready(c, oid).status_code == 200
        before = stock_of(world, shirt[0], ist01)
        # Someone else's identity code, a forged code, another order's code: refused.
        stranger = _hand_over(c, oid, factories.identity_code(world.db, b.consenting_customer))
        assert stranger.status_code == 403 and _kind(stranger) == "pickup-wrong-customer"
        forged = make_pickup_code(KeyRing({"A": b"not-the-servers-secret-0123456789"}, "A"), oid)
        bad = _hand_over(c, oid, forged)
        assert bad.status_code == 422 and _kind(bad) == "pickup-code-invalid"
        assert bad.json()["reason"] == "bad_signature"
        assert _kind(_hand_over(c, oid, "8690000000017")) == "pickup-code-invalid"
        foreign = _hand_over(c, oid, make_pickup_code(factories.TEST_RING, other["id"]))
        assert foreign.status_code == 403 and _kind(foreign) == "pickup-code-other-order"
        assert stock_of(world, shirt[0], ist01) == before  # nothing left the store

        r = _hand_over(c, oid, factories.identity_code(world.db, customer))
        assert r.status_code == 200, r.text
        done = r.json()
        assert done["complete"] and done["proof"] == "identity"
        assert done["order"]["status"] == "collected" and done["order"]["step"] == "done"
        assert done["handed_over"] == [
            {"line_id": order["lines"][0]["id"], "sku": shirt[0], "quantity": 2}
        ]
        # On hand goes down by what left; available does not change.
        assert stock_of(world, shirt[0], ist01) == (before[0] - 2, before[1] - 2)
        assert_stock_consistent(world, shirt[0])
        # Collected once: a second hand-over is refused.
        twice = _hand_over(c, oid, factories.identity_code(world.db, customer))
        assert twice.status_code == 409 and _kind(twice) == "already-collected"
        fetched = c.get(f"/v1/orders/{oid}").json()
        assert [h["status"] for h in fetched["history"]] == ["placed", "ready", "collected"]
        assert fetched["lines"][0]["held_until"] is None and fetched["expected_on"] is None
        assert oid not in [o["order_id"] for o in _queue(c, ist01)]
    with world.db.session() as s:
        holds = (
            s.execute(select(Reservation.status).where(col(Reservation.order_id) == oid))
            .scalars()
            .all()
        )
        assert holds == ["fulfilled"]
        given = (
            s.execute(select(OrderHandover).where(col(OrderHandover.order_id) == oid))
            .scalars()
            .all()
        )
        assert [(h.quantity, h.proof, h.customer_id) for h in given] == [(2, "identity", customer)]


def test_partial_pickup_by_pickup_code_then_the_rest(
    world: World, shirt: list[str], brand_api: ApiProcess
) -> None:
    b = world.base
    ist01 = b.stores["IST01"]
    with world.client() as c:
        order = _order(
            c, b.consenting_customer, {shirt[0]: 2, shirt[1]: 1}, {"type": "click_collect"}
        )
        oid = order["id"]
        lines = {ln["sku"]: ln["id"] for ln in order["lines"]}
        _pick_all(world, c, order)
        assert _ready(c, oid).status_code == 200
        with httpx.Client(base_url=brand_api.url, timeout=HANG_S) as app:
            assert app.get(f"/v1/brand/orders/{oid}/pickup-code").status_code == 401
            app.headers["Authorization"] = f"Bearer {BRAND_KEY}"
            shown = app.get(f"/v1/brand/orders/{oid}/pickup-code")
            assert shown.status_code == 200, shown.text
            assert shown.headers["Cache-Control"] == "no-store"
            code = shown.json()
            assert code["order_id"] == oid and code["number"] == order["number"]
            assert code["pickup_location_id"] == ist01 and code["qr_svg"].startswith("<svg")
            assert app.get("/v1/brand/orders/999999999/pickup-code").status_code == 404
        before = {sku: stock_of(world, sku, ist01) for sku in shirt[:2]}

        first = _hand_over(c, oid, code["payload"], {lines[shirt[0]]: 1})
        assert first.status_code == 200, first.text
        assert not first.json()["complete"] and first.json()["proof"] == "pickup_code"
        assert first.json()["order"]["status"] == "ready"
        assert stock_of(world, shirt[0], ist01) == (
            before[shirt[0]][0] - 1,
            before[shirt[0]][1] - 1,
        )
        assert stock_of(world, shirt[1], ist01) == before[shirt[1]]
        assert_stock_consistent(world, shirt[0])
        # Still in the queue, waiting for the rest.
        waiting = {o["order_id"]: o for o in _queue(c, ist01)}[oid]
        assert waiting["step"] == "hand_over"
        assert {ln["sku"]: ln["collected"] for ln in waiting["lines"]} == {shirt[0]: 1, shirt[1]: 0}
        # Never more than is ready, never a line of another order.
        too_many = _hand_over(c, oid, code["payload"], {lines[shirt[0]]: 2})
        assert too_many.status_code == 409 and _kind(too_many) == "hand-over-too-many"
        assert too_many.json()["sku"] == shirt[0]
        stray = _hand_over(c, oid, code["payload"], {999999: 1})
        assert stray.status_code == 422 and _kind(stray) == "hand-over-unknown-line"

        rest = _hand_over(c, oid, code["payload"])
        assert rest.status_code == 200, rest.text
        assert rest.json()["complete"] and rest.json()["order"]["status"] == "collected"
        assert sorted((x["sku"], x["quantity"]) for x in rest.json()["handed_over"]) == sorted(
            [(shirt[0], 1), (shirt[1], 1)]
        )
        for sku, quantity in ((shirt[0], 2), (shirt[1], 1)):
            on_hand, reserved = before[sku]
            assert stock_of(world, sku, ist01) == (on_hand - quantity, reserved - quantity)
            assert_stock_consistent(world, sku)
        assert _kind(_hand_over(c, oid, code["payload"])) == "already-collected"
    with httpx.Client(
        base_url=brand_api.url, timeout=HANG_S, headers={"Authorization": f"Bearer {BRAND_KEY}"}
    ) as app:
        closed = app.get(f"/v1/brand/orders/{oid}/pickup-code")
        assert closed.status_code == 409 and _kind(closed) == "no-pickup-code"
    with world.db.session() as s:
        collected = s.execute(
            select(func.count())
            .select_from(OrderStatusEvent)
            .where(
                col(OrderStatusEvent.order_id) == oid, col(OrderStatusEvent.status) == "collected"
            )
        ).scalar_one()
        assert collected == 1


def test_racing_hand_overs_collect_the_order_once(world: World, shirt: list[str]) -> None:
    b = world.base
    ist01 = b.stores["IST01"]
    with world.client() as c:
        order = _order(
            c, b.consenting_customer, {shirt[0]: 2, shirt[1]: 1}, {"type": "click_collect"}
        )
        _pick_all(world, c, order)
        assert _ready(c, order["id"]).status_code == 200
    before = {sku: stock_of(world, sku, ist01) for sku in shirt[:2]}
    code = make_pickup_code(factories.TEST_RING, order["id"])
    token = world.token("t-associate")
    tablets = [
        httpx.Client(
            base_url=world.url, timeout=HANG_S, headers={"Authorization": f"Bearer {token}"}
        )
        for _ in range(12)
    ]
    try:
        results = race(12, lambda i: _hand_over(tablets[i], order["id"], code))
    finally:
        for t in tablets:
            t.close()
    statuses = Counter(r.status_code for r in results)
    assert statuses == {200: 1, 409: 11}, [
        r.text for r in results if r.status_code not in (200, 409)
    ]
    assert all(_kind(r) == "already-collected" for r in results if r.status_code == 409)
    for sku, quantity in ((shirt[0], 2), (shirt[1], 1)):
        on_hand, reserved = before[sku]
        assert stock_of(world, sku, ist01) == (on_hand - quantity, reserved - quantity)
        assert_stock_consistent(world, sku)
    with world.db.session() as s:
        given = s.execute(
            select(func.sum(OrderHandover.quantity)).where(
                col(OrderHandover.order_id) == order["id"]
            )
        ).scalar_one()
        events = s.execute(
            select(func.count())
            .select_from(OrderStatusEvent)
            .where(
                col(OrderStatusEvent.order_id) == order["id"],
                col(OrderStatusEvent.status) == "collected",
            )
        ).scalar_one()
        assert (given, events) == (3, 1)


# --- overdue pickups --------------------------------------------------------------------------


def test_a_manager_sees_the_pickups_whose_hold_ran_out(world: World, shirt: list[str]) -> None:
    b = world.base
    ist01 = b.stores["IST01"]
    with world.client() as c:
        order = _order(c, b.consenting_customer, {shirt[2]: 1}, {"type": "click_collect"})
        _pick_all(world, c, order)
        ready = _ready(c, order["id"]).json()
        refused = c.get(f"/v1/stores/{ist01}/pickups/overdue")
        assert refused.status_code == 403 and _kind(refused) == "forbidden-role"
    held = datetime.fromisoformat(ready["order"]["held_until"])
    with world.client("t-manager") as m:
        now = m.get(f"/v1/stores/{ist01}/pickups/overdue")
        assert now.status_code == 200, now.text
        assert order["id"] not in [o["order"]["order_id"] for o in now.json()["orders"]]
        later = m.get(
            f"/v1/stores/{ist01}/pickups/overdue",
            params={"as_of": (held + timedelta(minutes=1)).isoformat()},
        )
        assert later.status_code == 200, later.text
        late = {o["order"]["order_id"]: o for o in later.json()["orders"]}
        assert late[order["id"]]["reason"] == "hold_expired"
        assert datetime.fromisoformat(late[order["id"]]["deadline"]) == held
        assert all(o["order"]["status"] == "ready" for o in later.json()["orders"])
        other = m.get(f"/v1/stores/{b.stores['ANK01']}/pickups/overdue")
        assert other.status_code == 403 and _kind(other) == "wrong-store"
