"""The tablet's state objects (no Flet) against the real API, for the scenes around the sale:
where an endless-aisle order goes (a store that has the whole basket, a new address, the
alternatives offered when stock ran out), notes, a code read off a picture, the manager's
report and settings."""

from __future__ import annotations

from datetime import timedelta

from app.contracts.catalog import ProductQuery
from app.server.customers.models import Customer
from app.tablet.client import ReyonClient
from app.tablet.state.basket_order import NEW_ADDRESS
from app.tablet.state.tablet import Tablet
from tests import factories
from tests.conftest import World
from tests.integration.test_consent import _code_in, _sms
from tests.integration.test_tablet_state import enrolled, log_in, state_for
from tests.qr_scenes import photo_scene
from tests.server import HANG_S


def reserve_one(
    state: Tablet, world: World, product_id: int, sku: str, code: str = "t-associate"
) -> None:
    """Logged in, serving the consenting customer, one unit of `sku` in a basket to reserve."""
    log_in(state, code=code)
    state.home.open_customer(world.base.consenting_customer)
    state.product.open(product_id, sku)
    state.product.add_to_basket()
    state.basket.choose_fulfilment("reserve_in_store")


def test_reserve_in_a_store_that_has_the_whole_basket(world: World) -> None:
    b = world.base
    product_id, skus = factories.product(
        world.db,
        sizes=("M",),
        stock={b.stores["IST01"]: 1, b.stores["IST02"]: 3, b.stores["ANK01"]: 2},
    )
    state = state_for(world)
    log_in(state)
    state.home.open_customer(b.consenting_customer)
    state.product.open(product_id, skus[0])
    state.product.add_to_basket()
    state.product.add_to_basket()
    state.basket.choose_fulfilment("reserve_in_store")
    # Two units: this store has one, so it is not offered; nearest first.
    assert [o.code for o in state.basket.store_options] == ["IST02", "ANK01"]
    state.basket.change_quantity(skus[0], 1)  # three units: only IST02 holds them
    assert [o.code for o in state.basket.store_options] == ["IST02"]
    state.basket.change_quantity(skus[0], -2)  # one unit: this store qualifies again, first
    assert [o.code for o in state.basket.store_options] == ["IST01", "IST02", "ANK01"]
    state.basket.change_quantity(skus[0], 1)
    state.basket.choose_store(b.stores["IST02"])
    state.basket.place_order()
    placed = state.basket.placed
    assert placed is not None and placed.fulfilment_type == "reserve_in_store"
    assert placed.lines[0].source_location_code == "IST02"


def test_reserving_here_when_this_store_has_none_asks_for_a_store_and_sends_nothing(
    world: World,
) -> None:
    b = world.base
    product_id, skus = factories.product(
        world.db, sizes=("S",), stock={b.stores["IST01"]: 0, b.stores["IST02"]: 2}
    )
    state = state_for(world)
    reserve_one(state, world, product_id, skus[0])
    basket = state.basket
    assert [o.code for o in basket.store_options] == ["IST02"]
    state.basket.choose_store(None)  # this store, which has none
    state.basket.place_order()
    assert basket.error == "reserve_choose_store" and basket.placed is None
    assert basket._key is None and not basket.queued  # nothing was sent
    state.basket.choose_store(b.stores["IST02"])
    state.basket.place_order()
    assert basket.placed is not None
    assert basket.placed.lines[0].source_location_code == "IST02"


