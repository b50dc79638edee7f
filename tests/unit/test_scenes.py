"""Every scene of the tablet, driven through its actions as the Flet views drive them, over the
in-memory gateway: no network, no database, no sleeps."""

from __future__ import annotations

from datetime import date

import pytest

from app.tablet.gateway.memory import MemoryGateway
from app.tablet.state.tablet import Tablet
from tests.unit.conftest import TODAY, demo_tablet


@pytest.fixture
def tablet(gw: MemoryGateway) -> Tablet:
    return demo_tablet(gw, "en")


def log_in(t: Tablet, code: str = "ayse", pin: str = "1234", store: str = "IST01") -> None:
    t.login.store_code, t.login.associate_code = store, code
    t.login.clear_pin()  # a PIN too short to send stays on the pad
    for digit in pin:
        t.login.press_digit(digit)
    t.login.log_in()


def open_elif(t: Tablet) -> None:
    t.home.search_text = "elif@example.com"
    t.home.search()
    t.home.open_customer(t.home.search_results[0].id)


def notice(t: Tablet) -> str | None:
    return t.session.notice.key if t.session.notice else None


# -- enrol -----------------------------------------------------------------------------------


def test_enrol_with_a_one_time_code_then_log_in(gw: MemoryGateway) -> None:
    kept: dict[str, str] = {}
    t = Tablet(gw, remember=lambda k, v: kept.__setitem__(k, v))
    assert t.screen == "enrol"
    t.enrolment.enrol()
    assert t.enrolment.error == "enrol_code_needed"
    t.enrolment.code = "NOPE"
    t.enrolment.enrol()
    assert t.enrolment.error == "enrol_code_invalid"
    t.enrolment.code, t.enrolment.name = " ENROL-IST01 ", "Kasa 2"
    t.enrolment.enrol()
    assert t.screen == "login" and t.session.enrolled
    assert t.login.store_code == "IST01" and kept["store_code"] == "IST01"
    assert kept["device_secret"] == t.session.device_secret
    log_in(t)
    assert t.screen == "home"
    # The code was spent.
    again = Tablet(gw)
    again.enrolment.code = "ENROL-IST01"
    again.enrolment.enrol()
    assert again.enrolment.error == "enrol_code_invalid"


def test_enrol_offline(gw: MemoryGateway) -> None:
    gw.online = False
    t = Tablet(gw)
    t.enrolment.code = "ENROL-IST01"
    t.enrolment.enrol()
    assert t.enrolment.error == "offline" and t.screen == "enrol"


# -- log in ----------------------------------------------------------------------------------


def test_log_in_wrong_pin_then_right(tablet: Tablet) -> None:
    log_in(tablet, pin="9999")
    assert tablet.login.error == "wrong_pin" and tablet.login.pin == ""
    assert tablet.screen == "login"
    log_in(tablet, pin="12")
    assert tablet.login.error == "fill_all"
    log_in(tablet)
    assert tablet.screen == "home" and tablet.session.role == "associate"
    assert tablet.session.store_id == 1 and not tablet.session.offline_session


def test_log_in_pin_pad_takes_digits_only(tablet: Tablet) -> None:
    for key in ("1", "x", "12", "2", "3", "4", "5", "6", "7", "8", "9"):
        tablet.login.press_digit(key)
    assert tablet.login.pin == "12345678"
    tablet.login.clear_pin()
    assert tablet.login.pin == ""


def test_log_in_lock_out_after_wrong_pins(tablet: Tablet) -> None:
    for _ in range(5):
        log_in(tablet, pin="0000")
    log_in(tablet)
    assert tablet.login.error == "locked"


def test_log_in_on_a_tablet_not_enrolled(gw: MemoryGateway) -> None:
    t = Tablet(gw, device_id="stolen", device_secret="guess")
    log_in(t)
    assert t.login.error == "device_not_enrolled" and t.screen == "login"


