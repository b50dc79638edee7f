"""Scene 15 in a real browser against the demo API (issue 15): Koray Akın, who opted into
e-mail and WhatsApp but not SMS, shows his app's QR code; the associate opens "Send a look",
takes one item from what he saved and finds another by search, picks a template and e-mail (the
SMS chip says why it cannot be chosen), and sends with an impatient double tap: one look with
those two variants, read back from the API, and listed on the customer's scene. Then one by
WhatsApp, which opens wa.me with the text filled in. Turkish and English, landscape and
portrait."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect
from sqlalchemy import select
from sqlmodel import col

from app.domain import outreach
from app.server.catalog.models import Product, Variant
from app.server.db import Database, make_engine
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import (
    HANG_MS,
    PORTRAIT,
    SETTLE_TRIES,
    by_id,
    close,
    frames,
    log_in,
    open_app,
    shot,
    submit,
    type_into,
)
from tests.server import HANG_S, ApiProcess

KORAY = 15  # clienteling, e-mail and WhatsApp consent in the demo seed; no SMS
SCAN = "QR veya barkodu okutun ya da kodu yazın"
SEARCH = "Ürün ara (ad, marka, model kodu)"


def choose(page: Any, identifier: str) -> None:
    """Tap a chip and wait until the app has it chosen (a chip reads out as a checkbox)."""
    chip = by_id(page, identifier)
    chip.click()
    expect(chip.get_by_role("checkbox")).to_be_checked(timeout=HANG_MS)


def _two_products(world: DemoWorld) -> tuple[tuple[int, str], tuple[int, str, int, str]]:
    """A variant to save for Koray (id, SKU), and one of another product to find by its style
    code (id, SKU, product id, style code)."""
    db = Database(make_engine(world.database_url))
    try:
        with db.session() as s:
            rows = s.execute(
                select(Variant.id, Variant.sku, Product.id, Product.style_code)
                .join(Product, col(Product.id) == col(Variant.product_id))
                .where(col(Variant.active).is_(True), col(Product.active).is_(True))
                .order_by(col(Product.id), col(Variant.id))
                .limit(200)
            ).all()
    finally:
        db.dispose()
    first = rows[0]
    second = next(r for r in rows if r[2] != first[2])
    return (first[0], first[1]), (second[0], second[1], second[2], second[3])


def _height(page: Any, target: Any) -> float:
    """A control's height once it is on screen: the scene may be drawn again in between (the
    background sync brings the customer's new saved item), which detaches it for a frame."""
    for _ in range(SETTLE_TRIES):
        target.wait_for()
        box = target.bounding_box()
        if box is not None:
            return float(box["height"])
        frames(page)
    raise AssertionError("the control never settled on screen")


def _looks(api: httpx.Client) -> list[dict[str, Any]]:
    r = api.get(f"/v1/customers/{KORAY}/looks")
    assert r.status_code == 200, r.text
    return list(r.json()["looks"])


