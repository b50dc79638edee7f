"""Looks on the associate API (issue 15): a look is made only for a client the associate may
see, of products that exist, on a channel the client opted into and has an address for; its
items keep their order; its link is signed; a refusal writes nothing; one Idempotency-Key makes
one look however often and however many tablets at once send it; WhatsApp is handed to the
tablet with the text and links filled in. Real HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlmodel import col

from app.domain.outreach import MAX_ITEMS, MAX_LINE
from app.qr.look import verify_look, verify_optout
from app.server.catalog.models import Variant
from app.server.customers.models import Customer
from app.server.outreach.models import Look, LookItem, OutreachMessage
from tests import factories
from tests.conftest import World
from tests.integration.test_concurrency import race
from tests.server import HANG_S

PROBLEM = "https://reyon.dev/problems/"
PHONE = "+905321112233"


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _kind(r: httpx.Response) -> str:
    return str(r.json()["type"]).removeprefix(PROBLEM)


def _client_of(
    world: World,
    *,
    email: bool = False,
    sms: bool = False,
    whatsapp: bool = False,
    phone: str | None = PHONE,
    address: str | None = "musteri@example.com",
) -> int:
    """A client with clienteling consent (the associate sees them) and the given opt-ins."""
    customer_id = factories.customer(world.db, consent=True, phone=phone, email=address)
    with world.db.write() as s:
        s.execute(
            update(Customer)
            .where(col(Customer.id) == customer_id)
            .values(consent_email=email, consent_sms=sms, consent_whatsapp=whatsapp)
        )
    return customer_id


def _variants(world: World, n: int = 3) -> list[int]:
    sizes = tuple(f"S{i}" for i in range(n))
    _, skus = factories.product(world.db, sizes=sizes)
    with world.db.session() as s:
        rows = s.execute(select(Variant.sku, Variant.id).where(col(Variant.sku).in_(skus))).all()
    ids = {sku: variant_id for sku, variant_id in rows}
    return [ids[sku] for sku in skus]


def _body(customer_id: int, variant_ids: list[int], **extra: Any) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "variant_ids": variant_ids,
        "channel": "email",
        "lang": "tr",
        "template": "new_in",
        "line": "Merhaba Zeynep, yeni gelenlerden size yakışacakları seçtim.",
        **extra,
    }


def _rows(world: World, customer_id: int) -> tuple[int, int, int]:
    """The client's looks and messages, and every look item: what a refusal must not add to."""
    with world.db.session() as s:
        looks = s.execute(
            select(func.count()).select_from(Look).where(col(Look.customer_id) == customer_id)
        ).scalar_one()
        messages = s.execute(
            select(func.count())
            .select_from(OutreachMessage)
            .where(col(OutreachMessage.customer_id) == customer_id)
        ).scalar_one()
        items = s.execute(select(func.count()).select_from(LookItem)).scalar_one()
    return looks, messages, items


def test_a_look_with_consent_is_queued_with_its_items_in_order(world: World) -> None:
    customer_id = _client_of(world, email=True)
    variants = _variants(world)
    chosen = [variants[2], variants[0]]
    with world.client() as c:
        r = c.post("/v1/looks", json=_body(customer_id, chosen), headers=_key())
        assert r.status_code == 201, r.text
        look = r.json()
        assert look["status"] == "queued" and look["channel"] == "email"
        assert look["whatsapp_url"] is None and look["sent_at"] is None
        assert [i["variant_id"] for i in look["items"]] == chosen
        first = look["items"][0]
        assert first["name"] == "Pamuklu Gömlek" and first["colour"] == "Lacivert"
        assert first["image_url"].startswith(f"/v1/media/products/{first['product_id']}.webp?")
        assert "size=thumb" in first["image_url"]
        assert look["associate_id"] == world.base.associates["t-associate"]
        assert look["associate_name"] == "T Associate"
        assert look["location_id"] == world.base.stores["IST01"]
        # The worker may send it now, or at the end of the quiet hours: never before it was made.
        assert look["not_before"] >= look["created_at"]
        assert verify_look(factories.TEST_RING, look["url"]).look_id == look["id"]

        # Read back: the same look, with the same link, alone and in the client's list.
        again = c.get(f"/v1/looks/{look['id']}")
        assert again.status_code == 200 and again.json() == look
        second = c.post(
            "/v1/looks", json=_body(customer_id, [variants[1]], lang="en"), headers=_key()
        )
        assert second.status_code == 201, second.text
        assert second.json()["items"][0]["name"] == "Cotton Shirt"
        assert second.json()["items"][0]["colour"] == "Navy"
        listed = c.get(f"/v1/customers/{customer_id}/looks")
        assert listed.status_code == 200, listed.text
        assert [x["id"] for x in listed.json()["looks"]] == [second.json()["id"], look["id"]]
    with world.db.session() as s:
        message = s.execute(
            select(OutreachMessage).where(col(OutreachMessage.look_id) == look["id"])
        ).scalar_one()
        positions = s.execute(
            select(LookItem.variant_id)
            .where(col(LookItem.look_id) == look["id"])
            .order_by(col(LookItem.position))
        ).scalars()
        assert message.status == "queued" and message.attempts == 0
        assert list(positions) == chosen