def test_offline_log_in_only_for_who_logged_in_here(tablet: Tablet, gw: MemoryGateway) -> None:
    log_in(tablet)
    tablet.log_out()
    assert tablet.screen == "login" and tablet.session.who is None
    gw.online = False
    log_in(tablet, code="kemal", pin="2345")
    assert tablet.login.error == "offline_unknown"
    log_in(tablet, pin="4321")
    assert tablet.login.error == "wrong_pin"
    log_in(tablet)
    assert tablet.screen == "home" and tablet.session.offline_session
    assert notice(tablet) == "offline_login"


# -- home ------------------------------------------------------------------------------------


def test_home_scan_barcode_and_sku_open_the_product(tablet: Tablet) -> None:
    log_in(tablet)
    tablet.home.scan_text = "8690000001001"  # the shirt in L
    tablet.home.submit_scan()
    assert tablet.screen == "product" and tablet.product.sku == "RY-1001-BEY-L"
    assert tablet.home.scan_text == ""
    tablet.go_home()
    tablet.take_code("ry-2002-mav-m")
    assert tablet.screen == "product" and tablet.product.product is not None
    assert tablet.product.product.id == 2


def test_home_scan_unknown_and_oversized(tablet: Tablet) -> None:
    log_in(tablet)
    tablet.home.submit_scan("NOTHING-HERE")
    assert notice(tablet) == "scan_unknown" and tablet.screen == "home"
    tablet.home.submit_scan("X" * 5000)  # a scanner gone wild: bad input, not a crash
    assert tablet.session.notice is not None and tablet.session.notice.error
    assert notice(tablet) == "problem" and tablet.screen == "home"
    tablet.home.submit_scan("   ")  # nothing: nothing happens
    assert tablet.screen == "home"


def test_home_scan_coupon_associate_sees_it_cashier_goes_to_till(tablet: Tablet) -> None:
    log_in(tablet)
    tablet.home.submit_scan("HOSGELDIN10")
    assert notice(tablet) == "scan_coupon" and tablet.screen == "home"
    tablet.log_out()
    log_in(tablet, code="kemal", pin="2345")
    tablet.home.submit_scan("HOSGELDIN10")
    assert tablet.screen == "till" and tablet.till.coupon == "HOSGELDIN10"


def test_a_personal_coupon_makes_the_sale_its_owners_wherever_it_is_scanned(
    tablet: Tablet,
) -> None:
    log_in(tablet, code="kemal", pin="2345")
    tablet.home.submit_scan("DOGUMGUNU")  # a cashier on home: to the till, with its owner
    assert tablet.screen == "till" and tablet.till.customer_id == 1
    tablet.till.new_sale()
    assert tablet.till.customer_id is None
    tablet.till.scan("DOGUMGUNU")
    assert tablet.till.customer_id == 1


def test_an_identity_code_at_the_till_makes_the_sale_that_customers(tablet: Tablet) -> None:
    log_in(tablet, code="kemal", pin="2345")
    tablet.till.show()
    tablet.till.scan("RY1I-DEMO-CAN")
    till = tablet.till
    assert till.customer_id == 2 and till.message == "till_customer_attached"
    assert till.coupon == "" and not till.error  # not taken for a coupon


def test_home_search_customers(tablet: Tablet) -> None:
    log_in(tablet)
    tablet.home.search_text = "+905321112233"
    tablet.home.search()
    assert [c.first_name for c in tablet.home.search_results] == ["Elif"]
    tablet.home.search_text = "RY00000002"
    tablet.home.search()
    assert tablet.home.search_results[0].masked  # not consented: masked
    tablet.home.search_text = "nobody@example.com"
    tablet.home.search()
    assert tablet.home.search_results == [] and notice(tablet) == "no_match"


def test_home_search_offline_says_so(tablet: Tablet, gw: MemoryGateway) -> None:
    log_in(tablet)
    gw.online = False
    tablet.home.search_text = "elif@example.com"
    tablet.home.search()
    assert notice(tablet) == "offline"


# -- customer ----------------------------------------------------------------------------------


def test_customer_open_and_note(tablet: Tablet) -> None:
    log_in(tablet)
    open_elif(tablet)
    c = tablet.customer
    assert tablet.screen == "customer" and c.view is not None and c.view.access == "consent"
    assert [r.first_name for r in c.recent] == ["Elif"]
    c.add_note("  Likes linen  ")
    toast = tablet.session.take_toast()  # said briefly, in a snack bar
    assert toast is not None and toast.key == "note_added"
    assert c.view.notes[0].body == "Likes linen"
    c.add_note("   ")  # nothing typed: nothing sent
    assert len(c.view.notes) == 1
    tablet.go_home()
    c.show()
    assert tablet.screen == "customer"


