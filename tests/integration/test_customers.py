from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import event, select
from sqlmodel import col

from app.contracts.customers import NoteCreate, TryOnCreate, WishlistAdd
from app.domain.consent import TEXT_VERSION
from app.qr.identity import make_identity, new_device_key
from app.server.catalog.directory import LocationDirectory
from app.server.catalog.models import Location, Variant
from app.server.customers import consent, service
from app.server.customers.models import WishlistEntry
from app.server.deps import Principal
from tests import factories
from tests.conftest import World, _world


def test_search_masks_customers_without_consent(world: World) -> None:
    with world.client() as c:
        r = c.get("/v1/customers", params={"phone": "0533 987 65 43"})
        assert r.status_code == 200, r.text
        [hit] = r.json()["items"]
        assert hit["id"] == world.base.private_customer
        assert hit["masked"] is True
        assert hit["first_name"] == "M***"
        assert "987" not in hit["phone"] and hit["phone"].endswith("65 43")
        r = c.get("/v1/customers", params={"email": "AYSE.YILMAZ@example.com"})
        [hit] = r.json()["items"]
        assert hit["masked"] is False and hit["first_name"] == "Ayşe"
        assert c.get("/v1/customers").status_code == 422
        assert c.get("/v1/customers", params={"phone": "abc"}).status_code == 422


def test_profile_needs_consent_or_a_scanned_identity_code(world: World) -> None:
    private = world.base.private_customer
    with world.client("t-associate") as c:
        r = c.get(f"/v1/customers/{private}")
        assert r.status_code == 403
        assert r.json()["type"].endswith("/consent-required")

        # A bare id is never an identity code.
        assert c.post("/v1/customers/identify", json={"token": str(private)}).status_code == 422
        phone, key_id = factories.device_key(world.db, private)
        stranger, _ = new_device_key()  # signs with a key nobody registered under this id
        r = c.post("/v1/customers/identify", json={"token": make_identity(stranger, key_id)})
        assert r.status_code == 422 and r.json()["reason"] == "bad_signature"
        unknown = make_identity(stranger, 424242)
        r = c.post("/v1/customers/identify", json={"token": unknown})
        assert r.json()["reason"] == "unknown_key"
        expired = make_identity(phone, key_id, time.time() - 120)
        assert (
            c.post("/v1/customers/identify", json={"token": expired}).json()["reason"] == "expired"
        )

        code = make_identity(phone, key_id)
        r = c.post("/v1/customers/identify", json={"token": code})
        assert r.status_code == 200, r.text
        # Shown again, at this till or any other: refused.
        again = c.post("/v1/customers/identify", json={"token": code})
        assert again.status_code == 422 and again.json()["reason"] == "replayed"
        assert r.json()["customer"]["first_name"] == "Mehmet"
        view = c.get(f"/v1/customers/{private}")
        assert view.status_code == 200
        assert view.json()["access"] == "visit"
    # The visit grant is for this store only.
    with world.client("t-ank-associate") as c:
        assert c.get(f"/v1/customers/{private}").status_code == 403


def test_single_customer_view_shows_what_the_store_records(world: World) -> None:
    cid = world.base.consenting_customer
    _, skus = factories.product(world.db, name_tr="Yün Kazak", name_en="Wool Jumper")
    with world.client() as c:
        r = c.post(f"/v1/customers/{cid}/wishlist", json={"sku": skus[0]})
        assert r.status_code == 201, r.text
        again = c.post(f"/v1/customers/{cid}/wishlist", json={"sku": skus[0]})
        assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
        r = c.post(
            f"/v1/customers/{cid}/try-ons",
            json={"sku": skus[1], "outcome": "did_not_fit", "note": "dar geldi"},
        )
        assert r.status_code == 201, r.text
        r = c.post(f"/v1/customers/{cid}/notes", json={"body": "Prefers navy, size M"})
        assert r.status_code == 201, r.text

        view = c.get(f"/v1/customers/{cid}").json()
        assert view["access"] == "consent"
        # Orders other tests pay earn more; unpaid ones only add to the pending points.
        assert view["profile"]["points"] >= 1200
        assert view["profile"]["pending_points"] >= 0
        assert view["profile"]["addresses"][0]["city"] == "İstanbul"
        assert skus[0] in [w["item"]["sku"] for w in view["wishlist"]]
        tried = [t for t in view["try_ons"] if t["item"]["sku"] == skus[1]]
        assert (
            tried and tried[0]["outcome"] == "did_not_fit" and tried[0]["location_code"] == "IST01"
        )
        assert any(n["body"] == "Prefers navy, size M" for n in view["notes"])

        assert c.delete(f"/v1/customers/{cid}/wishlist", params={"sku": skus[0]}).status_code == 204
        assert c.delete(f"/v1/customers/{cid}/wishlist", params={"sku": skus[0]}).status_code == 404
        view = c.get(f"/v1/customers/{cid}").json()
        assert skus[0] not in [w["item"]["sku"] for w in view["wishlist"]]

        bad = c.post(f"/v1/customers/{cid}/try-ons", json={"sku": skus[1], "outcome": "meh"})
        assert bad.status_code == 422
        unknown = c.post(f"/v1/customers/{cid}/try-ons", json={"sku": "NOPE", "outcome": "liked"})
        assert unknown.status_code == 404
        extra = c.post(f"/v1/customers/{cid}/notes", json={"body": "x", "admin": True})
        assert extra.status_code == 422


