"""Scene 11, prepare and hand over, driven through its actions over the in-memory gateway:
the queue oldest first, picking by scan (a wrong item refused, an item scanned at the list
opening the oldest order that waits for it), ready once, the hand-over only against the
customer's own code, double taps and a network gone for a moment."""

from __future__ import annotations

import pytest

from app.domain.fulfilment import Step
from app.tablet.gateway.memory import MemoryGateway
from app.tablet.state.tablet import Tablet
from tests.unit.conftest import demo_tablet
from tests.unit.test_scenes import log_in, notice

SHIRT, SCARF = "8690000001000", "8690000003000"  # the demo order's two items (EAN-13)


@pytest.fixture
def tablet(gw: MemoryGateway) -> Tablet:
    t = demo_tablet(gw, "tr")
    log_in(t)
    t.prepare.show()
    return t


def toast(t: Tablet) -> str | None:
    found = t.session.take_toast()
    return found.key if found else None


def test_the_queue_shows_this_stores_orders_with_their_pictures_ahead(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    p = tablet.prepare
    assert tablet.screen == "prepare"
    assert [o.number for o in p.orders] == ["RY-501", "RY-502"]  # oldest first
    assert [o.step for o in p.orders] == [Step.PICK, Step.PICK]
    assert {p.picture_url(ln) for ln in p.orders[0].lines} <= set(gw.prefetched)


def test_pick_every_item_then_ready_then_hand_over_against_the_customers_code(
    tablet: Tablet,
) -> None:
    p = tablet.prepare
    p.open(501)
    tablet.take_code(SHIRT)  # the camera or a hardware scanner: the same way in
    assert toast(tablet) == "prepare_picked"
    p.scan(SCARF)
    p.scan("RY-3003-GRI-STD")  # the hang tag's SKU counts like the EAN
    assert p.opened is not None and p.opened.step == Step.MARK_READY
    p.mark_ready()
    p.mark_ready()  # a double tap: the second does nothing
    assert toast(tablet) == "prepare_ready_told"
    assert p.opened.step == Step.HAND_OVER
    p.hand_over()  # no proof yet: asks for the customer's code
    assert notice(tablet) == "prepare_scan_proof"
    p.scan("RY1I-DEMO-ELIF")
    assert p.proof == "RY1I-DEMO-ELIF" and p.opened is not None
    p.hand_over()
    assert toast(tablet) == "prepare_handed_over"
    assert p.opened is None and [o.order_id for o in p.orders] == [502]  # the parcel waits
    p.hand_over()  # a double tap after it went: nothing to do, nothing said
    assert notice(tablet) is None


def test_a_wrong_item_and_one_too_many_are_refused_in_words(tablet: Tablet) -> None:
    p = tablet.prepare
    p.open(501)
    p.scan("8690000002000")  # the jacket: on no line of this order
    assert notice(tablet) == "problem"
    assert "bu siparişte yok" in str(tablet.session.notice.values["text"])  # type: ignore[union-attr]
    p.scan(SHIRT)
    p.scan(SHIRT)  # one was ordered
    assert notice(tablet) == "problem"
    assert p.opened is not None and p.opened.lines[0].picked == 1


def test_an_item_scanned_at_the_list_opens_the_oldest_order_waiting_for_it(
    tablet: Tablet,
) -> None:
    p = tablet.prepare
    p.scan(SCARF)
    assert p.opened is not None and p.opened.order_id == 501
    assert p.opened.lines[1].picked == 1
    p.close()
    p.scan("8690000001001")  # the large shirt: no order here waits for it
    assert notice(tablet) == "prepare_item_not_wanted" and p.opened is None


def test_another_customers_code_hands_nothing_over(tablet: Tablet, gw: MemoryGateway) -> None:
    p = tablet.prepare
    p.open(501)
    for code in (SHIRT, SCARF, SCARF):
        p.scan(code)
    p.mark_ready()
    p.scan("RY1I-DEMO-CAN")  # Can's own app code, not Elif's
    p.hand_over()
    assert notice(tablet) == "problem"
    assert p.proof is None  # a wrong code is not kept for the next tap
    assert gw.pickups[501].status == "ready"


def test_the_customers_code_at_the_list_opens_their_order(tablet: Tablet) -> None:
    p = tablet.prepare
    p.scan("RY1I-DEMO-ELIF")
    assert p.opened is not None and p.opened.order_id == 501
    # Finding them used the one-time code up: not kept as the hand-over's proof.
    assert p.proof is None and notice(tablet) == "prepare_show_code_again"


def test_with_the_network_gone_nothing_moves_and_the_scene_says_so(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    p = tablet.prepare
    p.open(501)
    gw.online = False
    p.scan(SHIRT)
    assert notice(tablet) == "offline"
    assert gw.pickups[501].lines[0].picked == 0
    gw.online = True
    p.scan(SHIRT)
    assert gw.pickups[501].lines[0].picked == 1


def test_another_tablet_getting_there_first_refreshes_the_queue(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    p = tablet.prepare
    p.open(501)
    for code in (SHIRT, SCARF, SCARF):
        gw.pick(501, code, key=f"other-{code}-{len(gw._step_answers)}")
    p.scan(SHIRT)  # the other tablet picked it all: refused, and the queue fetched again
    assert notice(tablet) == "problem"
    assert p.opened is not None and p.opened.step == Step.MARK_READY


def test_a_parcel_is_picked_packed_and_shipped_with_its_tracking(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    p = tablet.prepare
    p.open(502)
    p.ship()  # not packed yet: nothing happens
    p.pack()  # not picked yet: nothing happens
    assert gw.pickups[502].step == Step.PICK
    p.scan("8690000002000")  # Can's jacket
    assert p.opened is not None and p.opened.step == Step.PACK
    p.pack()
    p.pack()  # a double tap: packed once
    assert toast(tablet) == "prepare_packed"
    assert p.opened is not None and p.opened.step == Step.SHIP
    p.ship()
    assert toast(tablet) == "prepare_shipped"
    assert gw.pickups[502].parcel is not None
    assert gw.pickups[502].parcel.tracking_number == "MEM00000502"
    assert p.opened is None and [o.order_id for o in p.orders] == [501]
