"""Scene 13, transfers, driven through its actions over the in-memory gateway: a box counted by
scanning (a wrong item and one too many refused, a unit taken back), sent once however many
taps; a box received sound and damaged with what is missing recorded; a request written from
a product's stock elsewhere, for the customer on the tablet; the network gone for a moment."""

from __future__ import annotations

import pytest

from app.domain.transfers import TransferReason, TransferStatus
from app.tablet.gateway.memory import MemoryGateway
from app.tablet.gateway.memory_world import _transfer
from app.tablet.state.tablet import Tablet
from tests.unit.conftest import demo_tablet
from tests.unit.test_scenes import log_in, notice, open_elif

SHIRT, SCARF = "8690000001000", "8690000003000"  # EAN-13 of the demo's shirt M and scarf
SCARF_SKU = "RY-3003-GRI-STD"


@pytest.fixture
def tablet(gw: MemoryGateway) -> Tablet:
    t = demo_tablet(gw, "tr")
    log_in(t)  # Ayşe at IST01
    t.transfers.show()
    return t


def toast(t: Tablet) -> str | None:
    found = t.session.take_toast()
    return found.key if found else None


def on_its_way_here(gw: MemoryGateway, units: int) -> int:
    """A box IST02 sent to IST01 with `units` scarves (as IST02's tablet would have)."""
    t = _transfer(gw, 602, sender=2, receiver=1, skus={SCARF_SKU: units})
    lines = [ln.model_copy(update={"sent": units, "in_transit": units}) for ln in t.lines]
    gw.moves[602] = t.model_copy(update={"status": TransferStatus.SENT, "lines": lines})
    return 602


def test_the_lists_show_what_to_send_and_what_is_coming(tablet: Tablet, gw: MemoryGateway) -> None:
    on_its_way_here(gw, 2)
    x = tablet.transfers
    x.refresh()
    assert tablet.screen == "transfers"
    assert [t.id for t in x.outgoing] == [601] and x.mode(x.outgoing[0]) == "send"
    assert [t.id for t in x.incoming] == [602] and x.mode(x.incoming[0]) == "receive"
    assert {x.picture_url(ln) for ln in x.outgoing[0].lines} <= set(gw.prefetched)


def test_a_box_is_counted_by_scanning_and_sent_once(tablet: Tablet, gw: MemoryGateway) -> None:
    x = tablet.transfers
    tablet.take_code(SCARF)  # at the list: opens the box waiting for it, and counts one
    assert x.opened is not None and x.opened.id == 601
    assert toast(tablet) == "transfer_counted"
    x.scan(SHIRT)
    assert notice(tablet) == "transfer_wrong_item_here"
    x.scan(SCARF_SKU.lower())  # the hang tag's SKU, typed in lower case, counts too
    x.scan(SCARF)
    assert notice(tablet) == "transfer_line_full"
    assert x.box == {6011: 2}
    x.take_one_back(6011)  # one went back on the shelf after all
    x.send()
    x.send()  # a double tap: nothing more
    assert toast(tablet) == "transfer_sent"
    sent = gw.moves[601]
    assert sent.status == TransferStatus.SENT and sent.lines[0].sent == 1
    # One left the shelf; the hold of two is given back.
    assert gw.stock[SCARF_SKU, 1] == [4, 0]
    assert x.outgoing == []


def test_nothing_is_sent_from_an_empty_box(tablet: Tablet, gw: MemoryGateway) -> None:
    x = tablet.transfers
    x.open(601)
    x.send()
    assert notice(tablet) == "transfer_scan_first"
    assert gw.moves[601].status == TransferStatus.REQUESTED


def test_a_box_received_sound_and_damaged_records_what_is_missing(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    tid = on_its_way_here(gw, 3)
    x = tablet.transfers
    x.refresh()
    x.open(tid)
    x.scan(SCARF)
    x.set_damaged_mode(True)
    x.scan(SCARF)
    assert x.box == {6021: 1} and x.damaged == {6021: 1}
    x.receive()
    assert toast(tablet) == "transfer_received_short"
    done = gw.moves[tid]
    assert done.status == TransferStatus.PARTLY_RECEIVED
    line = done.lines[0]
    assert (line.received, line.damaged, line.short) == (1, 1, 1)
    assert gw.stock[SCARF_SKU, 1][0] == 5 + 1  # only the sound one joins the shelf
    # The closed box stays on screen with its differences until the associate goes back.
    assert x.opened is not None and x.mode(x.opened) == "done"
    x.receive()  # a late tap: nothing
    assert gw.moves[tid].lines[0].received == 1


def test_with_the_network_gone_the_box_is_kept_and_sent_when_it_is_back(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    x = tablet.transfers
    x.open(601)
    x.scan(SCARF)
    gw.online = False
    x.send()
    assert notice(tablet) == "offline"
    assert x.box == {6011: 1} and gw.moves[601].status == TransferStatus.REQUESTED
    gw.online = True
    x.send()
    assert gw.moves[601].status == TransferStatus.SENT


def test_a_request_from_a_products_stock_elsewhere_for_the_customer(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    open_elif(tablet)
    tablet.product.open(3, SCARF_SKU)
    tablet.product.ask_from(2)  # IST02 has five
    x = tablet.transfers
    assert tablet.screen == "transfers" and x.draft is not None and x.draft.for_customer
    x.set_quantity(99)  # no more than IST02 has
    assert x.draft.quantity == 5
    x.set_quantity(2)
    x.submit_request()
    x.submit_request()  # a double tap: one request
    assert toast(tablet) == "transfer_requested"
    asked = [t for t in gw.moves.values() if t.to_location_id == 1]
    assert len(asked) == 1
    assert asked[0].reason == TransferReason.CUSTOMER and asked[0].customer_id == 1
    assert gw.stock[SCARF_SKU, 2] == [5, 2]  # held at the sender
    # Waiting for IST02 to send: the request can still be taken back.
    assert x.opened is not None and x.mode(x.opened) == "wait"
    x.take_back()
    assert gw.moves[asked[0].id].status == TransferStatus.CANCELLED
    assert gw.stock[SCARF_SKU, 2] == [5, 0]


def test_nothing_to_ask_where_nothing_is_available_or_from_here(tablet: Tablet) -> None:
    tablet.product.open(1, "RY-1001-BEY-L")  # only IST02 has the large shirt
    tablet.product.ask_from(1)  # this store: no
    tablet.product.ask_from(3)  # the warehouse has none
    assert tablet.transfers.draft is None
    tablet.product.ask_from(2)
    draft = tablet.transfers.draft
    assert draft is not None and not draft.for_customer and draft.available == 2


def test_another_tablet_sending_first_refreshes_the_box(tablet: Tablet, gw: MemoryGateway) -> None:
    x = tablet.transfers
    x.open(601)
    x.scan(SCARF)
    gw.send_transfer(601, [SCARF, SCARF], key="the-other-tablet")
    x.send()
    assert notice(tablet) == "problem"
    assert x.opened is None or x.mode(x.opened) == "done"
    assert x.outgoing == []
