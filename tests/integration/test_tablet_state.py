"""The tablet's state objects (no Flet) against the real API: log-in with wrong PIN and
lock-out, scanning every kind of code, search, opening a customer, recent customers."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from app.server.catalog.models import Variant
from app.server.inventory.models import StockLevel
from app.tablet.client import ReyonClient
from app.tablet.gateway.live import LiveGateway
from app.tablet.offline import Offline
from app.tablet.problem import ApiProblem
from app.tablet.state.tablet import Tablet
from tests import factories
from tests.conftest import World


def state_for(world: World) -> Tablet:
    return enrolled(world, ReyonClient(world.url))


def enrolled(  # type: ignore[no-untyped-def]
    world: World, client: ReyonClient, *, own: bool = False, offline: Offline | None = None, **kw
) -> Tablet:
    """A tablet enrolled in IST01, as a manager's one-time code would have it: the tablet
    the tests share, or (own) a new one whose change feed holds only what it opened."""
    device = factories.tablet(world.db) if own else world.tablet("IST01")
    return Tablet(
        LiveGateway(client, offline),
        device_id=device.device_id,
        device_secret=device.device_secret,
        **kw,
    )


def log_in(state: Tablet, code: str = "t-associate", pin: str = "1234") -> None:
    state.login.store_code = " ist01 "
    state.login.associate_code = code
    for d in pin:
        state.login.press_digit(d)
    state.login.log_in()


def test_log_in_needs_everything_and_forgets_the_pin(world: World) -> None:
    state = state_for(world)
    seen = []
    state.session.subscribe(lambda: seen.append(state.screen))
    state.login.log_in()
    assert state.login.error == "fill_all" and state.screen == "login"
    log_in(state, pin="9999")
    assert state.login.error == "wrong_pin" and state.login.pin == ""
    log_in(state)
    assert state.screen == "home" and state.login.error is None
    assert state.login.store_code == "IST01"  # remembered, normalised
    assert state.session.who is not None and state.session.who.associate.role == "associate"
    assert seen[-1] == "home"
    state.log_out()
    assert state.screen == "login" and state.gateway.client.token is None


def test_pin_pad_keeps_to_digits_and_length() -> None:
    state = Tablet(LiveGateway(ReyonClient("http://127.0.0.1:9")), device_id="x")
    for d in "12a3456789":
        state.login.press_digit(d)
    assert state.login.pin == "12345678"
    state.login.clear_pin()
    assert state.login.pin == ""


def test_unreachable_api_says_offline() -> None:
    state = Tablet(
        LiveGateway(ReyonClient("http://127.0.0.1:9", timeout=1)), device_id="x", device_secret="y"
    )
    log_in(state)
    assert state.login.error == "offline" and state.screen == "login"


def test_scan_identity_opens_the_customer_and_remembers_them(world: World) -> None:
    customer = factories.customer(world.db)
    state = state_for(world)
    log_in(state)
    state.home.scan_text = factories.identity_code(world.db, customer)
    state.home.submit_scan()
    assert state.screen == "customer" and state.customer.view is not None
    assert state.customer.view.profile.id == customer and state.customer.view.access == "visit"
    assert [c.id for c in state.customer.recent] == [customer]
    state.go_home()
    state.home.submit_scan(factories.identity_code(world.db, customer))
    state.home.open_customer(world.base.consenting_customer)
    assert [c.id for c in state.customer.recent] == [world.base.consenting_customer, customer]


def test_a_scanned_barcode_opens_the_product_with_stock_here_first(world: World) -> None:
    b = world.base
    product_id, skus = factories.product(
        world.db, sizes=("S", "M"), stock={b.stores["IST01"]: 1, b.warehouse: 5}
    )
    state = state_for(world)
    log_in(state)
    state.home.submit_scan(skus[1].lower())  # a Code 128 hang tag, as a scanner types it
    ps = state.product
    assert state.screen == "product" and ps.product is not None and ps.product.id == product_id
    assert ps.sku == skus[1] and ps.variant is not None and ps.variant.size == "M"
    assert ps.availability is not None
    assert ps.availability.locations[0].code == "IST01"
    state.product.select(skus[0])
    assert ps.availability.sku == skus[0]  # type: ignore[union-attr]


def test_search_products_then_save_and_record_a_try_on_for_the_customer(world: World) -> None:
    customer = world.base.consenting_customer
    product_id, skus = factories.product(world.db, name_tr="Yün Kaban", name_en="Wool Coat")
    state = state_for(world)
    log_in(state)
    state.product.query = "yun kaban"  # Turkish-aware: finds "Yün Kaban"
    state.product.search()
    assert product_id in [p.id for p in state.product.results]
    state.home.open_customer(customer)
    state.product.open(product_id)
    state.product.save_for_customer()
    assert state.product.done == "saved_for_customer"
    state.product.record_try_on("liked")
    assert state.product.done == "try_on_recorded"
    view = state.gateway.client.customer(customer)
    assert skus[0] in [w.item.sku for w in view.wishlist]
    assert (skus[0], "liked") in [(x.item.sku, x.outcome) for x in view.try_ons]


def test_scan_other_kinds_shows_what_they_are(world: World) -> None:
    code = factories.coupon(world.db)
    state = state_for(world)
    log_in(state)
    state.home.submit_scan(factories.coupon_payload(world.db, code))
    assert (
        state.session.notice is not None
        and state.session.notice.key == "scan_coupon"
        and state.session.notice.values["code"] == code
    )
    state.home.submit_scan("not a code at all")
    assert state.session.notice.key == "scan_unknown" and state.session.notice.error
    state.home.submit_scan("   ")  # nothing scanned: nothing happens
    assert state.session.notice.key == "scan_unknown"


def test_search_and_expired_session(world: World) -> None:
    state = state_for(world)
    log_in(state)
    state.home.search_text = "AYSE.YILMAZ@example.com"
    state.home.search()
    assert [c.id for c in state.home.search_results] == [world.base.consenting_customer]
    state.home.search_text = "0500 000 00 00"
    state.home.search()
    assert state.home.search_results == [] and state.session.notice is not None
    state.home.open_customer(world.base.consenting_customer)
    assert state.customer.recent
    state.gateway.client.token = "at1.broken.token"  # the session ran out
    state.home.open_customer(world.base.consenting_customer)
    assert state.screen == "login"
    # Nothing of the last session's customers stays on a shared tablet.
    assert (
        state.customer.view is None
        and state.customer.recent == []
        and state.home.search_results == []
    )


def test_client_raises_problems_with_their_type(world: World) -> None:
    client = ReyonClient(world.url)
    try:
        client.customer(1)
    except ApiProblem as exc:
        assert exc.status == 401 and exc.kind == "unauthorized"
    else:
        raise AssertionError("no problem raised")


def test_endless_aisle_order_with_pay_link_and_clear_out_of_stock(world: World) -> None:
    b = world.base
    customer = b.consenting_customer
    product_id, skus = factories.product(world.db, sizes=("M", "L"), stock={b.warehouse: 2})
    state = state_for(world)
    log_in(state)
    state.home.open_customer(customer)
    state.product.open(product_id, skus[0])
    state.product.add_to_basket()
    state.product.add_to_basket()  # the same size again: one line, two units
    state.product.add_to_basket()  # no third: two exist
    basket = state.basket
    assert [(x.sku, x.quantity) for x in basket.lines] == [(skus[0], 2)]
    state.basket.show()
    _sell_elsewhere(world, skus[0], b.warehouse)  # meanwhile the web shop sells one
    state.basket.place_order()  # only one unit left in the warehouse
    assert basket.error == "out_of_stock" and basket.placed is None
    assert skus[0] in basket.error_detail
    state.basket.change_quantity(skus[0], -1)
    state.basket.place_order()
    assert basket.error is None and basket.placed is not None and basket.lines == []
    assert basket.pay_link is not None and "/pay/RY1P" in basket.pay_link.url
    # The order is in the customer's view at once, from every channel's list.
    assert state.customer.view is not None
    assert basket.placed.number in [o.number for o in state.customer.view.orders]


def _sell_elsewhere(world: World, sku: str, location_id: int) -> None:
    with world.db.write() as s:
        variant = s.execute(select(Variant).where(col(Variant.sku) == sku)).scalar_one()
        level = s.get(StockLevel, (variant.id, location_id))
        assert level is not None
        level.on_hand -= 1


def test_reserve_in_store_needs_no_address_and_empty_basket_says_so(world: World) -> None:
    b = world.base
    product_id, skus = factories.product(world.db, stock={b.stores["IST01"]: 2})
    state = state_for(world)
    log_in(state)
    state.home.open_customer(b.consenting_customer)
    state.basket.place_order()
    assert state.basket.error == "basket_empty"
    state.product.open(product_id, skus[0])
    state.product.add_to_basket()
    state.basket.choose_fulfilment("reserve_in_store")
    state.basket.place_order()
    assert state.basket.placed is not None
    assert state.basket.placed.fulfilment_type == "reserve_in_store"
    assert state.basket.placed.lines[0].source_location_code == "IST01"


def test_till_checks_redeems_once_across_tills_and_voids(world: World) -> None:
    _, skus = factories.product(world.db, price_kurus=50_000)
    code = factories.coupon(world.db, kind="percent", value=1000, max_redemptions=1)
    payload = factories.coupon_payload(world.db, code)
    first, second = state_for(world), state_for(world)
    for till in (first, second):
        log_in(till, code="t-cashier")
    # A coupon scanned on the home screen takes a cashier straight to the till.
    first.home.submit_scan(payload)
    assert first.screen == "till" and first.till.coupon == payload
    first.till.check_coupon()
    assert first.till.message == "till_need_both"
    first.till.scan(skus[0])
    first.till.scan(skus[0].lower())
    assert first.till.items == {skus[0]: 2}
    first.till.check_coupon()
    assert first.till.check is not None and first.till.check.discount_kurus == 10_000
    assert first.till.message == "coupon_applies"
    first.till.redeem_coupon()
    assert first.till.message == "coupon_redeemed" and first.till.redemption is not None

    # The same single-use coupon at another till: refused.
    second.till.show()
    second.till.scan(skus[0])
    second.till.scan(payload)
    second.till.redeem_coupon()
    assert second.till.message == "coupon_used_up" and second.till.error

    first.till.void_coupon()
    assert first.till.message == "coupon_voided"
    assert first.till.redemption is not None and first.till.redemption.status == "voided"
    first.till.new_sale()
    assert first.till.items == {} and first.till.coupon == ""


def test_an_associate_scanning_a_coupon_only_sees_what_it_is(world: World) -> None:
    code = factories.coupon(world.db)
    state = state_for(world)
    log_in(state)
    state.home.submit_scan(factories.coupon_payload(world.db, code))
    assert state.screen == "home" and state.session.notice is not None
    assert state.session.notice.key == "scan_coupon" and not state.session.is_cashier