def test_customer_consent_by_code(tablet: Tablet) -> None:
    log_in(tablet)
    tablet.home.search_text = "+905329998877"
    tablet.home.search()
    tablet.home.open_customer(tablet.home.search_results[0].id)
    c = tablet.customer
    assert notice(tablet) == "consent_needed" and c.view is None
    assert c.needs_consent is not None and c.needs_consent.id == 2
    c.send_consent_code("sms")
    assert notice(tablet) == "consent_code_sent" and c.consent.challenge is not None
    c.confirm_consent_code("12a")
    assert notice(tablet) == "consent_code_format"
    c.confirm_consent_code("000000")
    assert notice(tablet) == "consent_code_wrong" and c.consent.tries_left == 2
    c.confirm_consent_code("123456")
    assert tablet.screen == "customer" and c.view is not None
    assert c.view.profile.consents.clienteling.given and c.needs_consent is None
    assert tablet.home.search_results == []  # showed them masked: stale now


def test_customer_consent_code_again(tablet: Tablet) -> None:
    log_in(tablet)
    tablet.home.search_text = "can@example.com"
    tablet.home.search()
    tablet.home.open_customer(2)
    tablet.customer.send_consent_code("email")
    tablet.customer.new_consent_code()
    assert tablet.customer.consent.challenge is None and notice(tablet) is None


def test_customer_consent_by_visit(tablet: Tablet) -> None:
    log_in(tablet)
    tablet.home.submit_scan("RY1I-DEMO-CAN")  # the customer's app QR
    c = tablet.customer
    assert tablet.screen == "customer" and c.view is not None and c.view.access == "visit"
    assert c.may_record_visit_consent
    c.record_consent()
    assert notice(tablet) == "consent_recorded"
    assert c.view.access == "consent" and not c.may_record_visit_consent


# -- product -------------------------------------------------------------------------------------


def test_product_search_select_save_try_on_basket(tablet: Tablet) -> None:
    log_in(tablet)
    open_elif(tablet)
    p = tablet.product
    p.query = "x"
    p.search()
    assert p.results == []
    p.query = "linen"
    p.search()
    assert tablet.screen == "product" and [r.id for r in p.results] == [1]
    p.query = "velvet"
    p.search()
    assert p.error == "no_products"
    p.open(1)
    assert p.sku == "RY-1001-BEY-M" and p.availability is not None
    p.select("RY-1001-BEY-L")
    assert p.availability is not None and p.availability.total_available == 2
    assert p.availability.locations[0].code == "IST01"  # nearest first
    p.save_for_customer()
    assert p.done == "saved_for_customer"
    p.record_try_on("liked")
    assert p.done == "try_on_recorded"
    view = tablet.customer.view
    assert view is not None
    assert view.wishlist[0].item.sku == "RY-1001-BEY-L"
    assert view.try_ons[0].outcome == "liked"
    p.add_to_basket()
    assert p.done == "added_to_basket"
    assert [(x.sku, x.price_kurus) for x in tablet.basket.lines] == [("RY-1001-BEY-L", 89990)]


def test_product_try_on_refused_outcome(tablet: Tablet) -> None:
    log_in(tablet)
    open_elif(tablet)
    tablet.product.open(3)
    tablet.product.record_try_on("stolen")  # not an outcome the API knows: 422
    assert notice(tablet) == "problem" and tablet.product.done is None


def test_product_without_customer_saves_nothing(tablet: Tablet, gw: MemoryGateway) -> None:
    log_in(tablet)
    tablet.product.open(1)
    tablet.product.save_for_customer()
    assert tablet.product.done is None and gw.queued == 0


# -- basket ----------------------------------------------------------------------------------------