@pytest.mark.parametrize(
    ("opt_in", "channel", "missing"),
    [
        ({"email": True}, "sms", "consent"),
        ({"sms": True}, "email", "consent"),
        ({"email": True, "sms": True}, "whatsapp", "consent"),
    ],
)
def test_no_look_on_a_channel_without_consent(
    world: World, opt_in: dict[str, bool], channel: str, missing: str
) -> None:
    customer_id = _client_of(world, **opt_in)
    variants = _variants(world, 1)
    before = _rows(world, customer_id)
    with world.client() as c:
        r = c.post("/v1/looks", json=_body(customer_id, variants, channel=channel), headers=_key())
    assert r.status_code == 409, r.text
    assert _kind(r) == "consent-missing"
    assert r.json()["channel"] == channel and r.json()["missing"] == missing
    assert _rows(world, customer_id) == before


@pytest.mark.parametrize("channel", ["sms", "whatsapp", "email"])
def test_no_look_without_an_address_for_the_channel(world: World, channel: str) -> None:
    customer_id = _client_of(world, email=True, sms=True, whatsapp=True, phone=None, address=None)
    before = _rows(world, customer_id)
    with world.client() as c:
        r = c.post(
            "/v1/looks",
            json=_body(customer_id, _variants(world, 1), channel=channel),
            headers=_key(),
        )
    assert r.status_code == 409, r.text
    assert _kind(r) == "consent-missing" and r.json()["missing"] == "address"
    assert _rows(world, customer_id) == before


def test_an_unknown_variant_is_named_and_nothing_is_written(world: World) -> None:
    customer_id = _client_of(world, email=True)
    variants = _variants(world, 2)
    before = _rows(world, customer_id)
    with world.client() as c:
        r = c.post(
            "/v1/looks", json=_body(customer_id, [variants[0], 2_000_000_000]), headers=_key()
        )
        assert r.status_code == 404, r.text
        assert "2000000000" in r.json()["detail"]
        assert _rows(world, customer_id) == before
        # An unknown client is 404 too.
        r = c.post("/v1/looks", json=_body(2_000_000_000, variants), headers=_key())
        assert r.status_code == 404, r.text
        assert c.get("/v1/looks/2000000000").status_code == 404


def test_a_masked_client_gets_no_look(world: World) -> None:
    private = factories.customer(world.db, consent=False, email="gizli@example.com")
    with world.db.write() as s:  # opted into e-mail, but never let the associate see them
        s.execute(update(Customer).where(col(Customer.id) == private).values(consent_email=True))
    before = _rows(world, private)
    with world.client() as c:
        r = c.post("/v1/looks", json=_body(private, _variants(world, 1)), headers=_key())
        assert r.status_code == 403, r.text
        assert _kind(r) == "consent-required"
        assert c.get(f"/v1/customers/{private}/looks").status_code == 403
    assert _rows(world, private) == before


@pytest.mark.parametrize(
    "change",
    [
        {"variant_ids": "twice"},
        {"variant_ids": "too many"},
        {"variant_ids": []},
        {"line": "   "},
        {"line": "x" * (MAX_LINE + 1)},
        {"line": "Merhaba\x07 Zeynep"},
        {"line": "Merhaba\x1b[31m"},
        {"channel": "fax"},
        {"lang": "de"},
        {"template": "t" * 33},
    ],
)
def test_bad_looks_are_refused_with_nothing_written(world: World, change: dict[str, Any]) -> None:
    customer_id = _client_of(world, email=True)
    variants = _variants(world, MAX_ITEMS + 1)
    if change.get("variant_ids") == "twice":
        change = {"variant_ids": [variants[0], variants[1], variants[0]]}
    elif change.get("variant_ids") == "too many":
        change = {"variant_ids": variants}
    before = _rows(world, customer_id)
    with world.client() as c:
        r = c.post("/v1/looks", json=_body(customer_id, variants[:2]) | change, headers=_key())
    assert r.status_code == 422, r.text
    assert _kind(r) == "validation"
    assert _rows(world, customer_id) == before


