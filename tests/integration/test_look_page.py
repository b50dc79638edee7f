"""The look page over real HTTP, on SQLite and PostgreSQL: what the customer sees from a look
message (the items with live stock at the associate's store), what it records (opened, clicked,
visits), reserving from it (an order credited to the associate, stock held at that store, once
whatever the taps), and the opt-out link (consent withdrawn once, with its event)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlmodel import col

from app.qr import look as look_link
from app.qr.keys import KeyRing
from app.server.catalog.models import Variant
from app.server.customers.models import ConsentEvent, Customer
from app.server.db import utcnow
from app.server.idempotency import store
from app.server.idempotency.models import IdempotencyRecord
from app.server.inventory.models import Reservation, StockLevel
from app.server.orders.models import Order, OrderLine
from app.server.outreach.models import OutreachMessage
from app.server.storefront import look_reserve
from tests import factories
from tests.conftest import World
from tests.looks import make_look
from tests.server import HANG_S

RING = factories.TEST_RING
PNG = b"\x89PNG\r\n\x1a\n"


def _variants(world: World, skus: list[str]) -> list[int]:
    with world.db.session() as s:
        rows = s.execute(
            select(col(Variant.sku), col(Variant.id)).where(col(Variant.sku).in_(skus))
        )
        by_sku = {sku: variant_id for sku, variant_id in rows}
    return [by_sku[sku] for sku in skus]


def _look(world: World, variant_ids: list[int], **kw: Any) -> tuple[int, int, int, str]:
    """(customer, look, message, page path) of a new look from t-associate at IST01."""
    b = world.base
    customer = factories.customer(world.db, consent=True, email="look@example.com")
    with world.db.write() as s:
        c = s.get(Customer, customer)
        assert c is not None
        c.consent_email = True
    look_id, message_id = make_look(
        world.db,
        customer_id=customer,
        associate_id=b.associates["t-associate"],
        location_id=b.stores["IST01"],
        variant_ids=variant_ids,
        **kw,
    )
    path = "/l/" + look_link.look_url(RING, "", look_id).rsplit("/l/", 1)[1]
    return customer, look_id, message_id, path


def _message(world: World, message_id: int) -> OutreachMessage:
    with world.db.session() as s:
        m = s.get(OutreachMessage, message_id)
        assert m is not None
        return m


def _orders(world: World, customer_id: int) -> list[Order]:
    with world.db.session() as s:
        return list(s.execute(select(Order).where(col(Order.customer_id) == customer_id)).scalars())


def _phone() -> httpx.Client:
    return httpx.Client(timeout=HANG_S)


def test_look_page_shows_the_items_with_live_stock_at_the_associates_store(world: World) -> None:
    b = world.base
    _, shirts = factories.product(
        world.db,
        name_tr="Keten Gömlek",
        name_en="Linen Shirt",
        stock={b.stores["IST01"]: 3, b.warehouse: 5},
    )
    _, scarves = factories.product(
        world.db, name_tr="İpek Eşarp", name_en="Silk Scarf", stock={b.warehouse: 4}
    )
    line = 'Merhaba <b>Zeynep</b>, "bunlar" size çok yakışır & hafif.'
    _, _, _, path = _look(world, _variants(world, [shirts[1], scarves[0]]), line=line)
    with _phone() as phone:
        r = phone.get(world.url + path, headers={"Accept-Language": "tr-TR,tr;q=0.9"})
        assert r.status_code == 200, r.text
        assert r.headers["cache-control"] == "no-store"
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        html = r.text
        assert "T sizin için seçti" in html and "T · Nişantaşı" in html  # "T Associate"
        # The associate's line, escaped: their words, never markup.
        assert "&lt;b&gt;Zeynep&lt;/b&gt;" in html and "<b>Zeynep</b>" not in html
        assert "Keten Gömlek" in html and "İpek Eşarp" in html and "499,90 TL" in html
        assert "Nişantaşı mağazasında bugün 3 adet" in html
        assert "Mağazada yok · online siparişle 2–3 günde" in html
        assert html.count("/v1/media/products/") == 2
        # Reserve where the store has it; buy online (its shelf page at IST01) for both.
        assert html.count('name="variant_id"') == 1
        assert len(re.findall(r'href="/p/\d+/IST01/', html)) == 2
        assert "/o/RY1O" in html  # the opt-out
        en = phone.get(world.url + path + "?lang=en")
        assert "T picked these for you" in en.text and "3 in Nişantaşı today" in en.text
        assert "Not in store · online, delivered in 2–3 days" in en.text
        assert "Linen Shirt" in en.text and "Reserve in store" in en.text
        picture = phone.get(world.url + re.findall(r'src="([^"]+)"', html)[0].replace("&amp;", "&"))
        assert picture.status_code == 200 and picture.headers["content-type"] == "image/webp"


def test_tampered_expired_and_unknown_look_links_are_404_pages(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST01"]: 1})
    _, look_id, message_id, path = _look(world, _variants(world, skus[:1]))
    token = path.removeprefix("/l/")
    other = KeyRing({"A": b"not-this-retailers-key-0123456"}, "A")
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    with _phone() as phone:
        for bad in (
            "/l/" + tampered,
            look_link.look_url(other, "", look_id),  # forged
            look_link.look_url(RING, "", look_id, now=0),  # expired long ago
            look_link.look_url(RING, "", 999_999),  # genuine, no such look
            "/l/RY1Lgarbage",
        ):
            r = phone.get(world.url + bad, headers={"Accept-Language": "en"})
            assert r.status_code == 404, (bad, r.status_code)
            assert "This link is not valid or has expired" in r.text
            assert "default-src 'none'" in r.headers["content-security-policy"]
        assert "Bağlantı geçersiz" in phone.get(world.url + "/l/" + tampered).text
        forged_post = phone.post(world.url + "/l/" + tampered + "/reserve", data={"variant_id": 1})
        assert forged_post.status_code == 404
        assert phone.get(world.url + "/o/RY1Onothing").status_code == 404
    m = _message(world, message_id)
    assert (m.visits, m.clicked_at, m.opened_at) == (0, None, None)


def test_pixel_and_visits_are_recorded_first_time_only_and_none_lost(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST01"]: 1})
    _, _, message_id, path = _look(world, _variants(world, skus[:1]))
    with _phone() as phone:
        r = phone.get(world.url + path + "/pixel.png")
        assert r.status_code == 200 and r.content.startswith(PNG)
        assert r.headers["content-type"] == "image/png" and r.headers["cache-control"] == "no-store"
        opened = _message(world, message_id).opened_at
        assert opened is not None
        phone.get(world.url + path + "/pixel.png")
        assert _message(world, message_id).opened_at == opened  # the first time only
        # A forged pixel is still a picture, and records nothing.
        assert phone.get(world.url + "/l/RY1Lxx/pixel.png").content.startswith(PNG)
        phone.get(world.url + path)
    first = _message(world, message_id)
    assert first.visits == 1 and first.clicked_at is not None and first.opened_at == opened

    barrier = threading.Barrier(20)

    def visit() -> None:
        with _phone() as phone:
            barrier.wait()
            assert phone.get(world.url + path).status_code == 200

    _run(visit, 20)
    m = _message(world, message_id)
    assert m.visits == 21 and m.clicked_at == first.clicked_at


def _run(target: Callable[[], None], n: int) -> None:
    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            target()
        except BaseException as exc:  # the test's thread raises it
            errors.append(exc)

    threads = [threading.Thread(target=guarded) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def _available(world: World, variant_id: int, location_id: int) -> tuple[int, int]:
    with world.db.session() as s:
        row = s.execute(
            select(col(StockLevel.on_hand), col(StockLevel.reserved)).where(
                col(StockLevel.variant_id) == variant_id, col(StockLevel.location_id) == location_id
            )
        ).one()
        return int(row[0]), int(row[1])


def test_reserve_places_one_order_credited_to_the_associate_with_stock_held_there(
    world: World,
) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST01"]: 2, b.warehouse: 5})
    variant = _variants(world, skus[:1])[0]
    customer, _, _, path = _look(world, [variant])
    with _phone() as phone:
        r = phone.post(world.url + path + "/reserve?lang=en", data={"variant_id": str(variant)})
        assert r.status_code == 303, r.text
        page = phone.get(world.url + r.headers["location"])
        assert page.status_code == 200 and "Reserved for you" in page.text
        (order,) = _orders(world, customer)
        assert order.number in page.text and "Nişantaşı" in page.text
        assert "We hold it for you until" in page.text
        # A reload of the form (or a second tap later) is the same reservation.
        again = phone.post(world.url + path + "/reserve", data={"variant_id": str(variant)})
        assert again.status_code == 303
        assert order.number in phone.get(world.url + again.headers["location"]).text
        look_page = phone.get(world.url + path + "?lang=en").text
        assert f"Reserved for you · order {order.number}" in look_page
        assert 'name="variant_id"' not in look_page
    assert len(_orders(world, customer)) == 1
    assert order.fulfilment_type == "reserve_in_store" and order.status == "placed"
    assert order.associate_id == b.associates["t-associate"]
    assert order.store_location_id == order.pickup_location_id == b.stores["IST01"]
    with world.db.session() as s:
        (line,) = s.execute(select(OrderLine).where(col(OrderLine.order_id) == order.id)).scalars()
        (held,) = s.execute(
            select(Reservation).where(col(Reservation.order_id) == order.id)
        ).scalars()
    assert (line.variant_id, line.quantity, line.source_location_id) == (
        variant,
        1,
        b.stores["IST01"],
    )
    assert (held.location_id, held.quantity, held.status) == (b.stores["IST01"], 1, "held")
    assert held.expires_at is not None
    assert _available(world, variant, b.stores["IST01"]) == (2, 1)
    assert _available(world, variant, b.warehouse) == (5, 0)


def test_two_racing_reserves_of_one_item_make_one_order(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST01"]: 5})
    variant = _variants(world, skus[:1])[0]
    customer, _, _, path = _look(world, [variant])
    barrier = threading.Barrier(2)
    pages: list[int] = []

    def tap() -> None:
        with _phone() as phone:
            barrier.wait()
            r = phone.post(world.url + path + "/reserve", data={"variant_id": str(variant)})
            assert r.status_code == 303, r.text
            pages.append(phone.get(world.url + r.headers["location"]).status_code)

    _run(tap, 2)
    assert pages == [200, 200]
    assert len(_orders(world, customer)) == 1
    assert _available(world, variant, b.stores["IST01"]) == (5, 1)


def test_a_reservation_left_running_by_a_dead_process_is_offered_again_then_taken_over(
    world: World,
) -> None:
    """The process placing the first tap died: its claim stays 'running'. While it is fresh the
    page says 'one moment'; once it is older than the idempotency lease the page stops waiting
    (back to the look, never a page that refreshes for ever) and the next tap places it."""
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST01"]: 2})
    variant = _variants(world, skus[:1])[0]
    customer, look_id, _, path = _look(world, [variant])
    claim = look_reserve.reserve_key(look_id, variant)
    body = look_reserve._Reserve(look_id=look_id, variant_id=variant)
    with world.db.write() as s:
        s.add(
            IdempotencyRecord(
                scope=look_reserve.RESERVE_SCOPE,
                key=claim,
                method="POST",
                path=f"/l/{look_id}/reserve",
                fingerprint=store.fingerprint("POST", f"/l/{look_id}/reserve", body),
            )
        )
    waiting = world.url + path + f"/reserved/{variant}?lang=en"
    with _phone() as phone:
        r = phone.get(waiting)
        assert r.status_code == 200 and "one moment" in r.text
        with world.db.write() as s:  # the lease (60 s) has run out
            s.execute(
                update(IdempotencyRecord)
                .where(col(IdempotencyRecord.key) == claim)
                .values(locked_at=utcnow() - timedelta(minutes=5))
            )
        r = phone.get(waiting)
        assert r.status_code == 303 and r.headers["location"].endswith(f"{path}?lang=en")
        assert 'name="variant_id"' in phone.get(world.url + path).text
        r = phone.post(world.url + path + "/reserve?lang=en", data={"variant_id": str(variant)})
        assert r.status_code == 303
        assert "Reserved for you" in phone.get(world.url + r.headers["location"]).text
    assert len(_orders(world, customer)) == 1


def _set_on_hand(world: World, variant_id: int, location_id: int, on_hand: int) -> None:
    with world.db.write() as s:
        s.execute(
            update(StockLevel)
            .where(
                col(StockLevel.variant_id) == variant_id, col(StockLevel.location_id) == location_id
            )
            .values(on_hand=on_hand)
        )


def test_reserving_an_item_sold_out_at_the_store_is_refused_and_orders_nothing(
    world: World,
) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST01"]: 1, b.warehouse: 3})
    variant = _variants(world, skus[:1])[0]
    customer, _, _, path = _look(world, [variant])
    _set_on_hand(world, variant, b.stores["IST01"], 0)  # sold at the till since it was sent
    with _phone() as phone:
        r = phone.post(world.url + path + "/reserve?lang=en", data={"variant_id": str(variant)})
        assert r.status_code == 409 and "has just sold out at Nişantaşı" in r.text
        assert "Back to the look" in r.text and "/p/" in r.text
        assert 'name="variant_id"' not in phone.get(world.url + path).text  # no button now
        # Back in stock: the refusal is not replayed, the next tap reserves it.
        _set_on_hand(world, variant, b.stores["IST01"], 1)
        r = phone.post(world.url + path + "/reserve", data={"variant_id": str(variant)})
        assert r.status_code == 303
    assert len(_orders(world, customer)) == 1
    # Not one of the look's items: nothing.
    with _phone() as phone:
        r = phone.post(world.url + path + "/reserve", data={"variant_id": str(variant + 10_000)})
        assert r.status_code == 404
        # Hostile forms: digits int() refuses, signs, nothing at all: a 404 page, never a 500.
        for raw in ("²", "١٢", "-1", "", "9" * 40):
            r = phone.post(world.url + path + "/reserve", data={"variant_id": raw})
            assert r.status_code == 404, raw


def test_a_post_from_another_site_is_refused(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST01"]: 3})
    variant = _variants(world, skus[:1])[0]
    customer, _, message_id, path = _look(world, [variant])
    optout = look_link.optout_url(RING, world.url, message_id)
    with _phone() as phone:
        for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
            r = phone.post(world.url + path + "/reserve", data={"variant_id": str(variant)},
                           headers=headers)  # fmt: skip
            assert r.status_code == 403
            assert phone.post(optout, headers=headers).status_code == 403
    assert _orders(world, customer) == []
    with world.db.session() as s:
        assert s.get(Customer, customer).consent_email is True  # type: ignore[union-attr]
    # Behind a proxy the request names the API's inner host; a page of the public address the
    # links were made with (the default, http://127.0.0.1:8000) is the site's own.
    own = {"Origin": "http://127.0.0.1:8000", "Host": "reyon-api.internal"}
    with _phone() as phone:
        r = phone.post(world.url + path + "/reserve", data={"variant_id": str(variant)},
                       headers=own)  # fmt: skip
        assert r.status_code == 303, r.text
    assert len(_orders(world, customer)) == 1


def _events(world: World, customer: int) -> list[ConsentEvent]:
    with world.db.session() as s:
        return list(
            s.execute(
                select(ConsentEvent).where(col(ConsentEvent.customer_id) == customer)
            ).scalars()
        )


def test_opt_out_withdraws_the_channel_once_with_its_event(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST01"]: 3})
    customer, _, message_id, _ = _look(world, _variants(world, skus[:1]))
    url = look_link.optout_url(RING, world.url, message_id)
    with _phone() as phone:
        page = phone.get(url, headers={"Accept-Language": "en"})
        assert page.status_code == 200 and "Stop messages by e-mail" in page.text
        assert "<form" in page.text
        assert "e-posta ile gelen mesajları" in phone.get(url).text
        r = phone.post(url + "?lang=en", headers={"Origin": world.url})
        assert r.status_code == 200 and "no more messages by e-mail" in r.text
        # Twice, and the mail app's RFC 8058 one-click POST: already stopped, no new event.
        again = phone.post(url, headers={"Accept-Language": "en"})
        assert "You no longer get messages by e-mail" in again.text
        one_click = phone.post(url, content=b"List-Unsubscribe=One-Click",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        assert one_click.status_code == 200
        assert "<form" not in phone.get(url).text
    with world.db.session() as s:
        c = s.get(Customer, customer)
        assert c is not None
        assert c.consent_email is False and c.consent_email_source == "link"
        assert c.consent_clienteling is True  # only the message's channel
    (event,) = _events(world, customer)
    assert (event.purpose, event.given, event.method) == ("email", False, "link")
    assert event.text_version == "2026-12-05" and event.location_id is None


def test_concurrent_one_click_opt_outs_record_one_event(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST01"]: 3})
    customer, _, message_id, _ = _look(world, _variants(world, skus[:1]), channel="sms")
    with world.db.write() as s:
        c = s.get(Customer, customer)
        assert c is not None
        c.consent_sms, c.phone = True, "+905320000001"
    url = look_link.optout_url(RING, world.url, message_id)
    barrier = threading.Barrier(6)

    def click() -> None:
        with _phone() as phone:
            barrier.wait()
            assert phone.post(url, content=b"List-Unsubscribe=One-Click").status_code == 200

    _run(click, 6)
    events = _events(world, customer)
    assert [(e.purpose, e.given) for e in events] == [("sms", False)]
    with world.db.session() as s:
        count = s.execute(
            select(func.count())
            .select_from(Customer)
            .where(col(Customer.id) == customer, col(Customer.consent_sms).is_(False))
        ).scalar_one()
    assert count == 1