def test_out_of_stock_offers_where_it_still_is_and_one_tap_takes_it(world: World) -> None:
    b = world.base
    product_id, skus = factories.product(
        world.db, sizes=("S",), stock={b.stores["IST01"]: 1, b.stores["IST02"]: 2}
    )
    state = state_for(world)
    reserve_one(state, world, product_id, skus[0])
    state.basket.choose_store(None)  # this store, which has the last one
    # Meanwhile a colleague's tablet reserves that last one for another customer.
    colleague = state_for(world)
    reserve_one(colleague, world, product_id, skus[0], code="t-cashier")
    colleague.basket.place_order()
    assert colleague.basket.placed is not None
    state.basket.place_order()
    basket = state.basket
    assert basket.error == "out_of_stock" and basket.placed is None
    offered = {a.code: a for a in basket.alternatives}
    assert "IST02" in offered and offered["IST02"].available == 2
    state.basket.take_alternative(offered["IST02"])
    assert basket.fulfilment == "reserve_in_store" and basket.location_id == b.stores["IST02"]
    assert basket.error is None and basket.alternatives == []
    state.basket.place_order()
    assert basket.placed is not None
    assert basket.placed.lines[0].source_location_code == "IST02"


def test_ship_to_a_new_address_and_an_incomplete_one_is_refused_before_sending(
    world: World,
) -> None:
    b = world.base
    product_id, skus = factories.product(world.db, stock={b.warehouse: 5})
    state = state_for(world)
    log_in(state)
    state.home.open_customer(b.consenting_customer)  # has a saved home address
    state.product.open(product_id, skus[0])
    state.product.add_to_basket()
    state.basket.choose_address(NEW_ADDRESS)
    state.basket.place_order()
    assert state.basket.error == "no_address"
    state.basket.set_address_field("line1", "Kordon Boyu 5")
    state.basket.place_order()  # no city
    assert state.basket.error == "address_incomplete" and "city" in state.basket.error_detail
    assert state.basket._key is None  # nothing was sent
    state.basket.set_address_field("city", "İzmir")
    state.basket.set_address_field("postal_code", "35220")
    state.basket.place_order()
    placed = state.basket.placed
    assert placed is not None, state.basket.error_detail
    assert placed.ship_to is not None
    assert placed.ship_to["city"] == "İzmir" and placed.ship_to["line1"] == "Kordon Boyu 5"
    assert placed.ship_to["recipient"]  # the customer's own name when left blank
    # The next order starts from the saved address again.
    assert state.basket.address_id is None
    assert state.basket.new_address["line1"] == ""


def test_a_note_shows_in_the_customer_view(world: World) -> None:
    state = state_for(world)
    log_in(state)
    state.home.open_customer(world.base.consenting_customer)
    state.customer.add_note("   ")  # nothing to save
    assert state.session.notice is None
    state.customer.add_note("Prefers slim fit; call before the sale.")
    toast = state.session.take_toast()  # said briefly, in a snack bar
    assert toast is not None and toast.key == "note_added"
    assert state.customer.view is not None
    assert "Prefers slim fit" in state.customer.view.notes[0].body


def test_a_code_read_off_a_camera_frame_goes_the_way_of_a_typed_one(world: World) -> None:
    customer = factories.customer(world.db)
    state = state_for(world)
    log_in(state)
    assert state.scan_image(b"not a picture") is False
    assert state.scan_image(b"\x89PNG\r\n") is False  # a truncated picture
    frame = photo_scene(factories.identity_code(world.db, customer), seed=5)
    assert state.scan_image(frame) is True
    assert state.screen == "customer" and state.customer.view is not None
    assert state.customer.view.profile.id == customer


def test_the_manager_report_for_a_day_a_week_and_never_the_future(world: World) -> None:
    associate = state_for(world)
    log_in(associate)
    associate.manager.show()  # not a manager: nothing happens
    assert associate.screen == "home" and associate.manager.report is None

    state = state_for(world)
    log_in(state, code="t-manager")
    state.manager.show()
    m = state.manager
    today = state.session.today()
    assert state.screen == "manager" and m.error is None and m.report is not None
    assert m.report.store_code == "IST01" and m.report.last_day == today
    assert [d.day for d in m.report.days] == [today]
    state.manager.report_step(1)  # tomorrow has no figures yet: stays on today
    assert m.last_day == today
    state.manager.report_period(7)
    assert m.report is not None and len(m.report.days) == 7
    assert m.report.first_day == today - timedelta(days=6)
    state.manager.report_step(-1)
    assert m.report.last_day == today - timedelta(days=1)
    state.manager.report_period(5)  # not one of the offered periods
    assert m.period == 7


