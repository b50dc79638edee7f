from __future__ import annotations

import httpx

from tests.conftest import World
from tests.factories import login_body
from tests.server import HANG_S


def login(world: World, code: str, pin: str, store: str = "IST01") -> httpx.Response:
    """On IST01's shared test tablet, naming `store` (another store's code is refused)."""
    return httpx.post(
        f"{world.url}/v1/auth/login",
        json=login_body(world.tablet("IST01"), code, pin=pin, store=store),
        timeout=HANG_S,
    )


def test_health_needs_no_token(world: World) -> None:
    r = httpx.get(f"{world.url}/v1/health")
    assert r.status_code == 200
    assert r.json()["database"] == ("sqlite" if world.kind == "sqlite" else "postgresql")


def test_login_returns_token_role_and_store(world: World) -> None:
    r = login(world, "t-manager", "1234")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["associate"]["role"] == "manager"
    assert body["associate"]["store"]["code"] == "IST01"
    me = httpx.get(
        f"{world.url}/v1/locations", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200


def test_every_v1_path_but_health_and_login_needs_a_token(world: World) -> None:
    spec = httpx.get(f"{world.url}/openapi.json").json()
    for path, ops in spec["paths"].items():
        # Product pictures are public: the storefront shows them, and they hold no one's data.
        public = {"/v1/health", "/v1/auth/login", "/v1/devices/enrol"}
        if path in public or path.startswith("/v1/media/"):
            continue
        concrete = path.replace("{customer_id}", "1").replace("{order_id}", "1")
        concrete = concrete.replace("{product_id}", "1").replace("{sku}", "X")
        concrete = concrete.replace("{redemption_id}", "1")
        for method in ops:
            r = httpx.request(method.upper(), f"{world.url}{concrete}")
            assert r.status_code == 401, (method, path, r.status_code)
            assert r.headers["content-type"].startswith("application/problem+json")
    forged = httpx.get(
        f"{world.url}/v1/locations", headers={"Authorization": "Bearer at1.e30.AAAA"}
    )
    assert forged.status_code == 401


def test_wrong_store_or_code_is_401_without_saying_which(world: World) -> None:
    # ANK01 on an IST01 tablet: the tablet is not enrolled there.
    assert login(world, "t-associate", "1234", store="ANK01").status_code == 401
    r = login(world, "nobody", "1234")
    assert r.status_code == 401
    assert r.json()["type"].endswith("/invalid-credentials")


def test_five_wrong_pins_lock_the_associate_on_that_tablet(world: World) -> None:
    for attempt in range(4):
        r = login(world, "t-lockme", "9999")
        assert r.status_code == 401, attempt
    r = login(world, "t-lockme", "9999")
    assert r.status_code == 423
    assert r.json()["type"].endswith("/associate-locked")
    # Even the right PIN is refused while locked.
    assert login(world, "t-lockme", "1234").status_code == 423


def test_malformed_login_bodies_are_4xx(world: World) -> None:
    url = f"{world.url}/v1/auth/login"
    assert (
        httpx.post(
            url, content=b"{not json", headers={"content-type": "application/json"}
        ).status_code
        == 400
    )
    r = httpx.post(
        url,
        json={
            "store_code": "IST01",
            "associate_code": "x",
            "pin": "12ab",
            "device_id": "d",
            "device_secret": "s",
        },
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"][-1] == "pin"
    big = httpx.post(url, content=b"x" * 400_000, headers={"content-type": "application/json"})
    assert big.status_code == 413


def test_docs_and_openapi_are_served_without_any_cdn(world: World) -> None:
    spec = httpx.get(f"{world.url}/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    page = httpx.get(f"{world.url}/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text and "/docs-static/swagger-ui-bundle.js" in page.text
    assert httpx.get(f"{world.url}/docs-static/swagger-ui-bundle.js").status_code == 200


def test_streamed_oversized_body_without_length_is_413(world: World) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(64):
            yield b"x" * 8192  # 512 KiB in all, no Content-Length header

    r = httpx.post(
        f"{world.url}/v1/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")
