"""Product pictures over real HTTP: drawn per category and colour at the promised sizes, cached
by ETag, public, refusing what is not a product or a colour of it; named in the catalogue's
answers and shown on the storefront's product page."""

from __future__ import annotations

import io
import re
from html import unescape

import httpx
from PIL import Image

from app.contracts.media import IMAGE_SIZES, colour_slug, product_image_url
from app.qr import shelf
from app.server.catalog.models import Variant
from tests import factories
from tests.conftest import World
from tests.server import HANG_S

_seq = iter(range(10_000_000, 99_999_999))  # EAN bodies apart from the factories'


def _add_colour(world: World, product_id: int, colour: str, colour_en: str) -> None:
    with world.db.write() as s:
        style = factories.unique("C-")
        s.add(
            Variant(
                product_id=product_id,
                sku=f"{style}-M",
                ean13=factories.make_ean(f"868{next(_seq):09d}"),
                size="M",
                colour=colour,
                colour_en=colour_en,
                price_kurus=49990,
            )
        )


def _picture(c: httpx.Client, url: str, **headers: str) -> httpx.Response:
    r = c.get(url, headers=headers)
    assert r.status_code in (200, 304), r.text
    return r


def _image(r: httpx.Response) -> Image.Image:
    assert r.headers["content-type"] == "image/webp"
    image = Image.open(io.BytesIO(r.content))
    image.load()
    return image


def test_pictures_are_drawn_per_category_and_colour_at_the_promised_sizes(world: World) -> None:
    shirt, _ = factories.product(world.db, name_en="Cotton Shirt", category="shirts")
    jeans, _ = factories.product(
        world.db, name_tr="Jean", name_en="Slim Fit Jeans", category="trousers"
    )
    _add_colour(world, shirt, "Kırmızı", "Red")
    # Public: no log-in, as the storefront and the brand app fetch them.
    with httpx.Client(base_url=world.url, timeout=HANG_S) as c:
        full = _picture(c, product_image_url(shirt))
        image = _image(full)
        assert image.size == IMAGE_SIZES["full"] == (480, 600)
        thumb = _picture(c, product_image_url(shirt, size="thumb"))
        assert _image(thumb).size == IMAGE_SIZES["thumb"] == (160, 200)
        assert len(full.content) < 60_000 and len(thumb.content) < 15_000
        # Not a grey box: the garment's colour fills the middle, the ground is light.
        navy, ground = image.convert("RGB").getpixel((300, 420)), image.getpixel((6, 6))
        assert sum(navy) < 250 and sum(ground) > 600, (navy, ground)
        red = _image(_picture(c, product_image_url(shirt, "Kırmızı"))).convert("RGB")
        r, g, b = red.getpixel((300, 420))
        assert r > 150 and g < 100 and b < 100, (r, g, b)
        # The first colour is the default; naming it gives the same picture.
        same = _picture(c, product_image_url(shirt, "Lacivert"))
        assert same.content == full.content and same.headers["etag"] == full.headers["etag"]
        other = _picture(c, product_image_url(jeans))
        assert other.content != full.content
        assert other.headers["etag"] != full.headers["etag"]


def test_pictures_are_cached_by_etag(world: World) -> None:
    product_id, _ = factories.product(world.db, name_en="Wrap Dress", category="dresses")
    url = product_image_url(product_id, size="thumb")
    with httpx.Client(base_url=world.url, timeout=HANG_S) as c:
        first = _picture(c, url)
        assert first.status_code == 200
        tag = first.headers["etag"]
        assert re.fullmatch(r'"[0-9a-f]{24}"', tag)
        cache = first.headers["cache-control"]
        assert "public" in cache and "max-age=" in cache
        again = _picture(c, url, **{"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == tag
        weak = _picture(c, url, **{"If-None-Match": f'"other", W/{tag}'})
        assert weak.status_code == 304
        stale = _picture(c, url, **{"If-None-Match": '"not-this-one"'})
        assert stale.status_code == 200 and stale.content == first.content


def test_unknown_products_and_hostile_parameters_are_refused(world: World) -> None:
    product_id, _ = factories.product(world.db)
    with httpx.Client(base_url=world.url, timeout=HANG_S) as c:
        for url in (
            "/v1/media/products/999999.webp",
            product_image_url(product_id, "Zümrüt Yeşili"),  # not a colour of this product
        ):
            r = c.get(url)
            assert r.status_code == 404, (url, r.text)
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["type"].endswith("/not-found")
        base = f"/v1/media/products/{product_id}.webp"
        for params in (
            {"size": "huge"},
            {"colour": "../../etc/passwd"},
            {"colour": "a" * 41},
            {"colour": "<script>"},
            {"colour": ""},
            {"v": "0"},
            {"v": "x"},
        ):
            r = c.get(base, params=params)
            assert r.status_code == 422, (params, r.text)
            assert r.headers["content-type"] == "application/problem+json"
        for path in ("/v1/media/products/0.webp", "/v1/media/products/abc.webp"):
            assert c.get(path).status_code == 422, path
        assert c.get(f"/v1/media/products/{product_id}.png").status_code == 404


def test_catalogue_answers_name_the_pictures(world: World) -> None:
    product_id, skus = factories.product(world.db, name_en="Picture Probe Shirt")
    with world.client() as c:
        found = c.get("/v1/products", params={"q": "picture probe"}).json()["items"]
        assert [p["id"] for p in found] == [product_id]
        assert found[0]["image_url"] == product_image_url(product_id)
        assert found[0]["thumb_url"] == product_image_url(product_id, size="thumb")
        detail = c.get(f"/v1/products/{product_id}").json()
        assert detail["image_url"] == product_image_url(product_id)
        variant = detail["variants"][0]
        assert variant["image_url"] == product_image_url(product_id, "Lacivert")
        assert "colour=" + colour_slug("Lacivert") in variant["thumb_url"]
        by_sku = c.get(f"/v1/variants/{skus[0]}").json()
        assert by_sku["product"]["thumb_url"] == product_image_url(product_id, size="thumb")
        # Every URL the answers give is one the API serves.
        for url in (detail["image_url"], variant["thumb_url"], found[0]["thumb_url"]):
            assert c.get(url).status_code == 200, url


def test_the_storefront_page_shows_the_picture(world: World) -> None:
    b = world.base
    product_id, _ = factories.product(
        world.db, name_tr="Keten Elbise", name_en="Linen Dress", category="dresses",
        stock={b.stores["IST01"]: 3},
    )  # fmt: skip
    path = shelf.shelf_path(factories.TEST_RING, shelf.ShelfRef(product_id, "IST01"))
    with httpx.Client(base_url=world.url, timeout=HANG_S) as phone:
        for lang, words in (("tr", "Keten Elbise, Lacivert: ürün görseli"),
                            ("en", "Linen Dress in Lacivert: product picture")):  # fmt: skip
            r = phone.get(path, params={"lang": lang})
            assert r.status_code == 200, r.text
            assert "img-src 'self'" in r.headers["content-security-policy"]
            hero = re.search(r'<img class="hero" src="([^"]+)" width="480" height="600" '
                             r'alt="([^"]+)">', r.text)  # fmt: skip
            assert hero, r.text[:2000]
            assert unescape(hero.group(1)) == product_image_url(product_id, "Lacivert")
            assert unescape(hero.group(2)) == words
            picture = phone.get(unescape(hero.group(1)))
            assert picture.status_code == 200 and _image(picture).size == (480, 600)