def test_basket_ship_to_saved_address(tablet: Tablet, gw: MemoryGateway) -> None:
    log_in(tablet)
    open_elif(tablet)
    b = tablet.basket
    b.place_order()
    assert b.error == "basket_empty"
    b.add("RY-1001-BEY-M", "Linen Shirt", 89990)
    b.add("RY-1001-BEY-M", "Linen Shirt", 89990)
    b.change_quantity("RY-1001-BEY-M", -1)
    assert b.total_kurus == 89990
    b.show()
    b.place_order()
    assert b.error is None and b.placed is not None and b.pay_link is not None
    assert b.lines == [] and not b.queued
    assert gw.stock["RY-1001-BEY-M", 3] == [10, 1]  # shipped from the warehouse
    view = tablet.customer.view
    assert view is not None and view.orders[0].id == b.placed.id


def test_basket_new_address_must_be_complete(tablet: Tablet) -> None:
    log_in(tablet)
    open_elif(tablet)
    b = tablet.basket
    b.add("RY-3003-GRI-STD", "Scarf", 39990)
    b.choose_address(0)  # NEW_ADDRESS: the form
    b.place_order()
    assert b.error == "no_address"
    b.set_address_field("line1", "Bağdat Cad. 5")
    b.place_order()
    assert b.error == "address_incomplete" and "city" in b.error_detail
    b.set_address_field("city", "İstanbul")
    b.place_order()
    assert b.error is None and b.placed is not None


