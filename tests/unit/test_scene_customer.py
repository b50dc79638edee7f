"""The customer scene and the order scene, driven through their actions over the in-memory
gateway: items lead to their product on that variant, orders to the order scene and back,
notes confirm with a snack bar, the order scene works offline and with double taps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.contracts.customers import CartLineOut, CartOut, ItemRef, TryOnOut, WishlistItem
from app.contracts.orders import OrderLineOut, OrderOut, OrderSummary, StatusEventOut
from app.contracts.promotions import CouponOut
from app.tablet.gateway.memory import MemoryGateway
from app.tablet.i18n import STRINGS, chars_left, sizes_text, t
from app.tablet.i18n import words_customer as words
from app.tablet.state.customer import NOTE_MAX
from app.tablet.state.tablet import Tablet
from tests.unit.conftest import demo_tablet

PLACED = datetime(2026, 6, 10, 9, 30, tzinfo=UTC)


@pytest.fixture
def gw() -> MemoryGateway:
    g = MemoryGateway.demo()
    fill_elif(g)
    return g


@pytest.fixture
def tablet(gw: MemoryGateway) -> Tablet:
    return demo_tablet(gw, "tr")


def item(sku: str = "RY-1001-BEY-L", product_id: int = 1) -> ItemRef:
    return ItemRef(
        sku=sku,
        product_id=product_id,
        name_tr="Keten Gömlek",
        name_en="Linen Shirt",
        brand="Reyon",
        size=sku.rsplit("-", 1)[1],
        colour="Beyaz",
        price_kurus=89990,
    )


def order_out(order_id: int = 7) -> OrderOut:
    line = OrderLineOut(
        id=71,
        sku="RY-2002-MAV-M",
        product_id=2,
        name_tr="Kot Ceket",
        name_en="Denim Jacket",
        size="M",
        colour="Mavi",
        colour_en="Blue",
        quantity=1,
        unit_price_kurus=149990,
        kdv_rate=10,
        discount_kurus=15000,
        line_total_kurus=134990,
        source_location_id=2,
        source_location_code="IST02",
        source_location_name="Reyon Beşiktaş",
        held_until=PLACED + timedelta(days=3),
    )
    history = [
        StatusEventOut(status="placed", at=PLACED, note=""),
        StatusEventOut(status="paid", at=PLACED + timedelta(minutes=5), note="kart"),
    ]
    return OrderOut(
        id=order_id,
        number="WEB-2026-000007",
        customer_id=1,
        channel="web",
        status="paid",
        fulfilment_type="ship_to_home",
        ship_to={"recipient": "E*** Y***", "line1": "M*** Cad.", "city": "İstanbul"},
        pickup_location_id=None,
        store_location_id=None,
        associate_id=None,
        coupon_code="DOGUMGUNU",
        subtotal_kurus=149990,
        discount_kurus=15000,
        total_kurus=134990,
        kdv_kurus=12272,
        currency="TRY",
        placed_at=PLACED,
        lines=[line],
        history=history,
        expected_on=date(2026, 6, 13),
    )


def fill_elif(g: MemoryGateway) -> None:
    """Elif as one person across channels: saved on the web, tried on here, a cart in the
    app, an online order, a personal coupon."""
    view = g.customers[1]
    view.profile.preferred_sizes = {"shoe": "38", "top": "M", "bottom": "32"}
    view.wishlist = [
        WishlistItem(id=5, item=item(), channel="web", location_code=None, created_at=PLACED)
    ]
    view.try_ons = [
        TryOnOut(
            id=6,
            item=item("RY-3003-GRI-STD", 3),
            outcome="did_not_fit",
            note="",
            location_code="IST01",
            associate_name="Ayşe Kaya",
            tried_at=PLACED,
        )
    ]
    view.cart = CartOut(
        id=1,
        channel="app",
        updated_at=PLACED,
        lines=[CartLineOut(item=item("RY-1001-BEY-M"), quantity=2)],
        total_kurus=179980,
    )
    order = order_out()
    g.orders[order.id] = order
    view.orders = [
        OrderSummary(
            id=order.id,
            number=order.number,
            channel=order.channel,
            status=order.status,
            fulfilment_type=order.fulfilment_type,
            store_location_code=None,
            total_kurus=order.total_kurus,
            item_count=1,
            placed_at=PLACED,
        )
    ]
    view.coupons = [
        CouponOut(
            code="DOGUMGUNU",
            campaign="Doğum günü",
            kind="percent",
            value=1500,
            min_basket_kurus=0,
            valid_from=PLACED,
            valid_until=PLACED + timedelta(days=30),
            channels=["store"],
            max_redemptions=1,
            per_customer_limit=None,
            redeemed_count=0,
            customer_id=1,
        )
    ]


def log_in_and_open_elif(t: Tablet) -> None:
    t.login.store_code, t.login.associate_code = "IST01", "ayse"
    for digit in "1234":
        t.login.press_digit(digit)
    t.login.log_in()
    t.customer.open(1)
    assert t.screen == "customer"


def notice(t: Tablet) -> str | None:
    return t.session.notice.key if t.session.notice else None


# -- the customer scene ------------------------------------------------------------------------


def test_a_saved_item_opens_its_product_on_that_variant(tablet: Tablet) -> None:
    log_in_and_open_elif(tablet)
    view = tablet.customer.view
    assert view is not None
    saved = view.wishlist[0].item
    assert saved.thumb_url.startswith("/v1/media/products/1.webp?colour=beyaz")
    tablet.product.open(saved.product_id, saved.sku)  # what a tap on the tile does
    assert tablet.screen == "product" and tablet.product.sku == "RY-1001-BEY-L"
    tried = view.try_ons[0].item
    tablet.product.open(tried.product_id, tried.sku)
    assert tablet.product.sku == "RY-3003-GRI-STD"
    tablet.customer.show()
    assert tablet.screen == "customer"


def test_a_note_is_confirmed_by_a_snack_bar_and_the_draft_survives_a_redraw(
    tablet: Tablet,
) -> None:
    log_in_and_open_elif(tablet)
    c = tablet.customer
    c.keep_draft("Keten sever 🧵")
    assert c.note_draft == "Keten sever 🧵"
    assert c.note_room(c.note_draft) == NOTE_MAX - len("Keten sever 🧵")
    c.add_note(c.note_draft)
    toast = tablet.session.take_toast()
    assert toast is not None and toast.key == "note_added" and notice(tablet) is None
    assert c.note_draft == "" and c.view is not None and c.view.notes[0].body == "Keten sever 🧵"


def test_a_very_long_note_is_cut_to_what_the_api_takes(tablet: Tablet) -> None:
    log_in_and_open_elif(tablet)
    c = tablet.customer
    c.add_note("x" * (NOTE_MAX + 50))
    assert c.view is not None and len(c.view.notes[0].body) == NOTE_MAX
    assert c.note_room("x" * (NOTE_MAX + 50)) == 0


def test_a_note_typed_offline_is_queued_and_says_so(gw: MemoryGateway, tablet: Tablet) -> None:
    log_in_and_open_elif(tablet)
    gw.online = False
    tablet.customer.add_note("Cuma tekrar gelecek")
    assert notice(tablet) == "note_queued" and tablet.session.take_toast() is None


def test_the_draft_is_not_carried_to_another_customer(tablet: Tablet) -> None:
    log_in_and_open_elif(tablet)
    tablet.customer.keep_draft("for Elif only")
    tablet.customer.open(1)  # the same customer again: kept
    assert tablet.customer.note_draft == "for Elif only"
    tablet.home.submit_scan("RY1I-DEMO-CAN")
    assert tablet.customer.customer_id == 2 and tablet.customer.note_draft == ""


# -- the order scene ---------------------------------------------------------------------------


def test_an_order_opens_with_its_lines_history_and_goes_back(tablet: Tablet) -> None:
    log_in_and_open_elif(tablet)
    tablet.order.open(7)
    o = tablet.order
    assert tablet.screen == "order" and o.order is not None and o.order.number == "WEB-2026-000007"
    assert [h.status for h in o.history] == ["paid", "placed"]  # the latest first
    line = o.order.lines[0]
    assert line.product_id == 2
    assert o.picture_url(line) == "/v1/media/products/2.webp?colour=mavi&size=thumb&v=1"
    tablet.order.open(7)  # a double tap: still one step away from the customer
    tablet.order.back()
    assert tablet.screen == "customer"


def test_an_order_line_opens_its_product_and_the_order_stays(tablet: Tablet) -> None:
    log_in_and_open_elif(tablet)
    tablet.order.open(7)
    line = tablet.order.order.lines[0]  # type: ignore[union-attr]
    product_id = line.product_id
    assert product_id is not None
    tablet.product.open(product_id, line.sku)
    assert tablet.screen == "product" and tablet.product.sku == "RY-2002-MAV-M"


def test_an_order_offline_says_so_and_the_customer_stays(gw: MemoryGateway, tablet: Tablet) -> None:
    log_in_and_open_elif(tablet)
    gw.online = False
    tablet.order.open(7)
    assert tablet.screen == "customer" and notice(tablet) == "order_offline"
    gw.online = True
    tablet.order.open(404)
    assert tablet.screen == "customer" and notice(tablet) == "order_not_found"
    tablet.order.open(7)
    assert tablet.screen == "order" and notice(tablet) is None


def test_an_order_line_cached_before_the_api_named_its_product_keeps_a_placeholder(
    gw: MemoryGateway, tablet: Tablet
) -> None:
    gw.orders[8] = order_out(8).model_copy(
        update={
            "lines": [
                order_out().lines[0].model_copy(update={"product_id": None, "held_until": None})
            ]
        }
    )
    log_in_and_open_elif(tablet)
    tablet.order.open(8)
    line = tablet.order.order.lines[0]  # type: ignore[union-attr]
    assert tablet.order.picture_url(line) is None


# -- words -------------------------------------------------------------------------------------


def test_the_customer_words_exist_in_both_languages() -> None:
    assert words.TR.keys() == words.EN.keys()
    for key in words.TR:
        assert STRINGS["tr"][key] == words.TR[key] and STRINGS["en"][key] == words.EN[key]


def test_sizes_counter_statuses_and_channels_read_in_the_screens_language() -> None:
    sizes = {"shoe": "38", "top": "M", "bottom": "32"}
    assert sizes_text("tr", sizes) == "Üst: M, Alt: 32, Ayakkabı: 38"
    assert sizes_text("en", sizes) == "Top: M, Bottom: 32, Shoes: 38"
    assert chars_left("tr", 2000) == "2.000 karakter kaldı"
    assert chars_left("en", 2000) == "2,000 characters left"
    assert t("tr", "status_shipped") == "Kargoda" and t("en", "status_shipped") == "Shipped"
    assert t("tr", "channel_app") == "Uygulama" and t("en", "channel_app") == "App"
    assert t("tr", "outcome_did_not_fit") == "Olmadı"
    assert t("en", "order_held_until", time="13.06.2026 12:30") == "Held until 13.06.2026 12:30"


def test_long_lists_show_the_latest_until_asked_for_all(tablet: Tablet) -> None:
    log_in_and_open_elif(tablet)
    c = tablet.customer
    assert c.shown("orders", 6) == 6
    c.show_all("orders")
    assert c.shown("orders", 6) is None and c.shown("wishlist", 8) == 8
    tablet.home.submit_scan("RY1I-DEMO-CAN")  # another customer: the latest again
    assert c.shown("orders", 6) == 6