def test_eight_items_are_allowed(world: World) -> None:
    customer_id = _client_of(world, email=True)
    variants = _variants(world, MAX_ITEMS)
    with world.client() as c:
        r = c.post("/v1/looks", json=_body(customer_id, variants[::-1]), headers=_key())
    assert r.status_code == 201, r.text
    assert [i["variant_id"] for i in r.json()["items"]] == variants[::-1]


def test_the_same_key_twice_makes_one_look(world: World) -> None:
    customer_id = _client_of(world, sms=True)
    body = _body(customer_id, _variants(world, 2), channel="sms")
    key = _key()
    with world.client() as c:
        first = c.post("/v1/looks", json=body, headers=key)
        second = c.post("/v1/looks", json=body, headers=key)
        other = c.post("/v1/looks", json=body | {"line": "Başka bir satır"}, headers=key)
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert second.json() == first.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert other.status_code == 422 and _kind(other) == "idempotency-key-reused"
    assert _rows(world, customer_id)[:2] == (1, 1)


def test_eight_tablets_racing_with_one_key_make_one_look(world: World) -> None:
    customer_id = _client_of(world, email=True)
    body = _body(customer_id, _variants(world, 2))
    key = _key()
    token = world.token("t-associate")
    clients = [
        httpx.Client(
            base_url=world.url, timeout=HANG_S, headers={"Authorization": f"Bearer {token}"}
        )
        for _ in range(8)
    ]
    try:
        results = race(8, lambda i: clients[i].post("/v1/looks", json=body, headers=key))
    finally:
        for c in clients:
            c.close()
    statuses = {r.status_code for r in results}
    assert statuses <= {201, 409}, [r.text for r in results]
    made = [r.json() for r in results if r.status_code == 201]
    assert made and all(m == made[0] for m in made)
    for r in results:
        if r.status_code == 409:
            assert _kind(r) == "request-in-progress"
    assert _rows(world, customer_id)[:2] == (1, 1)
    # A retry after the race is answered with the one look.
    with world.client() as c:
        again = c.post("/v1/looks", json=body, headers=key)
    assert again.status_code == 201 and again.json() == made[0]


def test_whatsapp_is_handed_to_the_tablet_with_the_links_filled_in(world: World) -> None:
    customer_id = _client_of(world, whatsapp=True)
    variants = _variants(world, 2)
    line = "Merhaba Zeynep, bunlar tam size göre & çok şık!"
    with world.client() as c:
        r = c.post(
            "/v1/looks",
            json=_body(customer_id, variants, channel="whatsapp", line=line),
            headers=_key(),
        )
        assert r.status_code == 201, r.text
        look = r.json()
        assert c.get(f"/v1/looks/{look['id']}").json()["whatsapp_url"] == look["whatsapp_url"]
    assert look["status"] == "handed" and look["sent_at"] is not None
    wa = urlsplit(look["whatsapp_url"])
    assert (wa.scheme, wa.netloc, wa.path) == ("https", "wa.me", "/" + PHONE.removeprefix("+"))
    # One query parameter, fully encoded: the &, the line breaks and the links' own characters
    # do not leak out of it.
    assert list(parse_qs(wa.query)) == ["text"]
    text = unquote(wa.query.removeprefix("text="))
    assert text.startswith(line + "\n")
    assert look["url"] in text and "T Associate, Nişantaşı" in text
    optout = next(word for word in text.split() if "/o/" in word)
    with world.db.session() as s:
        message = s.execute(
            select(OutreachMessage).where(col(OutreachMessage.look_id) == look["id"])
        ).scalar_one()
    assert verify_optout(factories.TEST_RING, optout) == message.id
    assert message.status == "handed" and message.sent_at is not None
    assert verify_look(factories.TEST_RING, look["url"]).look_id == look["id"]


def test_another_store_sees_the_look_on_the_clients_terms(world: World) -> None:
    """Looks are the client's record: any associate who may see the client reads them all."""
    customer_id = _client_of(world, email=True)
    with world.client() as c:
        r = c.post("/v1/looks", json=_body(customer_id, _variants(world, 1)), headers=_key())
        assert r.status_code == 201, r.text
    with world.client("t-ank-associate") as c:
        listed = c.get(f"/v1/customers/{customer_id}/looks")
    assert listed.status_code == 200
    assert [x["id"] for x in listed.json()["looks"]] == [r.json()["id"]]
