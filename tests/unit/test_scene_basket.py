"""The basket and the till as a store team uses them (issue 13), driven through their
actions over the in-memory gateway: bounded quantities, large orders confirmed, the reserve
list kept true to the basket, the pay link sent, the till in words and prices."""

from __future__ import annotations

import pytest

from app.tablet.gateway.memory import MemoryGateway
from app.tablet.state.basket_lines import CONFIRM_KURUS, CONFIRM_UNITS, MAX_PER_LINE
from app.tablet.state.tablet import Tablet
from tests.unit.conftest import demo_tablet
from tests.unit.test_scenes import log_in, open_elif


@pytest.fixture
def tablet(gw: MemoryGateway) -> Tablet:
    return demo_tablet(gw, "tr")


@pytest.fixture
def drawn(tablet: Tablet) -> list[str]:
    """Every whole redraw of the scene, by the screen it showed."""
    seen: list[str] = []
    tablet.session.subscribe(lambda: seen.append(tablet.screen))
    return seen


def serving_elif(t: Tablet) -> None:
    log_in(t)
    open_elif(t)


# -- quantities --------------------------------------------------------------------------------


def test_steps_are_bounded_and_draw_nothing_but_count_every_tap(
    tablet: Tablet, drawn: list[str]
) -> None:
    serving_elif(tablet)
    b = tablet.basket
    b.add("RY-3003-GRI-STD", "Atkı", 39990, product_id=3, colour="Gri", size="STD")
    drawn.clear()
    for _ in range(45):
        b.step("RY-3003-GRI-STD", 1)
    assert b.lines[0].quantity == MAX_PER_LINE == 10
    assert drawn == []  # a plain step redraws nothing: the view updates its own texts
    for _ in range(3):
        b.step("RY-3003-GRI-STD", -1)
    assert b.lines[0].quantity == 7
    for _ in range(20):
        b.step("RY-3003-GRI-STD", -1)
    assert b.lines[0].quantity == 1  # "-" never takes the line out
    b.remove_line("RY-3003-GRI-STD")
    assert b.lines == [] and drawn  # removing is its own action, and redraws


def test_never_more_than_is_available_where_known(tablet: Tablet) -> None:
    serving_elif(tablet)
    b = tablet.basket
    b.add("RY-1001-BEY-L", "Gömlek L", 89990, available=2)
    for _ in range(5):
        b.step("RY-1001-BEY-L", 1)
    assert b.lines[0].quantity == 2 and b.lines[0].most == 2
    b.add("RY-1001-BEY-L", "Gömlek L", 89990)  # added again: still bounded
    assert b.lines[0].quantity == 2


def test_the_line_knows_its_picture(tablet: Tablet) -> None:
    serving_elif(tablet)
    b = tablet.basket
    b.add("RY-2002-MAV-M", "Ceket", 149990, product_id=2, colour="Mavi", size="M")
    b.add("RY-3003-GRI-STD", "Atkı", 39990)  # an older caller: no picture, a placeholder
    assert b.lines[0].thumb_url == "/v1/media/products/2.webp?colour=mavi&size=thumb&v=1"
    assert b.lines[1].thumb_url is None


# -- a large order is confirmed ---------------------------------------------------------------


def test_a_large_order_waits_for_a_yes(tablet: Tablet, gw: MemoryGateway) -> None:
    serving_elif(tablet)
    b = tablet.basket
    b.add("RY-3003-GRI-STD", "Atkı", 39990)
    for _ in range(CONFIRM_UNITS):
        b.step("RY-3003-GRI-STD", 1)
    assert b.units == CONFIRM_UNITS + 1 and b.large
    b.place_order()
    assert b.confirming and b.placed is None and not gw.orders  # nothing placed yet
    b.keep_editing()
    assert not b.confirming and b.lines
    b.place_order()
    b.place_order(confirmed=True)
    assert not b.confirming and b.placed is not None and len(gw.orders) == 1
    b.place_order(confirmed=True)  # a second tap on "yes": still the one order, still shown
    assert len(gw.orders) == 1 and b.placed is not None


def test_a_small_order_goes_with_one_tap_and_an_expensive_one_is_confirmed(
    tablet: Tablet,
) -> None:
    serving_elif(tablet)
    b = tablet.basket
    b.add("RY-2002-MAV-M", "Ceket", 149990)
    assert not b.large
    b.place_order()
    assert b.placed is not None
    assert CONFIRM_KURUS == 2_000_000
    b.add("RY-2002-MAV-M", "Ceket", 2_100_000)  # a price above the sum: one unit is enough
    assert b.large


# -- reserve in store ------------------------------------------------------------------------


