"""The look page on a customer's phone, in a real browser: the associate's picks with their
pictures and the store's stock fit a 390x844 screen in Turkish and in English; reserving one
shows the confirmation with the order number, and the order is the associate's; booking an
appointment from it by thumb. Also the page on a desktop screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from app.qr import look as look_link
from app.server.catalog.models import Variant
from app.server.clienteling.appointment_models import Appointment
from app.server.customers.models import Customer
from app.server.orders.models import Order
from tests import factories
from tests.conftest import World
from tests.looks import make_look

PHONE = {"width": 390, "height": 844}
PICTURES_LOADED = "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"


def _look(world: World) -> tuple[int, str]:
    b = world.base
    made = [
        factories.product(
            world.db,
            name_tr=tr,
            name_en=en,
            price_kurus=price,
            sizes=("S", "M", "L"),
            stock=stock,
        )
        for tr, en, price, stock in (
            ("Keten Karışımlı Gömlek", "Linen Blend Shirt", 89990, {b.stores["IST01"]: 3}),
            ("Yün Blazer Ceket", "Wool Blazer", 349990, {b.stores["IST01"]: 1}),
            ("İpek Eşarp", "Silk Scarf", 59990, {b.warehouse: 5}),
        )
    ]
    skus = [made[0][1][1], made[1][1][1], made[2][1][0]]
    with world.db.session() as s:
        rows = s.execute(
            select(col(Variant.sku), col(Variant.id)).where(col(Variant.sku).in_(skus))
        )
        ids = {sku: variant_id for sku, variant_id in rows}
    customer = factories.customer(world.db, consent=True, email="koray@example.com")
    with world.db.write() as s:
        s.get(Customer, customer).consent_email = True  # type: ignore[union-attr]
    look_id, _ = make_look(
        world.db,
        customer_id=customer,
        associate_id=b.associates["t-associate"],
        location_id=b.stores["IST01"],
        variant_ids=[ids[sku] for sku in skus],
        line="Merhaba Koray, yeni gelenlerden size yakışacağını düşündüklerimi seçtim. "
        "Cumartesi mağazadayım, denemek isterseniz ayırabilirim.",
    )
    return customer, world.url + "/l/" + look_link.look_url(
        factories.TEST_RING, "", look_id
    ).rsplit("/l/", 1)[1]


def _phone(browser: Any, locale: str) -> Any:
    return browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale=locale
    )


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page scrolls sideways: {width}px wide"


def test_customer_opens_a_look_and_reserves_from_it(
    world: World, browser: Any, screenshot_dir: Path
) -> None:
    customer, url = _look(world)
    context = _phone(browser, "tr-TR")
    try:
        page = context.new_page()
        response = page.goto(url)
        assert response is not None and response.status == 200
        assert page.get_by_role("heading", name="T sizin için seçti").is_visible()
        assert page.get_by_text("Merhaba Koray, yeni gelenlerden").is_visible()
        for name in ("Keten Karışımlı Gömlek", "Yün Blazer Ceket", "İpek Eşarp"):
            assert page.get_by_role("heading", name=name).is_visible()
        assert page.get_by_text("Nişantaşı mağazasında bugün 3 adet").is_visible()
        assert page.get_by_text("Mağazada yok · online siparişle 2–3 günde").is_visible()
        page.wait_for_function(PICTURES_LOADED)
        assert page.locator("article img").count() == 3
        reserve = page.get_by_role("button", name="Mağazada ayırt")
        assert reserve.count() == 2  # the scarf is not in the store
        assert reserve.first.bounding_box()["height"] >= 48  # a thumb's target
        assert page.get_by_role("link", name="Online satın al").count() == 3
        _fits(page)
        page.screenshot(path=str(screenshot_dir / "look-page.png"), full_page=True)

        reserve.first.click()
        page.wait_for_url("**/reserved/**")
        assert page.get_by_role("heading", name="Sizin için ayrıldı").is_visible()
        with world.db.session() as s:
            (order,) = s.execute(select(Order).where(col(Order.customer_id) == customer)).scalars()
        assert order.associate_id == world.base.associates["t-associate"]
        assert page.get_by_text(f"{order.number} numaralı siparişiniz Nişantaşı").is_visible()
        page.wait_for_function(PICTURES_LOADED)
        _fits(page)
        page.screenshot(path=str(screenshot_dir / "look-reserved.png"), full_page=True)
        page.get_by_role("link", name="Seçkiye dön").click()
        # Reserved: the look says so, and leads back to it rather than reserving it again.
        assert page.get_by_text(f"Sizin için ayrıldı · sipariş {order.number}").is_visible()
        assert page.get_by_role("button", name="Mağazada ayırt").count() == 1
        page.screenshot(path=str(screenshot_dir / "look-page-after.png"))
        page.get_by_role("link", name="Ayırmayı gör").click()
        assert page.get_by_role("heading", name="Sizin için ayrıldı").is_visible()
    finally:
        context.close()


def test_the_look_page_in_english_and_on_a_desktop(
    world: World, browser: Any, screenshot_dir: Path
) -> None:
    customer, url = _look(world)
    context = _phone(browser, "en-GB")  # Accept-Language: en-GB
    try:
        page = context.new_page()
        # The look was written in Turkish: its page speaks Turkish, whatever the phone's
        # language, until the customer switches.
        page.goto(url)
        assert page.get_by_role("heading", name="T sizin için seçti").is_visible()
        page.get_by_role("link", name="English").click()
        assert page.get_by_role("heading", name="T picked these for you").is_visible()
        assert page.get_by_text("3 in Nişantaşı today").is_visible()
        assert page.get_by_text("Not in store · online, delivered in 2–3 days").is_visible()
        page.wait_for_function(PICTURES_LOADED)
        _fits(page)
        page.screenshot(path=str(screenshot_dir / "look-page-en.png"), full_page=True)
        page.get_by_role("button", name="Reserve in store").nth(1).click()
        page.wait_for_url("**/reserved/**")
        assert page.get_by_role("heading", name="Reserved for you").is_visible()
        assert page.get_by_text("We hold it for you until").is_visible()
        page.get_by_role("link", name="Türkçe").click()
        assert page.get_by_role("heading", name="Sizin için ayrıldı").is_visible()
        # The opt-out the page's foot links to, confirmed in the browser (a same-origin post).
        page.goto(url + "?lang=en")
        page.get_by_role("link", name="Stop these messages").click()
        assert page.get_by_text("Stop messages by e-mail from Reyon's stores?").is_visible()
        _fits(page)
        page.screenshot(path=str(screenshot_dir / "look-optout.png"))
        page.get_by_role("button", name="Yes, stop them").click()
        assert page.get_by_text("Done. You will get no more messages by e-mail.").is_visible()
    finally:
        context.close()
    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="tr-TR")
    try:
        page = desktop.new_page()
        page.goto(url + "?lang=en")
        assert page.get_by_role("heading", name="Wool Blazer").is_visible()
        page.wait_for_function(PICTURES_LOADED)
        page.screenshot(path=str(screenshot_dir / "look-page-desktop.png"), full_page=True)
    finally:
        desktop.close()
    with world.db.session() as s:
        orders = list(s.execute(select(Order).where(col(Order.customer_id) == customer)).scalars())
        consented = s.get(Customer, customer).consent_email  # type: ignore[union-attr]
    assert [o.fulfilment_type for o in orders] == ["reserve_in_store"]
    assert consented is False


def test_customer_books_an_appointment_from_the_look_on_a_phone(
    world: World, browser: Any, screenshot_dir: Path
) -> None:
    """From the look: the kind, a day and a time by thumb, the confirmation, and the page that
    lists it; a second tap on the same time (the back button) books nothing more."""
    customer, url = _look(world)
    context = _phone(browser, "tr-TR")
    try:
        page = context.new_page()
        page.goto(url)
        page.get_by_role("link", name="Mağazada randevu alın").click()
        page.get_by_role("heading", name="Randevu alın").wait_for()
        page.get_by_role("link", name="Tadilat provası · 30 dk").click()
        page.wait_for_url("**kind=alteration**")
        day = page.locator(".pills").nth(1).get_by_role("link").nth(2)  # the day after tomorrow
        day.click()
        page.wait_for_url("**day=**")
        times = page.locator(".times button")
        assert times.count() > 0 and times.first.bounding_box()["height"] >= 48
        for pill in page.locator(".pill").all():
            assert pill.bounding_box()["height"] >= 48
        _fits(page)
        page.screenshot(path=str(screenshot_dir / "look-appointment.png"))
        at = times.nth(3).inner_text()
        times.nth(3).click()
        page.wait_for_url("**/appointment/*")
        assert page.get_by_role("heading", name="Randevunuz alındı").is_visible()
        assert page.get_by_text(f"{at}, Nişantaşı mağazası · Tadilat provası · 30 dk").is_visible()
        _fits(page)
        page.screenshot(path=str(screenshot_dir / "look-appointment-booked.png"), full_page=True)
        page.go_back()  # the times again, as the phone kept them: the same time tapped again
        page.get_by_role("heading", name="Randevu alın").wait_for()
        page.locator(".times button", has_text=at).first.click()
        page.wait_for_url("**/appointment/*")
        assert page.get_by_role("heading", name="Randevunuz alındı").is_visible()
        with world.db.session() as s:
            booked = s.execute(
                select(Appointment).where(col(Appointment.customer_id) == customer)
            ).scalars()
            assert [(a.kind, a.associate_id) for a in booked] == [
                ("alteration", world.base.associates["t-associate"])
            ]
        page.get_by_role("link", name="Başka bir randevu alın").click()
        assert page.get_by_role("heading", name="Randevularınız").is_visible()
    finally:
        context.close()