def test_settings_switch_only_to_an_api_that_answers(world: World) -> None:
    kept: dict[str, str] = {}
    state = enrolled(world, ReyonClient(world.url, timeout=HANG_S), remember=kept.__setitem__)
    state.settings.show()
    assert state.settings.health is not None and state.settings.error is None
    state.settings.apply_api_url("not an address")
    assert state.settings.error == "bad_url" and state.gateway.client.base_url == world.url
    state.settings.apply_api_url("http://127.0.0.1:9")
    assert state.settings.error == "offline" and state.gateway.client.base_url == world.url
    assert "api_url" not in kept
    log_in(state)
    assert state.session.who is not None
    state.settings.apply_api_url(world.url.replace("http://", "") + "/")  # as people type it
    assert state.settings.saved and kept["api_url"] == world.url
    assert state.session.who is not None  # the same API: still logged in
    state.gateway.search_products(ProductQuery(q="gömlek"))  # and the API still knows it
    state.set_language("en")
    assert kept["lang"] == "en" and kept["store_code"] == "IST01"


def test_a_customer_without_consent_stays_masked_until_they_read_back_a_code(
    world: World,
) -> None:
    phone = factories.unique("+905552")
    private = factories.customer(world.db, phone=phone)  # no consent
    with world.db.session() as s:
        loyalty = s.get(Customer, private).loyalty_number  # type: ignore[union-attr]
    state = state_for(world)
    log_in(state)
    state.home.search_text = loyalty
    state.home.search()
    found = state.home.search_results[0]
    assert found.id == private and found.masked and found.first_name != "Zeynep"
    state.home.open_customer(private)
    assert state.customer.view is None and state.customer.needs_consent is not None
    assert state.session.notice is not None and state.session.notice.key == "consent_needed"
    assert "açık rıza" in state.customer.consent.text(state.lang)  # what the customer reads first
    state.customer.send_consent_code("sms")
    challenge = state.customer.consent.challenge
    assert challenge is not None and state.session.notice is not None
    assert state.session.notice.key == "consent_code_sent"
    assert (
        challenge.sent_to == state.customer.needs_consent.phone
    )  # the masked number on the button
    code = _code_in(_sms(world.api, phone))
    state.customer.confirm_consent_code("12 34")
    assert state.session.notice.key == "consent_code_format" and state.customer.view is None
    state.customer.confirm_consent_code(f"{(int(code) + 1) % 10**6:06d}")
    assert state.session.notice.key == "consent_code_wrong" and state.session.notice.values == {
        "n": 4
    }
    assert state.customer.consent.tries_left == 4 and state.customer.consent.challenge is not None
    state.customer.consent.code = code  # typed into the field
    state.customer.confirm_consent_code()
    assert state.screen == "customer" and state.customer.view is not None
    assert state.customer.view.profile.id == private and state.customer.view.access == "consent"
    assert state.customer.view.profile.consents.clienteling.given
    assert state.customer.needs_consent is None and state.customer.consent.challenge is None


def test_a_customer_who_just_showed_their_qr_code_consents_with_that_scan(world: World) -> None:
    customer = factories.customer(world.db)  # nothing on file to send a code to
    state = state_for(world)
    log_in(state)
    state.home.submit_scan(factories.identity_code(world.db, customer))
    assert state.customer.view is not None and state.customer.view.access == "visit"
    assert state.customer.may_record_visit_consent
    state.customer.record_consent()
    assert state.session.notice is not None and state.session.notice.key == "consent_recorded"
    assert state.customer.view.access == "consent"
    assert state.customer.view.profile.consents.clienteling.given
    assert not state.customer.may_record_visit_consent
