from __future__ import annotations

from app.contracts.inventory import Availability
from app.domain.ean import is_valid
from tests import factories
from tests.conftest import World


def test_turkish_aware_search_finds_gomlek(world: World) -> None:
    pid, _ = factories.product(world.db, name_tr="Keten Gömlek Şık", name_en="Linen Shirt")
    with world.client() as c:
        for q in ["gomlek", "GÖMLEK", "keten gom", "sik"]:
            r = c.get("/v1/products", params={"q": q, "limit": 100})
            assert r.status_code == 200, r.text
            assert pid in [p["id"] for p in r.json()["items"]], q
        assert c.get("/v1/products", params={"q": "gomlekz"}).json()["items"] == []
        # LIKE wildcards typed by a user are literal, not "match everything".
        assert c.get("/v1/products", params={"q": "%"}).json()["items"] == []


def test_cursor_pages_cover_every_product_once(world: World) -> None:
    category = factories.unique("cat")
    ids = {factories.product(world.db, category=category)[0] for _ in range(5)}
    seen: list[int] = []
    cursor = None
    with world.client() as c:
        while True:
            params = {"category": category, "limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = c.get("/v1/products", params=params).json()
            seen += [p["id"] for p in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted(ids)
        bad = c.get("/v1/products", params={"cursor": "!!not-a-cursor"})
        assert bad.status_code == 400
        assert bad.json()["type"].endswith("/bad-cursor")


def test_product_variant_and_barcode_lookup(world: World) -> None:
    pid, skus = factories.product(world.db, sizes=("L", "S", "M"), price_kurus=129990)
    with world.client() as c:
        product = c.get(f"/v1/products/{pid}").json()
        assert product["sizes"] == ["S", "M", "L"]
        assert product["price_min_kurus"] == 129990
        variant = c.get(f"/v1/variants/{skus[0]}").json()
        assert variant["product"]["id"] == pid
        assert is_valid(variant["ean13"])
        found = c.get("/v1/variants", params={"barcode": variant["ean13"]}).json()["items"]
        assert [v["sku"] for v in found] == [skus[0]]
        assert c.get("/v1/variants/NOPE-1").status_code == 404
        assert c.get("/v1/products/999999").status_code == 404
        assert c.get("/v1/variants/bad sku!").status_code == 422


def test_availability_lists_every_location_asking_store_first_then_by_distance(
    world: World,
) -> None:
    b = world.base
    stock = {b.stores["IST01"]: 0, b.stores["IST02"]: 2, b.stores["ANK01"]: 4, b.warehouse: 9}
    _, skus = factories.product(world.db, stock=stock)
    with world.client() as c:
        r = c.get(f"/v1/availability/{skus[0]}")
        assert r.status_code == 200, r.text
        body = r.json()
        # Serialised by hand on the hot path: it must still be exactly the wire contract.
        assert Availability.model_validate_json(r.content).model_dump(mode="json") == body
        codes = [loc["code"] for loc in body["locations"]]
        assert codes[0] == "IST01"
        # İzmir (~330 km) is nearer to Nişantaşı than Ankara (~350 km).
        assert codes == ["IST01", "IST02", "WEB", "IZM01", "ANK01"]
        by_code = {loc["code"]: loc for loc in body["locations"]}
        assert by_code["IZM01"]["on_hand"] == 0
        assert by_code["ANK01"]["available"] == 4
        assert body["total_available"] == 15
        distances = [loc["distance_km"] for loc in body["locations"]]
        assert distances == sorted(distances)
        near_ank = c.get(f"/v1/availability/{skus[0]}", params={"near": b.stores["ANK01"]}).json()
        assert near_ank["locations"][0]["code"] == "ANK01"
        assert c.get(f"/v1/availability/{skus[0]}", params={"near": 99999}).status_code == 404
        assert c.get("/v1/availability/NO-SUCH-SKU").status_code == 404