def test_basket_reserve_in_store_offers_stores_that_hold_it(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    log_in(tablet)
    open_elif(tablet)
    b = tablet.basket
    b.add("RY-1001-BEY-L", "Linen Shirt L", 89990)
    b.choose_fulfilment("reserve_in_store")
    assert [o.code for o in b.store_options] == ["IST02"] and b.stores_known
    b.place_order()
    assert b.error == "reserve_choose_store"  # this store has none
    b.choose_store(2)
    b.place_order()
    assert b.placed is not None and b.placed.pickup_location_id == 2
    assert gw.stock["RY-1001-BEY-L", 2] == [2, 1]


def test_basket_out_of_stock_offers_alternatives(tablet: Tablet, gw: MemoryGateway) -> None:
    log_in(tablet)
    open_elif(tablet)
    b = tablet.basket
    b.add("RY-1001-BEY-L", "Linen Shirt L", 89990)
    b.choose_fulfilment("reserve_in_store")
    b.choose_store(1)  # here, where there is none
    b.place_order()
    assert b.error == "out_of_stock" and b.placed is None
    assert [(a.code, a.kind, a.available) for a in b.alternatives] == [("IST02", "store", 2)]
    assert b.lines  # the basket is kept for another try
    b.take_alternative(b.alternatives[0])
    assert b.location_id == 2 and b.error is None
    b.place_order()
    assert b.placed is not None and gw.stock["RY-1001-BEY-L", 2][1] == 1


def test_basket_coupon_on_the_order_is_used_once(tablet: Tablet) -> None:
    log_in(tablet)
    open_elif(tablet)
    b = tablet.basket
    b.add("RY-3003-GRI-STD", "Scarf", 39990)
    b.coupon = "HOSGELDIN10"
    b.place_order()
    assert b.placed is not None and b.placed.discount_kurus == 3999
    b.add("RY-3003-GRI-STD", "Scarf", 39990)
    b.coupon = "HOSGELDIN10"
    b.place_order()
    assert b.error == "order_refused" and b.placed is None


# -- till ------------------------------------------------------------------------------------------


def test_till_coupon_redeemed_once_then_voided(tablet: Tablet) -> None:
    log_in(tablet, code="kemal", pin="2345")
    till = tablet.till
    till.show()
    till.check_coupon()
    assert till.message == "till_need_both"
    tablet.take_code("RY-3003-GRI-STD")  # at the till a scan is an item of the sale
    till.scan("RY-3003-GRI-STD")
    till.scan("HOSGELDIN10")
    assert till.items == {"RY-3003-GRI-STD": 2} and till.coupon == "HOSGELDIN10"
    till.check_coupon()
    assert till.message == "coupon_applies" and till.check is not None
    assert till.check.discount_kurus == 7998
    till.redeem_coupon()
    assert till.message == "coupon_redeemed" and till.redemption is not None
    first_sale = till.sale_ref
    till.new_sale()
    assert till.items == {} and till.coupon == "" and till.sale_ref != first_sale
    till.scan("RY-3003-GRI-STD")
    till.scan("HOSGELDIN10")
    till.check_coupon()
    assert till.message == "coupon_not_applicable"
    till.redeem_coupon()
    assert till.message == "coupon_used_up" and till.error
    till.set_coupon("NOSUCHCODE")
    till.redeem_coupon()
    assert till.message == "coupon_invalid"


def test_till_void_frees_the_coupon(tablet: Tablet) -> None:
    log_in(tablet, code="kemal", pin="2345")
    till = tablet.till
    till.scan("RY-2002-MAV-M")
    till.scan("HOSGELDIN10")
    till.redeem_coupon()
    till.void_coupon()
    assert till.message == "coupon_voided"
    assert till.redemption is not None and till.redemption.status == "voided"
    till.new_sale()
    till.scan("RY-2002-MAV-M")
    till.scan("HOSGELDIN10")
    till.redeem_coupon()
    assert till.message == "coupon_redeemed"


def test_till_offline_offer_then_settled_by_sync(tablet: Tablet, gw: MemoryGateway) -> None:
    log_in(tablet, code="kemal", pin="2345")
    token = gw.coupons["YAZ50"].token
    assert token is not None
    gw.online = False
    till = tablet.till
    till.show()
    till.scan("RY-3003-GRI-STD")  # items come from the cache offline
    till.scan(token)  # a signed coupon QR: kept for the offline check
    assert till.items == {"RY-3003-GRI-STD": 1} and till.coupon == token
    till.redeem_coupon()
    assert till.message == "coupon_offline"
    offer = till.offline_offer
    assert offer is not None and offer.discount_kurus == 5000 and offer.max_count == 2
    till.redeem_offline()
    assert till.queued_offline and till.message == "coupon_redeemed_offline"
    assert [w.kind for w in gw.waiting()] == ["redemption"]
    gw.online = True
    tablet.sync.sync_now()
    assert gw.waiting() == [] and gw.coupons["YAZ50"].redeemed == 1


def test_till_offline_printed_code_needs_the_api(tablet: Tablet, gw: MemoryGateway) -> None:
    log_in(tablet, code="kemal", pin="2345")
    gw.online = False
    till = tablet.till
    till.scan("RY-3003-GRI-STD")
    till.set_coupon("HOSGELDIN10")
    till.redeem_coupon()
    assert till.offline_offer is None and till.message == "offline_printed_code"
    till.check_coupon()
    assert till.message == "coupon_offline"


# -- manager and team --------------------------------------------------------------------------


def test_manager_report_windows(tablet: Tablet, gw: MemoryGateway) -> None:
    log_in(tablet)
    tablet.manager.show()  # not a manager: nothing
    assert tablet.screen == "home"
    tablet.log_out()
    log_in(tablet, code="mert", pin="3456")
    m = tablet.manager
    m.show()
    assert tablet.screen == "manager" and m.report is not None and m.last_day == TODAY
    m.report_period(7)
    assert m.report is not None and len(m.report.days) == 7
    m.report_period(5)  # not a period offered
    assert m.period == 7
    m.report_step(1)  # no figures from the future
    assert m.last_day == TODAY
    m.report_step(-7)
    assert m.report.last_day == date(2026, 6, 8)
    gw.online = False
    m.report_day(TODAY)
    assert m.error == "offline"


def test_team_code_enrols_a_new_tablet(tablet: Tablet, gw: MemoryGateway) -> None:
    log_in(tablet, code="mert", pin="3456")
    team = tablet.team
    team.show()
    assert tablet.screen == "team" and [d.id for d in team.devices] == ["tab-1"]
    assert {s.code for s in team.staff} == {"ayse", "kemal", "mert"}
    team.make_code()
    assert team.done == "team_code_made" and team.code is not None
    other = Tablet(gw)
    other.enrolment.code = team.code.code
    other.enrolment.enrol()
    assert other.screen == "login" and other.session.enrolled
    team.load()
    assert len(team.devices) == 2
    team.ask("revoke", other.session.device_id)
    team.confirm()
    assert team.done == "team_revoked"
    log_in(other)
    assert other.login.error == "device_not_enrolled"


def test_team_deactivate_unlock_activate(tablet: Tablet, gw: MemoryGateway) -> None:
    clerk = Tablet(gw, device_id="tab-1", device_secret="secret-1")
    for _ in range(5):
        log_in(clerk, pin="0000")
    log_in(tablet, code="mert", pin="3456")
    team = tablet.team
    team.show()
    ayse = next(s for s in team.staff if s.code == "ayse")
    assert ayse.locked_on == ["tab-1"]
    team.unlock(ayse.id)
    assert team.done == "team_unlocked"
    assert next(s for s in team.staff if s.code == "ayse").locked_on == []
    team.ask("deactivate", str(ayse.id))
    team.cancel()
    assert team.confirming is None
    team.ask("deactivate", str(ayse.id))
    team.confirm()
    assert team.done == "team_deactivated"
    log_in(clerk)
    assert clerk.login.error == "wrong_pin"
    team.activate(ayse.id)
    log_in(clerk)
    assert clerk.screen == "home"


def test_team_is_managers_only(tablet: Tablet, gw: MemoryGateway) -> None:
    log_in(tablet)
    tablet.team.show()
    assert tablet.screen == "home"
    tablet.team.make_code()  # reached anyway: the API refuses
    assert tablet.team.error == "team_refused"


# -- settings --------------------------------------------------------------------------------------


def test_settings_switch_api_only_when_it_answers(tablet: Tablet, gw: MemoryGateway) -> None:
    kept: dict[str, str] = {}
    tablet.session.remember = lambda k, v: kept.__setitem__(k, v)
    log_in(tablet)
    s = tablet.settings
    s.show()
    assert tablet.screen == "settings" and s.health is not None and s.api_url == gw.api_url
    s.apply_api_url("not a url")
    assert s.error == "bad_url" and gw.api_url == "http://reyon.test"
    s.apply_api_url("nowhere.test:8000")
    assert s.error == "offline" and s.api_in_use == "http://reyon.test"
    s.apply_api_url("backup.reyon.test/")
    assert s.saved and s.api_in_use == "http://backup.reyon.test"
    assert kept["api_url"] == "http://backup.reyon.test"
    # Logged in on the old API: ended, still on settings.
    assert tablet.session.who is None and tablet.screen == "settings"


def test_settings_language(tablet: Tablet) -> None:
    tablet.set_language("tr")
    assert tablet.lang == "tr"
    tablet.set_language("de")
    assert tablet.lang == "tr"


# -- sync --------------------------------------------------------------------------------------------


def test_offline_writes_wait_and_are_sent_by_sync(tablet: Tablet, gw: MemoryGateway) -> None:
    log_in(tablet)
    open_elif(tablet)
    gw.online = False
    c, p, b = tablet.customer, tablet.product, tablet.basket
    c.add_note("Back on Friday")
    assert notice(tablet) == "note_queued"
    p.open(3)  # the catalogue is cached
    p.save_for_customer()
    assert p.done == "saved_queued"
    p.record_try_on("bought")
    assert p.done == "try_on_queued"
    p.add_to_basket()
    b.place_order()
    assert b.queued and b.placed is None and b.lines == []
    assert len(c.queued_orders) == 1
    assert tablet.sync.queued == 4 and not tablet.sync.online
    tablet.sync.show()
    tablet.sync.sync_now()  # still offline: nothing lost, nothing sent
    assert tablet.sync.queued == 4
    gw.online = True
    tablet.sync.sync_now()
    assert tablet.sync.queued == 0 and tablet.sync.failed == 0 and tablet.sync.last_sync
    view = c.view
    assert view is not None
    assert view.notes[0].body == "Back on Friday"
    assert view.wishlist[0].item.sku == "RY-3003-GRI-STD"
    assert view.try_ons[0].outcome == "bought" and len(view.orders) == 1
    assert gw.stock["RY-3003-GRI-STD", 3] == [20, 1]


def test_queued_order_refused_on_sync_shows_failed(tablet: Tablet, gw: MemoryGateway) -> None:
    log_in(tablet)
    open_elif(tablet)
    gw.online = False
    tablet.basket.add("RY-2002-MAV-M", "Denim Jacket", 149990)
    tablet.basket.place_order()
    assert tablet.basket.queued
    for loc in (1, 2, 3):  # sold out everywhere meanwhile
        gw.stock["RY-2002-MAV-M", loc] = [0, 0]
    gw.online = True
    tablet.sync.sync_now()
    [work] = tablet.sync.waiting
    assert work.status == "failed" and work.error_kind == "out-of-stock"
    assert tablet.sync.failed == 1 and tablet.customer.queued_orders == []
    tablet.sync.dismiss(work.id)
    assert tablet.sync.waiting == []


def test_offline_session_resumes_online_at_sync(tablet: Tablet, gw: MemoryGateway) -> None:
    log_in(tablet)
    tablet.log_out()
    gw.online = False
    log_in(tablet)
    assert tablet.session.offline_session
    gw.online = True
    tablet.sync.sync_now()
    assert not tablet.session.offline_session and tablet.session.who is not None


def test_log_out_forgets_the_customers(tablet: Tablet) -> None:
    log_in(tablet)
    open_elif(tablet)
    tablet.basket.add("RY-3003-GRI-STD", "Scarf", 39990)
    tablet.log_out()
    assert tablet.customer.view is None and tablet.customer.recent == []
    assert tablet.basket.lines == [] and tablet.login.associate_code == ""


# -- the error boundary --------------------------------------------------------------------------


@pytest.mark.tablet_failure_expected
def test_an_unexpected_failure_leaves_the_scene_usable(
    tablet: Tablet, gw: MemoryGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in(tablet)

    def broken(q: str, limit: int = 20) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(gw, "search_products", broken)
    tablet.product.query = "linen"
    tablet.product.search()  # no exception reaches the view
    assert notice(tablet) == "unexpected_error"
    assert tablet.session.notice is not None and tablet.session.notice.error
    monkeypatch.undo()
    tablet.product.search()
    assert [r.id for r in tablet.product.results] == [1]
    tablet.go_home()
    assert tablet.screen == "home" and notice(tablet) is None


def test_a_sync_redraws_only_the_customer_scene_with_the_fresh_view(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    """The sync brings a newer view of the customer last opened: it redraws the customer
    scene when it is on screen, and never another scene, where a redraw could drop a
    character the associate is typing."""
    log_in(tablet)
    open_elif(tablet)
    shown = tablet.customer.customer_id
    assert shown is not None
    redraws: list[str] = []
    tablet.session.subscribe(lambda: redraws.append(tablet.session.screen))

    def points_elsewhere(points: int) -> None:  # another till earns the customer points
        gw.customers[shown].profile.points = points

    points_elsewhere(4_321)
    tablet.sync.sync_now()
    assert redraws == ["customer"]
    view = tablet.customer.view
    assert view is not None and view.profile.points == 4_321

    tablet.go_home()
    tablet.home.scan_text = "RY-30"  # half typed
    redraws.clear()
    points_elsewhere(5_000)
    tablet.sync.sync_now()
    assert redraws == [] and tablet.home.scan_text == "RY-30"
    view = tablet.customer.view
    assert view is not None and view.profile.points == 5_000  # fresh when they come back


def test_scenes_ask_for_their_pictures_before_they_are_drawn(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    """Search results, a product's grid and a customer's lists name their pictures to the
    gateway first, which fetches them several at once (not one by one while drawing)."""
    log_in(tablet)
    tablet.product.query = "gömlek"
    tablet.product.search()
    assert tablet.product.results
    assert {p.thumb_url for p in tablet.product.results} <= set(gw.prefetched)
    gw.prefetched.clear()
    tablet.product.open(tablet.product.results[0].id)
    assert tablet.product.picture_url() in gw.prefetched
    open_elif(tablet)
    tablet.product.open(tablet.product.results[0].id)
    tablet.product.save_for_customer()  # something on her list to picture
    gw.prefetched.clear()
    open_elif(tablet)
    view = tablet.customer.view
    assert view is not None and view.wishlist
    assert {w.item.thumb_url for w in view.wishlist} <= set(gw.prefetched)