def test_reserve_without_a_store_that_holds_it_is_not_sent(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    serving_elif(tablet)
    b = tablet.basket
    b.choose_fulfilment("reserve_in_store")  # before any line: nothing to look up yet
    b.add("RY-1001-BEY-L", "Gömlek L", 89990)  # only IST02 holds it
    assert [o.code for o in b.store_options] == ["IST02"]
    b.place_order()
    assert b.error == "reserve_choose_store" and not gw.orders  # never sent to be refused
    b.step("RY-1001-BEY-L", 1)
    b.step("RY-1001-BEY-L", 1)  # three: no store holds them all
    assert b.store_options == [] and b.stores_known
    b.place_order()
    assert b.error == "reserve_choose_store" and not gw.orders


def test_a_chosen_store_that_no_longer_holds_the_basket_is_dropped(tablet: Tablet) -> None:
    serving_elif(tablet)
    b = tablet.basket
    b.add("RY-1001-BEY-M", "Gömlek M", 89990)  # IST01 3, IST02 1
    b.choose_fulfilment("reserve_in_store")
    b.choose_store(2)
    b.step("RY-1001-BEY-M", 1)  # two: only IST01 (here) has two
    assert [o.code for o in b.store_options] == ["IST01"] and b.location_id is None


def test_the_reserve_list_follows_the_next_basket(tablet: Tablet, gw: MemoryGateway) -> None:
    serving_elif(tablet)
    b = tablet.basket
    b.add("RY-1001-BEY-L", "Gömlek L", 89990)
    b.choose_fulfilment("reserve_in_store")
    b.choose_store(2)
    b.place_order()
    assert b.placed is not None and b.placed.pickup_location_id == 2
    b.add("RY-2002-MAV-M", "Ceket", 149990)  # only here (IST01) and online
    b.show()
    assert [o.code for o in b.store_options] == ["IST01"]
    b.place_order()
    assert b.error is None and b.placed is not None


# -- the confirmation and the pay link --------------------------------------------------------


def test_the_pay_link_goes_to_the_customers_own_phone_or_e_mail(
    tablet: Tablet, gw: MemoryGateway, drawn: list[str]
) -> None:
    serving_elif(tablet)
    b = tablet.basket
    b.add("RY-3003-GRI-STD", "Atkı", 39990, product_id=3, colour="Gri")
    b.place_order()
    order = b.placed
    assert order is not None and b.pay_link is not None
    assert b.placed_pictures == {"RY-3003-GRI-STD": b.placed_pictures["RY-3003-GRI-STD"]}
    b.send_pay_link("sms")
    assert gw.pay_links_sent == [(order.id, "sms", "+905321112233")]  # type: ignore[attr-defined]
    toast = tablet.session.take_toast()
    assert toast is not None and toast.key == "pay_link_sent_sms"
    b.send_pay_link("email")
    assert b.pay_link_sent == ["sms", "email"] and b.error is None
    b.send_pay_link("fax")  # not a channel: nothing happens
    assert len(gw.pay_links_sent) == 2  # type: ignore[attr-defined]
    gw.customers[1].profile.phone = None
    b.send_pay_link("sms")
    assert b.error == "pay_link_no_sms"
    gw.online = False
    b.send_pay_link("email")
    assert b.error == "offline"


# -- the till ---------------------------------------------------------------------------------


def test_the_till_knows_names_prices_and_a_running_total(tablet: Tablet) -> None:
    log_in(tablet, "kemal", "2345")
    till = tablet.till
    till.show()
    till.check_coupon()
    assert till.message == "till_need_both"
    till.scan("RY-3003-GRI-STD")
    assert till.message is None and not till.error  # the old message is gone
    till.scan("RY-3003-GRI-STD")
    till.scan("RY-2002-MAV-M")
    item = till.known["RY-3003-GRI-STD"]
    assert (item.name("tr"), item.name("en"), item.size, item.colour_name("en")) == (
        "Yün Atkı",
        "Wool Scarf",
        "STD",
        "Grey",
    )
    assert till.total_kurus == 2 * 39990 + 149990
    till.remove_item("RY-3003-GRI-STD")
    assert till.items == {"RY-3003-GRI-STD": 1, "RY-2002-MAV-M": 1}
    assert till.total_kurus == 39990 + 149990


def test_a_personal_coupon_makes_the_sale_its_owners_and_is_credited_to_them(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    log_in(tablet, "kemal", "2345")
    till = tablet.till
    till.show()
    till.scan("RY-2002-MAV-M")
    till.scan("DOGUMGUNU")  # customer 1's birthday coupon
    assert till.customer_id == 1 and till.shopper_name == ""  # not opened on this tablet
    till.check_coupon()
    assert till.message == "coupon_applies"
    till.redeem_coupon()
    assert till.message == "coupon_redeemed" and till.redemption is not None
    till.new_sale()
    assert till.items == {} and till.known and till.check is None and till.redemption is None


def test_a_refusal_at_the_till_is_in_the_cashiers_words(tablet: Tablet) -> None:
    log_in(tablet, "kemal", "2345")
    till = tablet.till
    till.show()
    till.scan("RY-3003-GRI-STD")
    till.scan("X" * 300)  # a very long printed code: taken as a code, refused in words
    till.redeem_coupon()
    assert till.message == "coupon_invalid" and till.error
    assert till.detail and "problem" not in till.detail and "http" not in till.detail
