"""Scene 15, send a look, driven through its actions over the in-memory gateway: the items start
from what the customer saved and tried on, more come by search, at most eight; a template fills
an editable line with the customer's first name in the message's language; only the channels the
customer opted into and has an address for can be chosen, the others say why; a double tap (or
two at once) makes one look; offline it waits in the queue and is made once; a consent withdrawn
meanwhile is refused in words and the chips follow; WhatsApp answers with the link to open."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import pytest

from app.contracts.catalog import ProductDetail
from app.contracts.customers import Consent
from app.contracts.looks import LookCreate
from app.domain import outreach
from app.tablet.gateway import Submitted
from app.tablet.gateway.memory import MemoryGateway
from app.tablet.i18n import t
from app.tablet.state.tablet import Tablet
from tests.unit.conftest import demo_tablet
from tests.unit.test_scenes import log_in, notice, open_elif

SHIRT_M, SHIRT_L, JACKET, SCARF = (
    "RY-1001-BEY-M",
    "RY-1001-BEY-L",
    "RY-2002-MAV-M",
    "RY-3003-GRI-STD",
)
GIVEN = Consent(given=True, at=datetime(2026, 1, 1, tzinfo=UTC), source="store")
NOT_GIVEN = Consent(given=False, at=None, source=None)


@pytest.fixture
def tablet(gw: MemoryGateway) -> Tablet:
    t = demo_tablet(gw, "tr")
    log_in(t)  # Ayşe at IST01
    return t


def _save(t: Tablet, gw: MemoryGateway, customer_id: int, sku: str, outcome: str | None) -> None:
    """What the customer saved (outcome None) or tried on, as the product scene records it."""
    by, key = t.session.author, str(uuid.uuid4())
    if outcome is None:
        gw.add_wishlist(by, customer_id, sku, key=key, item=None)
    else:
        gw.add_try_on(by, customer_id, sku, outcome, key=key, item=None)


def _compose(t: Tablet, *skus: str, channel: str = "email") -> None:
    look = t.look
    look.open()
    for sku in skus:
        look.toggle(sku)
    look.use_template("new_in")
    look.choose_channel(channel)


def _whatsapp(gw: MemoryGateway, customer_id: int = 1) -> None:
    gw.customers[customer_id].profile.consents.whatsapp = GIVEN


def test_items_start_from_the_wishlist_and_try_ons(tablet: Tablet, gw: MemoryGateway) -> None:
    _save(tablet, gw, 1, SHIRT_M, None)
    _save(tablet, gw, 1, SHIRT_M, "liked")  # the same item twice: offered once
    _save(tablet, gw, 1, JACKET, "did_not_fit")
    _save(tablet, gw, 1, SCARF, "disliked")  # not something to send back to them
    open_elif(tablet)
    tablet.look.open()
    assert tablet.screen == "look"
    offers = [(o.item.sku, o.source) for o in tablet.look.offers]
    assert sorted(offers) == sorted([(SHIRT_M, "wishlist"), (JACKET, "try_on")])
    assert {o.item.thumb_url for o in tablet.look.offers} <= set(gw.prefetched)
    assert tablet.look.lang == "tr" and tablet.look.chosen == []


def test_channel_chips_follow_consent_and_addresses(tablet: Tablet, gw: MemoryGateway) -> None:
    open_elif(tablet)  # e-mail and SMS consent, not WhatsApp
    look = tablet.look
    look.open()
    chips = {c.channel: (c.allowed, c.why_not) for c in look.channels}
    assert chips == {
        "email": (True, None),
        "sms": (True, None),
        "whatsapp": (False, "look_no_consent"),
    }
    look.choose_channel("whatsapp")  # a disabled chip does nothing
    assert look.channel is None
    words = t("en", "look_no_consent", channel=t("en", "look_channel_whatsapp"))
    assert words == "no consent for WhatsApp"

    _whatsapp(gw)
    gw.customers[1].profile.phone = None  # opted in, but nowhere to send it
    tablet.customer.refresh()
    chips = {c.channel: (c.allowed, c.why_not) for c in look.channels}
    assert chips["whatsapp"] == (False, "look_no_phone") and chips["sms"] == (
        False,
        "look_no_phone",
    )
    assert chips["email"] == (True, None)


def test_a_template_fills_an_editable_line_in_the_messages_language(tablet: Tablet) -> None:
    open_elif(tablet)
    look = tablet.look
    look.open()
    look.use_template("your_size")
    assert look.line == outreach.template_text("your_size", "tr", name="Elif")
    look.set_lang("en")  # untouched: the line follows the language
    assert look.line == "Hello Elif, the pieces you liked are here in your size."
    look.set_line(look.line + " See you soon!")
    look.set_lang("tr")  # the associate's own words are kept
    assert look.line.endswith("See you soon!") and look.lang == "tr"
    look.set_line("x" * 600)
    assert len(look.line) == outreach.MAX_LINE and look.line_room == 0


def test_sending_asks_for_items_a_line_and_a_channel(tablet: Tablet, gw: MemoryGateway) -> None:
    open_elif(tablet)
    look = tablet.look
    look.open()
    look.send()
    assert notice(tablet) == "look_need_items"
    look.finder.search("scarf")
    look.finder.open_result(3)
    look.finder.add_variant(SCARF)
    assert look.chosen == [SCARF] and look.offer(SCARF) is not None
    look.send("   ")
    assert notice(tablet) == "look_need_line"
    look.send("Merhaba Elif!")
    assert notice(tablet) == "look_need_channel"
    assert gw.looks == {}


def test_at_most_eight_items(tablet: Tablet, gw: MemoryGateway) -> None:
    base = gw.products[3]
    skus = []
    for n in range(9):  # nine more scarves in the catalogue, each saved by Elif
        pid = 100 + n
        v = base.variants[0].model_copy(
            update={"variant_id": pid * 10, "sku": f"RY-{pid}-GRI-STD", "product_id": pid}
        )
        gw.products[pid] = ProductDetail.model_validate(
            base.model_copy(update={"id": pid, "variants": [v]}).model_dump()
        )
        skus.append(v.sku)
        _save(tablet, gw, 1, v.sku, None)
    open_elif(tablet)
    look = tablet.look
    look.open()
    for sku in skus:
        look.toggle(sku)
    assert len(look.chosen) == outreach.MAX_ITEMS
    assert notice(tablet) == "look_too_many"
    look.toggle(skus[0])  # one out, another in
    look.toggle(skus[8])
    assert len(look.chosen) == 8 and skus[8] in look.chosen


def test_an_email_look_is_sent_once_whatever_the_taps(tablet: Tablet, gw: MemoryGateway) -> None:
    _save(tablet, gw, 1, SHIRT_M, None)
    _save(tablet, gw, 1, JACKET, "liked")
    open_elif(tablet)
    _compose(tablet, SHIRT_M, JACKET)
    look = tablet.look
    look.send()
    look.send()  # a double tap
    assert len(gw.looks) == 1
    [made] = gw.looks.values()
    assert [i.sku for i in made.items] == [SHIRT_M, JACKET]
    assert made.channel == "email" and made.status == "queued" and made.lang == "tr"
    assert made.line.startswith("Merhaba Elif")
    assert look.result == made and look.done
    quiet = outreach.in_quiet_hours(made.created_at, "Europe/Istanbul")
    assert notice(tablet) == ("look_waits" if quiet else "look_sent")
    if quiet:
        assert tablet.session.notice is not None
        assert tablet.session.notice.values["time"] == "09:00"
    # The customer scene lists it, and reads it again (with what became of it) on the next open.
    assert [x.id for x in look.looks_for(1)] == [made.id]
    gw.mark_look(made.id, "clicked")
    tablet.home.open_customer(1)
    assert look.look_status(look.looks_for(1)[0]) == "clicked"
    look.open()  # a new look: a fresh compose
    assert look.chosen == [] and look.key is None and not look.done


def test_two_taps_at_once_make_one_look(tablet: Tablet, gw: MemoryGateway) -> None:
    """Flet runs each tap's handler in its own thread: the second must not send while the
    first is on its way."""
    _save(tablet, gw, 1, SHIRT_M, None)
    open_elif(tablet)
    _compose(tablet, SHIRT_M)
    calls: list[str] = []
    inside, release = threading.Event(), threading.Event()
    send = gw.send_look

    def slow(by: object, body: LookCreate, *, key: str, label: str) -> Submitted:
        calls.append(key)
        inside.set()
        release.wait(5)
        return send(by, body, key=key, label=label)  # type: ignore[arg-type]

    gw.send_look = slow  # type: ignore[method-assign]
    first = threading.Thread(target=tablet.look.send)
    first.start()
    assert inside.wait(5)
    tablet.look.send()  # lands while the first is with the API
    release.set()
    first.join(5)
    assert len(calls) == 1 and len(gw.looks) == 1


def test_offline_the_look_waits_in_the_queue_and_is_made_once(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    _save(tablet, gw, 1, SCARF, None)
    open_elif(tablet)
    _compose(tablet, SCARF, channel="sms")
    gw.online = False
    tablet.look.send()
    tablet.look.send()
    assert tablet.look.queued and notice(tablet) == "look_queued"
    assert gw.looks == {}
    [waiting] = tablet.look.queued_looks
    assert waiting.kind == "look" and waiting.customer_id == 1 and "sms" in waiting.label
    gw.online = True
    gw.sync(1, till_rules=False)
    [made] = gw.looks.values()
    assert made.channel == "sms" and [i.sku for i in made.items] == [SCARF]
    assert tablet.look.queued_looks == []


def test_a_consent_withdrawn_meanwhile_is_refused_in_words(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    _whatsapp(gw)
    _save(tablet, gw, 1, SCARF, None)
    open_elif(tablet)
    _compose(tablet, SCARF, channel="whatsapp")
    assert tablet.look.channel == "whatsapp"
    gw.customers[1].profile.consents.whatsapp = NOT_GIVEN  # by the link in an earlier message
    tablet.look.send()
    assert notice(tablet) == "look_refused_consent"
    said = tablet.session.notice
    assert said is not None and t("tr", said.key, **said.values).startswith(
        "Müşterinin WhatsApp izni yok"
    )
    assert tablet.look.channel is None and not tablet.look.done and gw.looks == {}
    chips = {c.channel: c.allowed for c in tablet.look.channels}
    assert chips["whatsapp"] is False  # the customer was read again: the chip follows
    tablet.look.choose_channel("email")
    tablet.look.send()
    assert [x.channel for x in gw.looks.values()] == ["email"]


def test_whatsapp_answers_with_the_link_to_open_once(tablet: Tablet, gw: MemoryGateway) -> None:
    _whatsapp(gw)
    _save(tablet, gw, 1, SHIRT_M, None)
    open_elif(tablet)
    _compose(tablet, SHIRT_M, channel="whatsapp")
    tablet.look.set_lang("en")
    tablet.look.send()
    look = tablet.look.result
    assert look is not None and look.status == "handed"
    url = tablet.look.take_launch()
    assert url is not None and url.startswith("https://wa.me/905321112233?text=Hello%20Elif")
    assert tablet.look.take_launch() is None  # opened once, not on every redraw
    assert notice(tablet) == "look_whatsapp"


def test_whatsapp_is_a_choice_when_the_customer_consents(tablet: Tablet, gw: MemoryGateway) -> None:
    tablet.home.search_text = "can@example.com"  # Can has not consented to anything
    tablet.home.search()
    tablet.home.open_customer(2)
    c = tablet.customer
    assert c.needs_consent is not None
    assert c.consent_channels == ["email", "sms", "whatsapp"]
    c.toggle_consent_channel("whatsapp")
    c.send_consent_code("sms")
    c.confirm_consent_code(gw.consent_code)
    consents = gw.customers[2].profile.consents
    assert consents.clienteling.given and consents.whatsapp.given
    assert not consents.email.given and not consents.sms.given  # only what they chose
    tablet.look.open()
    allowed = [x.channel for x in tablet.look.channels if x.allowed]
    assert allowed == ["whatsapp"]


def test_a_scanned_barcode_goes_into_the_look(tablet: Tablet, gw: MemoryGateway) -> None:
    open_elif(tablet)
    tablet.look.open()
    tablet.take_code("8690000002000")  # the jacket's EAN-13, read by the scanner
    assert tablet.screen == "look" and tablet.look.chosen == [JACKET]
    tablet.take_code("RY1I-DEMO-ELIF")  # a customer's code is no product
    assert notice(tablet) == "look_scan_not_product" and tablet.look.chosen == [JACKET]
