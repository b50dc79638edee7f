"""Scene 12, returns, driven through its actions over the in-memory gateway: the order found by
its receipt number, its QR or the customer's app QR; lines chosen by tapping or scanning, never
more than may come back; a reason asked for; the refund shown is the one taken; a double tap
takes it once; confirmed with the network gone, it waits in the outbox and is sent once."""

from __future__ import annotations

import pytest

from app.tablet.gateway.memory import MemoryGateway
from app.tablet.state.tablet import Tablet
from tests.unit.conftest import demo_tablet
from tests.unit.test_scenes import log_in, notice

SHIRT, SCARF = "8690000001000", "8690000003000"  # EAN-13 of the demo's shirt M and scarf
SHIRT_LINE, SCARF_LINE = 7011, 7012  # the lines of Elif's delivered web order W-2026-000701


@pytest.fixture
def tablet(gw: MemoryGateway) -> Tablet:
    t = demo_tablet(gw, "tr")
    log_in(t)  # Ayşe at IST01
    t.returns.show()
    return t


def toast(t: Tablet) -> str | None:
    found = t.session.take_toast()
    return found.key if found else None


def test_the_receipt_number_opens_the_order_and_a_scan_counts_a_unit(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    r = tablet.returns
    tablet.take_code("w-2026-000701")  # typed from the receipt, in any case
    assert r.opened is not None and r.opened.order_id == 701
    r.scan(SCARF)
    r.scan(SCARF)
    r.scan(SCARF)  # only two were bought
    assert notice(tablet) == "return_line_full"
    assert r.pick(SCARF_LINE).quantity == 2
    r.confirm()
    assert notice(tablet) == "return_choose_reason"
    r.set_reason(SCARF_LINE, "wrong_size")
    shown = r.refund_total
    r.confirm()
    r.confirm()  # a double tap: one return
    assert toast(tablet) == "return_taken"
    assert r.done is not None and r.done.refund_kurus == shown
    assert gw.returnables[701].lines[1].returned == 2
    assert gw.stock["RY-3003-GRI-STD", 1][0] == 5 + 2  # back on this store's shelf


def test_the_customers_app_qr_finds_their_orders(tablet: Tablet) -> None:
    r = tablet.returns
    r.scan("RY1I-DEMO-ELIF")
    assert [o.number for o in r.orders] == ["W-2026-000701"]
    assert r.opened is not None  # the only one: open at once


def test_a_damaged_unit_does_not_go_back_on_the_shelf(tablet: Tablet, gw: MemoryGateway) -> None:
    r = tablet.returns
    r.scan("RY1H-DEMO-701")  # the order's QR
    r.set_quantity(SHIRT_LINE, 5)  # no more than was bought
    assert r.pick(SHIRT_LINE).quantity == 1
    r.set_reason(SHIRT_LINE, "damaged")
    r.set_damaged(SHIRT_LINE, True)
    r.set_method("store_credit")
    r.confirm()
    assert r.done is not None and r.done.refund_method == "store_credit"
    assert r.done.lines[0].stock == "damaged"
    assert gw.stock["RY-1001-BEY-M", 1][0] == 3


def test_an_unknown_code_says_so(tablet: Tablet) -> None:
    tablet.returns.scan("W-1999-000001")
    assert notice(tablet) == "problem"
    assert tablet.returns.opened is None


def test_confirmed_offline_it_waits_and_is_sent_once(tablet: Tablet, gw: MemoryGateway) -> None:
    r = tablet.returns
    r.scan("W-2026-000701")
    r.set_quantity(SCARF_LINE, 1)
    r.set_reason(SCARF_LINE, "changed_mind")
    gw.online = False
    r.confirm()
    assert r.queued and toast(tablet) == "return_queued"
    r.confirm()  # tapped again: still one in the queue
    assert gw.queued == 1
    gw.online = True
    gw.sync(1, till_rules=False)
    assert gw.returnables[701].lines[1].returned == 1


def test_an_exchange_for_another_size_in_one_flow(tablet: Tablet, gw: MemoryGateway) -> None:
    r, x = tablet.returns, tablet.exchange
    r.scan("W-2026-000701")
    r.scan(SHIRT)  # the medium shirt comes back...
    r.set_reason(SHIRT_LINE, "wrong_size")
    x.start()
    assert x.plan is not None
    x.confirm()
    assert notice(tablet) == "exchange_choose_size"
    x.choose(SHIRT_LINE, "RY-1001-BEY-L")  # ...for the large, which only IST02 has
    assert x.source() == "order"
    assert x.difference() == 89990 - 89990 * 9 // 10  # the coupon's share is not given back
    x.confirm()
    x.confirm()  # a double tap: one exchange
    assert toast(tablet) == "exchange_done"
    done = x.plan.done if x.plan else None
    assert done is not None and done.settlement.direction == "charge"
    assert done.order.total_kurus == 89990
    assert gw.returnables[701].lines[0].returned == 1
    assert gw.stock["RY-1001-BEY-L", 2] == [2, 1]  # held at IST02 for the pickup here
