"""Recommendations on the product and customer scenes, over the in-memory gateway (which keeps
the API's rules, app/tablet/gateway/memory/recommendations.py): complete-the-look on opening a
product; similar products in the size asked for only when that size is not on this store's
shelf; "for this customer" from what they saved; quietly nothing offline, and asked again once
the network is back; each read once per product and missing size."""

from __future__ import annotations

import pytest

from app.contracts.catalog import ProductDetail
from app.tablet.gateway.memory import MemoryGateway
from app.tablet.i18n import t
from app.tablet.state.tablet import Tablet
from app.tablet.views.recommendations import reason_words
from tests.unit.conftest import demo_tablet


@pytest.fixture
def tablet(gw: MemoryGateway) -> Tablet:
    tab = demo_tablet(gw, "en")
    tab.login.store_code, tab.login.associate_code = "IST01", "ayse"
    for digit in "1234":
        tab.login.press_digit(digit)
    tab.login.log_in()
    assert tab.session.who is not None
    return tab


def _second_shirt(gw: MemoryGateway, here: int) -> None:
    """Another shirt, made in L, `here` of them on IST01's shelf."""
    shirt = gw.products[1]
    variant = shirt.variants[1].model_copy(update={"sku": "RY-4004-LAC-L", "variant_id": 41})
    gw.products[4] = ProductDetail.model_validate(
        {
            **shirt.model_dump(),
            "id": 4,
            "style_code": "RY-4004",
            "name_en": "Oxford Shirt",
            "variants": [variant.model_dump(mode="json")],
        }
    )
    gw.stock["RY-4004-LAC-L", 1] = [here, 0]


def _asked(gw: MemoryGateway) -> list[tuple[int, str | None]]:
    """Record each recommendations read the scene makes."""
    calls: list[tuple[int, str | None]] = []
    real = gw.product_recommendations

    def counting(product_id: int, size: str | None = None):  # type: ignore[no-untyped-def]
        calls.append((product_id, size))
        return real(product_id, size)

    gw.product_recommendations = counting  # type: ignore[method-assign]
    return calls


def test_opening_a_product_shows_what_completes_the_look(tablet: Tablet, gw: MemoryGateway) -> None:
    p = tablet.product
    p.open(1)  # the shirt opens on its M, which this store has
    assert tablet.screen == "product" and p.variant is not None and p.variant.size == "M"
    assert [(r.product.id, r.reason.kind, r.reason.orders) for r in p.look] == [
        (2, "bought_together", 5),
        (3, "bought_together", 3),
    ]
    # Five scarves on hand, two of them set aside for the transfer to IST02.
    assert p.look[0].reason.here == 1 and p.look[1].reason.here == 3
    assert p.similar == [] and p.similar_size is None  # the size asked for is here
    why, stock = reason_words("en", p.look[0].reason)
    assert (why, stock) == ("Bought together in 5 orders", "1 here")
    assert reason_words("tr", p.look[0].reason) == ("5 siparişte birlikte alındı", "Burada 1 adet")


def test_a_size_missing_here_brings_similar_ones_on_this_shelf(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    _second_shirt(gw, here=2)
    calls = _asked(gw)
    p = tablet.product
    p.open(1)
    p.select("RY-1001-BEY-L")  # no L here
    assert p.similar_size == "L"
    assert [(r.product.id, r.reason.size, r.reason.here) for r in p.similar] == [(4, "L", 2)]
    assert [r.product.id for r in p.look] == [2, 3]  # the look stays
    assert reason_words("en", p.similar[0].reason) == (
        "Same kind, size L on the shelf",
        "Size L: 2 here",
    )
    assert t("tr", "reco_similar_title", size="L") == "Benzerleri, bu mağazada L beden"
    p.select("RY-1001-BEY-L")  # the same again: nothing new to ask
    p.select("RY-1001-BEY-M")  # back to a size that is here: no similar ones
    assert p.similar == [] and p.similar_size is None
    assert calls == [(1, None), (1, "L"), (1, None)]
    # A tap on a recommendation opens that product, with its own.
    p.open(p.look[0].product.id)
    assert p.product is not None and p.product.id == 2
    assert [r.product.id for r in p.look] == [1, 3]


def test_offline_the_scene_goes_without_and_asks_again_when_back(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    p = tablet.product
    p.open(1)
    gw.online = False
    p.open(2)  # read from what this tablet keeps; recommendations are not kept
    assert p.product is not None and p.product.id == 2
    assert p.look == [] and p.error is None and tablet.session.notice is None
    gw.online = True
    p.select("RY-2002-MAV-M")
    assert [r.product.id for r in p.look] == [1, 3]


def test_for_this_customer_from_what_they_saved(tablet: Tablet, gw: MemoryGateway) -> None:
    c = tablet.customer
    c.open(1)  # Elif has saved nothing yet: nothing to go on
    assert tablet.screen == "customer" and c.suggestions == []
    tablet.product.open(1)
    tablet.product.save_for_customer()  # the shirt, in M, on her wish list
    c.open(1)
    got = [(r.product.id, r.reason.kind, r.reason.size) for r in c.suggestions]
    # The jacket is made in M (her size, from the shirt); the scarf in one size only.
    assert got == [(2, "with_wishlist", "M"), (3, "with_wishlist", None)]
    why, stock = reason_words("en", c.suggestions[0].reason)
    assert why == "Goes with the Linen Shirt on their wish list" and stock == "Size M: 1 here"
    assert reason_words("tr", c.suggestions[0].reason)[0] == (
        "Favorisindeki Keten Gömlek ile alınıyor"
    )
    gw.online = False
    c.open(1)  # from this tablet's cache: no suggestions, no error
    assert c.suggestions == [] and tablet.screen == "customer"


def test_another_product_never_shows_the_last_ones_recommendations(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    p = tablet.product
    p.open(1)
    assert p.look
    real = gw.availability  # the jacket's availability cannot be read now

    def refused(sku: str, near: int | None = None):  # type: ignore[no-untyped-def]
        from app.tablet.problem import ApiProblem

        raise ApiProblem(500, "server-error", "Internal error")

    gw.availability = refused  # type: ignore[method-assign]
    p.open(2)
    assert p.look == [] and p.similar == [] and p.similar_size is None
    gw.availability = real  # type: ignore[method-assign]