def test_a_look_is_built_and_sent_by_email(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    (saved_id, saved_sku), (found_id, found_sku, found_product, style) = _two_products(demo_world)
    token = demo_world.token("demo-associate")
    api = httpx.Client(
        base_url=demo_world.url, headers={"Authorization": f"Bearer {token}"}, timeout=HANG_S
    )
    db = Database(make_engine(demo_world.database_url))
    try:
        code = factories.identity_code(db, KORAY)
    finally:
        db.dispose()
    page = open_app(browser, tablet.url)
    try:
        r = api.post(
            f"/v1/customers/{KORAY}/wishlist",
            json={"sku": saved_sku, "channel": "app"},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert r.status_code in (200, 201), r.text
        before = {x["id"] for x in _looks(api)}

        log_in(page, "demo-associate")
        # The first sync's end redraws the scene (and brings the item saved above): a tap
        # meanwhile would be lost.
        handle = by_id(page, "net-status").element_handle()
        page.wait_for_function("e => e.textContent.includes('Çevrimiçi')", arg=handle)
        type_into(page, SCAN, code)
        submit(page, SCAN)
        by_id(page, "customer-name").wait_for()
        by_id(page, "look-open").click()
        by_id(page, "look-title").wait_for()

        by_id(page, f"look-offer-{saved_sku}").click()  # from what he saved
        expect(by_id(page, "look-chosen")).to_contain_text("1/8", timeout=HANG_MS)
        type_into(page, SEARCH, style)  # and one found by search
        submit(page, SEARCH)
        by_id(page, f"look-result-{found_product}").click()
        by_id(page, f"look-variant-{found_sku}").wait_for()
        shot(page, screenshot_dir / "tablet-look-variants.png")
        by_id(page, f"look-variant-{found_sku}").click()
        expect(by_id(page, "look-chosen")).to_contain_text("2/8", timeout=HANG_MS)
        choose(page, "look-template-new_in")
        # A field shows its text to the page only while it has the focus: its counter says
        # the template's words are in it (and the API's copy of the look says which, below).
        words = outreach.template_text("new_in", "tr", name="Koray")
        left = f"{outreach.MAX_LINE - len(words)} karakter kaldı"
        expect(page.get_by_role("textbox", name=left)).to_be_visible(timeout=HANG_MS)
        expect(by_id(page, "look-why-sms")).to_have_text(
            "SMS izni yok", timeout=HANG_MS
        )  # not opted in: shown, not offered
        choose(page, "look-channel-email")
        # A chip shows itself chosen at once, even when the tap is lost in a redraw (the
        # background sync redraws too): the button's words come from the app.
        expect(by_id(page, "look-send")).to_have_text("E-posta ile gönder", timeout=HANG_MS)
        send = by_id(page, "look-send")
        assert _height(page, send) >= 48
        shot(page, screenshot_dir / "tablet-look.png")
        send.dblclick()  # an impatient double tap
        by_id(page, "look-done").wait_for()
        shot(page, screenshot_dir / "tablet-look-sent.png")

        new = [x for x in _looks(api) if x["id"] not in before]
        assert len(new) == 1, "a double tap sends one look"
        [look] = new
        assert [i["variant_id"] for i in look["items"]] == [saved_id, found_id]
        assert look["channel"] == "email" and look["status"] in ("queued", "sending", "sent")
        assert look["line"] == words and look["lang"] == "tr"

        by_id(page, "look-back").click()  # the customer's scene lists it
        by_id(page, f"look-{look['id']}").wait_for()
        page.mouse.move(640, 500)  # Flutter scrolls by the wheel, not by the DOM
        page.mouse.wheel(0, 2000)
        shot(page, screenshot_dir / "tablet-customer-looks.png")

        # In English, on a portrait tablet: a new look, its words and chips.
        by_id(page, "language").click()
        page.set_viewport_size(PORTRAIT)
        expect(by_id(page, "section-looks-title")).to_have_text("Looks sent", timeout=HANG_MS)
        by_id(page, "look-open").click()
        expect(by_id(page, "look-title")).to_contain_text("A look for Koray", timeout=HANG_MS)
        by_id(page, f"look-offer-{saved_sku}").click()
        expect(by_id(page, "look-chosen")).to_contain_text("1 of 8", timeout=HANG_MS)
        choose(page, "look-template-your_size")
        words = outreach.template_text("your_size", "en", name="Koray")
        left = f"{outreach.MAX_LINE - len(words)} characters left"
        expect(page.get_by_role("textbox", name=left)).to_be_visible(timeout=HANG_MS)
        expect(by_id(page, "look-why-sms")).to_have_text("no consent for SMS", timeout=HANG_MS)
        shot(page, screenshot_dir / "tablet-look-en-portrait.png")

        # By WhatsApp: the API records it as handed over and the tablet opens wa.me with the
        # text filled in (the request fails here, with no internet: its address is the proof).
        choose(page, "look-channel-whatsapp")
        expect(by_id(page, "look-send")).to_have_text("Open in WhatsApp", timeout=HANG_MS)
        with page.context.expect_event(
            "request", lambda r: r.url.startswith("https://wa.me/"), timeout=HANG_MS
        ) as opened:
            by_id(page, "look-send").click()
        by_id(page, "look-wa").wait_for()  # to open it again
        [newest, *_] = _looks(api)
        assert newest["channel"] == "whatsapp" and newest["status"] == "handed"
        assert newest["lang"] == "en" and len(newest["items"]) == 1
        assert opened.value.url == newest["whatsapp_url"]
        assert "?text=Hello%20Koray" in newest["whatsapp_url"]
    finally:
        api.close()
        close(page)
