"""What the order confirmation says (issue 13): where each line ships from or is held, until
when, the day promised; and the pay link sent to the order's own customer by SMS or e-mail.
Real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.server.catalog.models import Location
from app.server.inventory.models import Reservation
from tests import factories
from tests.conftest import World
from tests.integration.test_orders import HOME
from tests.mail import mail_sink

ISTANBUL = ZoneInfo("Europe/Istanbul")
PROBLEM = "https://reyon.dev/problems/"


def _name(world: World, location_id: int) -> str:
    with world.db.session() as s:
        return str(
            s.execute(select(Location.name).where(col(Location.id) == location_id)).scalar_one()
        )


def _placed_day(order: dict) -> date:
    return datetime.fromisoformat(order["placed_at"]).astimezone(ISTANBUL).date()


def _order(c: httpx.Client, customer: int, sku: str, fulfilment: dict, quantity: int = 1) -> dict:
    r = c.post(
        "/v1/orders",
        json={
            "customer_id": customer,
            "lines": [{"sku": sku, "quantity": quantity}],
            "fulfilment": fulfilment,
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _sms(world: World, phone: str) -> list[str]:
    path = world.api.sms_outbox
    assert path is not None
    if not path.exists():
        return []
    return [x["text"] for x in map(json.loads, path.read_text().splitlines()) if x["to"] == phone]


def test_a_parcel_from_the_warehouse_names_it_and_is_promised_in_two_days(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.warehouse: 4})
    with world.client() as c:
        order = _order(c, b.consenting_customer, skus[0], {"type": "ship_to_home", "address": HOME})
        [line] = order["lines"]
        assert line["source_location_name"] == _name(world, b.warehouse)
        assert line["held_until"] is None  # held until shipped, with no end to tell
        assert date.fromisoformat(order["expected_on"]) == _placed_day(order) + timedelta(days=2)
        assert c.get(f"/v1/orders/{order['id']}").json() == order  # read back the same


def test_a_reservation_says_where_and_until_when_it_is_held(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST02"]: 3})
    where = {"type": "reserve_in_store", "location_id": b.stores["IST02"]}
    with world.client() as c:
        order = _order(c, b.consenting_customer, skus[0], where, quantity=2)
        [line] = order["lines"]
        assert line["source_location_name"] == _name(world, b.stores["IST02"])
        with world.db.session() as s:
            expires = s.execute(
                select(Reservation.expires_at).where(col(Reservation.order_id) == order["id"])
            ).scalar_one()
        held = datetime.fromisoformat(line["held_until"])
        assert held.replace(tzinfo=None) == expires.replace(tzinfo=None)
        assert timedelta(hours=47) < held - datetime.now(UTC) <= timedelta(hours=48)
        assert date.fromisoformat(order["expected_on"]) == _placed_day(order)
        assert c.get(f"/v1/orders/{order['id']}").json() == order
    with world.client("t-manager") as m:
        cancelled = m.post(f"/v1/orders/{order['id']}/cancel").json()
    # Released and closed: nothing is held and nothing promised any more.
    assert cancelled["lines"][0]["held_until"] is None and cancelled["expected_on"] is None


def test_the_pay_link_goes_to_the_orders_own_customer_by_sms_and_e_mail(world: World) -> None:
    b = world.base
    phone, email = factories.unique("+905551"), f"{factories.unique('odeme')}@example.org"
    factories.customer(world.db, consent=False, phone=phone, email=email)
    _, skus = factories.product(world.db, stock={b.warehouse: 2})
    with world.client() as c:
        order = _order(c, b.consenting_customer, skus[0], {"type": "ship_to_home", "address": HOME})
        link = c.get(f"/v1/orders/{order['id']}/pay-link").json()["url"]
        before = mail_sink().count()
        r = c.post(f"/v1/orders/{order['id']}/pay-link/send", json={"channel": "sms"})
        assert r.status_code == 200, r.text
        sent = r.json()
        assert sent["channel"] == "sms" and "***" in sent["sent_to"]
        assert "+905321234567" not in sent["sent_to"]  # masked
        [text] = _sms(world, "+905321234567")[-1:]
        assert order["number"] in text and "/pay/" in text and "siparişiniz" in text
        assert link.split("/pay/")[0] in text
        r = c.post(
            f"/v1/orders/{order['id']}/pay-link/send", json={"channel": "email", "lang": "en"}
        )
        assert r.status_code == 200, r.text
        mail = mail_sink().wait_for(lambda m: m["To"] == "ayse.yilmaz@example.com", after=before)
        assert order["number"] in mail.get_content() and mail["Content-Language"] == "en"
    # Nobody else's phone got anything: the recipient is the order's customer, on file.
    assert _sms(world, phone) == []


def test_a_pay_link_is_not_sent_where_it_cannot_or_must_not_go(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.warehouse: 5})
    with world.client() as c:
        order = _order(c, b.consenting_customer, skus[0], {"type": "ship_to_home", "address": HOME})
        send = f"/v1/orders/{order['id']}/pay-link/send"
        bad = c.post(send, json={"channel": "fax"})
        assert bad.status_code == 422
        typed = c.post(send, json={"channel": "sms", "to": "+905559999999"})
        assert typed.status_code == 422  # never to a number typed at the till
        assert (
            c.post("/v1/orders/999999999/pay-link/send", json={"channel": "sms"}).status_code == 404
        )
    # Another store may see this consenting customer's order, but not message them about it.
    with world.client("t-ank-associate") as other:
        r = other.post(send, json={"channel": "sms"})
        assert r.status_code == 403 and r.json()["type"] == PROBLEM + "other-store", r.text

    with world.client("t-manager") as m:
        assert m.post(f"/v1/orders/{order['id']}/cancel").status_code == 200
        r = m.post(send, json={"channel": "sms"})
        assert r.status_code == 409 and r.json()["type"] == PROBLEM + "not-payable"


def test_no_contact_on_file_is_a_clear_409(world: World) -> None:
    b = world.base
    customer = factories.customer(world.db, consent=True, phone=None, email=None)
    _, skus = factories.product(world.db, stock={b.warehouse: 2})
    with world.client() as c:
        order = _order(c, customer, skus[0], {"type": "ship_to_home", "address": HOME})
        for channel in ("sms", "email"):
            r = c.post(f"/v1/orders/{order['id']}/pay-link/send", json={"channel": channel})
            assert r.status_code == 409, r.text
            problem = r.json()
            assert problem["type"] == PROBLEM + "pay-link-contact-missing"
            assert problem["channel"] == channel
