"""QR codes through the API: POST /v1/scan for every kind, identity codes used once across
tills and API processes, the brand app's device keys, and `reyon qr`."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import uuid

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.qr import paylink, shelf
from app.qr.identity import make_identity, new_device_key, verify_identity
from app.qr.keys import KeyRing
from app.server.catalog.models import Variant
from app.server.customers.models import DeviceKey
from tests import factories
from tests.conftest import World
from tests.integration.test_concurrency import race
from tests.server import HANG_S, ROOT, TEST_SECRET, start_api

BRAND_KEY = "brand-app-test-credential"
RING = factories.TEST_RING


def test_scan_says_what_every_kind_of_code_is(world: World) -> None:
    b = world.base
    product_id, skus = factories.product(world.db, stock={b.stores["IST01"]: 2})
    customer = factories.customer(world.db)
    code = factories.coupon(world.db, kind="amount", value=5000, customer_id=customer)
    with world.db.session() as s:
        ean = s.execute(select(Variant.ean13).where(Variant.sku == skus[0])).scalar_one()
    with world.client() as c:

        def scan(payload: str) -> dict:
            r = c.post("/v1/scan", json={"payload": payload})
            assert r.status_code == 200, r.text
            return r.json()

        got = scan(factories.identity_code(world.db, customer))
        assert (got["kind"], got["valid"]) == ("identity", True)
        assert got["customer"]["id"] == customer and got["customer"]["masked"] is False
        # The scan was the customer's consent for this visit: the profile opens.
        assert c.get(f"/v1/customers/{customer}").json()["access"] == "visit"

        got = scan(factories.coupon_payload(world.db, code))
        assert (got["kind"], got["valid"]) == ("coupon", True)
        assert got["coupon"]["code"] == code and got["coupon"]["value"] == 5000
        assert got["coupon"]["customer_id"] == customer

        label = shelf.shelf_url(RING, "https://m.example.com", shelf.ShelfRef(product_id, "IST01"))
        got = scan(label)
        assert got["kind"] == "shelf" and got["valid"] is True
        assert got["product"] == {"product_id": product_id, "sku": None, "store_code": "IST01"}

        got = scan(paylink.pay_url(RING, "https://m.example.com", 77))
        assert (got["kind"], got["valid"], got["order_id"]) == ("pay_link", True, 77)

        got = scan(ean)
        assert (got["kind"], got["valid"]) == ("ean13", True)
        assert got["product"]["sku"] == skus[0]
        got = scan(skus[0].lower())  # a Code 128 hang tag, typed by a hardware scanner
        assert (got["kind"], got["product"]["sku"]) == ("sku", skus[0])

        got = scan("hello there")
        assert (got["kind"], got["valid"], got["reason"]) == ("unknown", False, "malformed")
        forged = KeyRing({"A": b"somebody-else-entirely-0123456"}, "A")
        got = scan(shelf.shelf_url(forged, "https://m.example.com", shelf.ShelfRef(1, "IST01")))
        assert (got["kind"], got["valid"], got["reason"]) == ("shelf", False, "bad_signature")
        got = scan(factories.coupon_payload(world.db, code, forged))
        assert (got["kind"], got["valid"], got["reason"]) == ("coupon", False, "bad_signature")
        assert c.post("/v1/scan", json={"payload": ""}).status_code == 422
        assert c.post("/v1/scan", json={"payload": "x" * 5000}).status_code == 422


def test_an_identity_code_is_used_once_at_any_till(world: World) -> None:
    customer = factories.customer(world.db)
    code = factories.identity_code(world.db, customer)
    with world.client("t-associate") as c:
        assert c.post("/v1/scan", json={"payload": code}).json()["valid"] is True
    with world.client("t-ank-associate") as c:  # another store, another tablet
        again = c.post("/v1/scan", json={"payload": code}).json()
        assert (again["valid"], again["reason"]) == (False, "replayed")
        r = c.post("/v1/customers/identify", json={"token": code})
        assert r.status_code == 422 and r.json()["reason"] == "replayed"


def test_replayed_identity_code_refused_across_two_api_processes(pg_world: World) -> None:
    """The same code shown at two tills at once, each on its own API process: one wins."""
    second = start_api(pg_world.database_url, log_dir=pg_world.log_dir)
    try:
        token = pg_world.token("t-associate")
        urls = [pg_world.url, second.url]
        for _ in range(3):
            code = factories.identity_code(pg_world.db, factories.customer(pg_world.db))

            def identify(i: int, code: str = code) -> httpx.Response:
                return httpx.post(
                    f"{urls[i % 2]}/v1/customers/identify",
                    json={"token": code},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=HANG_S,
                )

            responses = race(10, identify)
            statuses = sorted(r.status_code for r in responses)
            assert statuses == [200] + [422] * 9, [r.text for r in responses]
            assert {r.json()["reason"] for r in responses if r.status_code == 422} == {"replayed"}
    finally:
        second.stop()


def test_brand_app_registers_a_device_key_and_gets_coupon_codes(world: World) -> None:
    customer = factories.customer(world.db)
    code = factories.coupon(world.db, customer_id=customer)
    api = start_api(
        world.database_url, log_dir=world.log_dir, extra_env={"REYON_BRAND_APP_KEY": BRAND_KEY}
    )
    try:
        phone, public = new_device_key()
        body = {"customer_id": customer, "public_key": base64.b64encode(public).decode()}
        with httpx.Client(base_url=api.url, timeout=HANG_S) as brand:
            assert brand.post("/v1/brand/device-keys", json=body).status_code == 401
            wrong = {"Authorization": "Bearer not-the-key"}
            assert brand.post("/v1/brand/device-keys", json=body, headers=wrong).status_code == 401
            brand.headers["Authorization"] = f"Bearer {BRAND_KEY}"
            r = brand.post("/v1/brand/device-keys", json=body)
            assert r.status_code == 201, r.text
            key_id = r.json()["key_id"]
            assert isinstance(key_id, str) and int(key_id) > 0
            for bad in ("not base64!", base64.b64encode(b"short").decode()):
                r = brand.post("/v1/brand/device-keys", json={**body, "public_key": bad})
                assert r.status_code == 422 and r.json()["type"].endswith("/bad-public-key")
            r = brand.post("/v1/brand/device-keys", json={**body, "customer_id": 999_999})
            assert r.status_code == 404
            codes = brand.get(f"/v1/brand/customers/{customer}/coupon-codes").json()
            mine = next(c for c in codes if c["code"] == code)
            assert mine["payload"].startswith("RY1CA")
        # What the phone shows now, signed with its own key, identifies the customer.
        with world.client() as c:
            r = c.post("/v1/scan", json={"payload": make_identity(phone, int(key_id))})
            assert r.json()["customer"]["id"] == customer
            # The customer view carries the phone's public key: a tablet that caches this
            # customer checks their identity codes offline with it.
            keys = c.get(f"/v1/customers/{customer}").json()["identity_keys"]
            assert keys == [{"key_id": key_id, "public_key": body["public_key"]}]
            offline = verify_identity(
                make_identity(phone, int(key_id)),
                lambda kid: base64.b64decode(keys[0]["public_key"]) if str(kid) == key_id else None,
            )
            assert offline.device_key_id == int(key_id)
            r = c.post("/v1/scan", json={"payload": mine["payload"]})
            assert r.json()["coupon"]["code"] == code
            # The tablet shows the customer the same coupons the brand app shows them.
            assert codes  # their own coupon at least: the visit (the scan) opens the view
            held = [h["code"] for h in c.get(f"/v1/customers/{customer}").json()["coupons"]]
            assert held == [w["code"] for w in codes]
            keys = c.get("/v1/qr/keys").json()
            assert keys["active_key"] == "A" and keys["identity_step_seconds"] == 30
            assert base64.b64decode(keys["coupon_keys"]["A"]) == RING.coupon_public_keys["A"]
    finally:
        api.stop()


def test_reyon_qr_prints_codes_the_api_accepts(world: World) -> None:
    customer = factories.customer(world.db)
    code = factories.coupon(world.db)
    env = {**os.environ, "REYON_DATABASE_URL": world.database_url, "REYON_SECRET_KEY": TEST_SECRET}

    def reyon(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", "qr", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=HANG_S,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    identity_code = reyon("identity", "--customer", str(customer))
    coupon_code = reyon("coupon", "--code", code.lower())
    with world.client() as c:
        assert c.post("/v1/scan", json={"payload": identity_code}).json()["valid"] is True
        assert c.post("/v1/scan", json={"payload": coupon_code}).json()["coupon"]["code"] == code
    # The CLI's stand-in phone for this customer is registered once and then reused.
    reyon("identity", "--customer", str(customer))
    with world.db.session() as s:
        keys = s.execute(select(DeviceKey).where(col(DeviceKey.customer_id) == customer)).all()
        assert len(keys) == 1
    missing = subprocess.run(
        [sys.executable, "-m", "app.cli", "qr", "coupon", "--code", f"NO-{uuid.uuid4().hex}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_S,
    )
    assert missing.returncode == 1 and "no coupon" in missing.stderr


def test_demo_wallet_shows_live_codes_only_in_demo_mode(world: World) -> None:
    customer = factories.customer(world.db)
    code = factories.coupon(world.db, customer_id=customer)
    with httpx.Client(base_url=world.url, timeout=HANG_S) as plain:
        assert plain.get(f"/demo/wallet/{customer}").status_code == 404  # demo mode is off
    api = start_api(world.database_url, log_dir=world.log_dir, extra_env={"REYON_DEMO_MODE": "1"})
    try:
        with httpx.Client(base_url=api.url, timeout=HANG_S) as phone:
            page = phone.get(f"/demo/wallet/{customer}")
            assert page.status_code == 200 and "Zeynep Demir" in page.text
            assert page.headers["cache-control"] == "no-store"
            svg = phone.get(f"/demo/wallet/{customer}/identity")
            assert svg.headers["content-type"].startswith("image/svg+xml")
            assert svg.text.startswith("<svg") and "viewBox" in svg.text
            shown = phone.get(f"/demo/wallet/{customer}/identity", params={"format": "text"}).text
            coupon_payload = factories.coupon_payload(world.db, code)
            assert coupon_payload in page.text  # Ed25519 is deterministic: the same code
            assert phone.get("/demo/wallet/999999").status_code == 404
        with world.client() as c:
            got = c.post("/v1/scan", json={"payload": shown}).json()
            assert got["valid"] is True and got["customer"]["id"] == customer
    finally:
        api.stop()