def test_consent_recorded_with_when_and_where(world: World) -> None:
    """With the customer's proof: the code sent to their phone (tests/integration/
    test_consent.py has the rest)."""
    phone = factories.unique("+905551")
    cid = factories.customer(world.db, phone=phone)
    with world.client() as c:
        assert c.get(f"/v1/customers/{cid}").status_code == 403
        r = c.post(f"/v1/customers/{cid}/consent-challenges", json={"channel": "sms"})
        assert r.status_code == 201, r.text
        assert world.api.sms_outbox is not None
        [text] = [
            line["text"]
            for line in map(json.loads, world.api.sms_outbox.read_text().splitlines())
            if line["to"] == phone
        ]
        [code] = re.findall(r"\b[0-9]{6}\b", text)
        proof = {"kind": "code", "challenge_id": r.json()["id"], "code": code}
        r = c.post(
            f"/v1/customers/{cid}/consent",
            json={"clienteling": True, "sms": False, "text_version": TEXT_VERSION, "proof": proof},
        )
        assert r.status_code == 200, r.text
        assert r.json()["clienteling"]["given"] is True
        assert r.json()["clienteling"]["source"] == "IST01"
        assert c.get(f"/v1/customers/{cid}").json()["access"] == "consent"


def test_hostile_identity_tokens_are_422_never_500(world: World) -> None:
    with world.client() as c:
        for raw in [
            b'{"token": "id1.\\ud800.AAAA"}',
            b'{"token": "id1.e30.' + b"A" * 1500 + b'"}',
            b'{"token": "id1..."}',
            b'{"token": "\\u0000"}',
        ]:
            r = c.post(
                "/v1/customers/identify", content=raw, headers={"content-type": "application/json"}
            )
            assert r.status_code == 422, (raw[:40], r.status_code, r.text[:200])


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def own_world(request, fresh_database, tmp_path_factory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """A world of its own: the stores added below would change every other test's store list."""
    yield from _world(request.param, fresh_database, tmp_path_factory)


def test_the_view_names_a_store_opened_after_the_api_read_them_and_one_closed(
    own_world: World,
) -> None:
    """The view's location codes come from the API's kept location directory: a store added
    since its last read must not show without a code, nor a closed one's old records."""
    w = own_world
    cid = factories.customer(w.db, consent=True)
    _, skus = factories.product(w.db)
    with w.client() as c:
        assert c.get(f"/v1/customers/{cid}").status_code == 200  # the directory is read now
        with w.db.write() as s:
            opened = Location(code="BRS01", name="Nilüfer", kind="store", city="Bursa",
                              latitude=40.21, longitude=28.98)  # fmt: skip
            closed = Location(code="ADA01", name="Seyhan", kind="store", city="Adana",
                              latitude=37.0, longitude=35.32, active=False)  # fmt: skip
            s.add_all([opened, closed])
            s.flush()
            variants = {
                sku: variant_id
                for sku, variant_id in s.execute(
                    select(col(Variant.sku), col(Variant.id)).where(col(Variant.sku).in_(skus))
                )
            }
            for sku, where in [(skus[0], opened.id), (skus[1], closed.id)]:
                s.add(WishlistEntry(customer_id=cid, variant_id=variants[sku], channel="store",
                                    location_id=where))  # fmt: skip
        view = c.get(f"/v1/customers/{cid}").json()
        # The reload that found the new store is the directory's for every request after it:
        # stock is listed at the new store, never at the closed one.
        r = c.get(f"/v1/availability/{skus[0]}")
        assert r.status_code == 200, r.text
        listed = {row["code"] for row in r.json()["locations"]}
    assert {x["item"]["sku"]: x["location_code"] for x in view["wishlist"]} == {
        skus[0]: "BRS01",
        skus[1]: "ADA01",
    }
    assert "BRS01" in listed and "ADA01" not in listed


def test_writes_on_a_customer_name_the_store_without_reading_every_location(
    world: World,
) -> None:
    """A saved item, a try-on, a note and the consent history name their store from the API's
    kept location directory: none of them reads the location table (200 rows in a chain) on
    every write. Each still names the associate's store."""
    cid = world.base.consenting_customer
    _, skus = factories.product(world.db)
    store = world.base.stores["IST01"]
    me = Principal(
        associate_id=world.base.associates["t-associate"],
        role="associate",
        store_id=store,
        device_id="test",
        session_id="test",
    )
    directory = LocationDirectory()
    with world.db.read_session() as s:
        directory.all(s)  # read once, as the API does at its first request
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(world.db.engine, "before_cursor_execute", seen)
    try:
        with world.db.write() as s:
            saved = service.add_to_wishlist(
                db_session=s, principal=me, customer_id=cid, body=WishlistAdd(sku=skus[0]),
                directory=directory,
            )  # fmt: skip
            tried = service.record_try_on(
                db_session=s, principal=me, customer_id=cid,
                body=TryOnCreate(sku=skus[1], outcome="liked"), directory=directory,
            )  # fmt: skip
            note = service.add_note(
                db_session=s, principal=me, customer_id=cid, body=NoteCreate(body="Navy, M"),
                directory=directory,
            )  # fmt: skip
        with world.db.read_session() as s:
            consent.consent_events(db_session=s, principal=me, customer_id=cid, directory=directory)
    finally:
        event.remove(world.db.engine, "before_cursor_execute", seen)
    assert saved.item.location_code == "IST01"
    assert tried.location_code == "IST01" and note.location_code == "IST01"
    reads = [q for q in statements if re.search(r"\bFROM location\b", q)]
    assert statements and not reads, reads
