"""The tablet working through a Wi-Fi outage, as state objects (no Flet) over the real API:
the first sync fills the cache, search and products work from it offline, an order placed
offline waits in the outbox and reaches the server exactly once when the network returns,
offline log-in, a sync that dies half-way resumes, and a tablet too far behind starts over."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.contracts.media import product_image_url
from app.server.catalog.models import Product
from app.server.db import utcnow
from app.server.orders.models import Order
from app.server.sync.changelog import number_committed
from app.server.sync.service import prune_changes
from app.tablet import offline
from app.tablet.cache import pull
from app.tablet.cache.models import CachedProduct
from app.tablet.client import ReyonClient
from app.tablet.offline import Offline
from app.tablet.state.tablet import Tablet
from tests import factories
from tests.conftest import World
from tests.integration.test_tablet_state import enrolled, log_in
from tests.server import HANG_S

DEAD = "http://127.0.0.1:9"


def tablet(world: World, tmp_path: Path) -> Tablet:
    client = ReyonClient(world.url, timeout=HANG_S)
    kit = Offline.open(client, tmp_path / "tablet.db")
    return enrolled(world, client, own=True, offline=kit)


def wifi(state: Tablet, world: World, up: bool) -> None:
    state.gateway.client.set_base_url(world.url if up else DEAD)
    if up and state.session.who is not None:
        state.gateway.client.token = state.session.who.access_token


def _orders(world: World, customer_id: int) -> int:
    with world.db.session() as s:
        return int(
            s.execute(
                select(func.count()).where(col(Order.customer_id) == customer_id)
            ).scalar_one()
        )


def test_first_sync_then_search_and_stock_from_the_cache_offline(
    world: World, tmp_path: Path
) -> None:
    b = world.base
    product_id, skus = factories.product(
        world.db,
        name_tr="Yün Kaşe Palto",
        name_en="Wool Coat",
        stock={b.stores["IST01"]: 2, b.warehouse: 7},
    )
    state = tablet(world, tmp_path)
    log_in(state)
    state.sync.sync_now()
    kit = state.gateway.offline
    assert kit is not None and kit.puller.cursor is not None
    with world.db.session() as s:
        products = s.execute(select(func.count()).select_from(Product)).scalar_one()
    assert kit.cache.count(CachedProduct) == products

    wifi(state, world, up=False)
    state.product.query = "kase palto"  # no Turkish letters typed: still found
    state.product.search()
    assert not state.sync.online
    assert [p.id for p in state.product.results] == [product_id]
    state.product.open(product_id)
    ps = state.product
    assert ps.product is not None and ps.availability is not None
    stock = {loc.code: loc.available for loc in ps.availability.locations}
    assert stock["IST01"] == 2 and stock["WEB"] == 7
    assert ps.availability.locations[0].code == "IST01"  # this store first, as online
    state.home.submit_scan(skus[1])  # a hang tag scanned offline
    assert state.screen == "product" and state.product.sku == skus[1]


def test_an_order_placed_offline_reaches_the_server_once_when_the_wifi_returns(
    world: World, tmp_path: Path
) -> None:
    b = world.base
    customer = b.consenting_customer
    product_id, skus = factories.product(world.db, stock={b.warehouse: 3})
    state = tablet(world, tmp_path)
    log_in(state)
    state.sync.sync_now()
    state.home.open_customer(customer)  # seen online: now in the cache
    before = _orders(world, customer)

    wifi(state, world, up=False)
    state.go_home()
    state.home.open_customer(customer)  # from the cache
    assert state.screen == "customer" and state.customer.view is not None
    state.product.open(product_id, skus[0])
    state.product.add_to_basket()
    state.basket.place_order()
    assert state.basket.queued and state.basket.lines == [] and state.basket.error is None
    state.sync.sync_now()  # still offline: nothing goes, nothing is lost
    assert state.sync.queued == 1 and _orders(world, customer) == before
    assert not state.sync.online

    wifi(state, world, up=True)
    state.sync.sync_now()  # at once, not after the backoff of the last failed try
    assert state.sync.online and state.sync.queued == 0
    assert _orders(world, customer) == before + 1
    state.sync.sync_now()  # again: nothing more
    assert _orders(world, customer) == before + 1
    sent = state.gateway.offline.outbox.counts()  # type: ignore[union-attr]
    assert sent == {"sent": 1}


def test_offline_log_in_records_a_try_on_that_is_sent_later(world: World, tmp_path: Path) -> None:
    b = world.base
    product_id, skus = factories.product(world.db, stock={b.stores["IST01"]: 1})
    state = tablet(world, tmp_path)
    log_in(state)
    state.sync.sync_now()
    state.home.open_customer(b.consenting_customer)
    tried_before = len(state.customer.view.try_ons)  # type: ignore[union-attr]
    state.log_out()

    wifi(state, world, up=False)
    log_in(state, pin="9999")
    assert state.login.error == "wrong_pin" and state.screen == "login"
    log_in(state)
    assert state.screen == "home" and state.session.offline_session
    assert state.session.notice is not None and state.session.notice.key == "offline_login"
    state.home.open_customer(b.consenting_customer)
    state.product.open(product_id, skus[0])
    state.product.record_try_on("liked")
    assert state.product.done == "try_on_queued"
    # Shown at once, from the queue's optimistic entry in the cache.
    assert state.customer.view is not None and len(state.customer.view.try_ons) == tried_before + 1

    wifi(state, world, up=True)
    state.sync.sync_now()
    assert state.sync.queued == 0
    state.home.open_customer(b.consenting_customer)
    assert state.customer.view is not None
    assert len(state.customer.view.try_ons) == tried_before + 1  # the server's, not two
    assert state.customer.view.try_ons[0].id > 0


def test_a_sync_that_dies_half_way_resumes_without_duplicates(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):
        factories.product(world.db, stock={world.base.stores["IST01"]: 1})
    monkeypatch.setattr(pull, "CATALOG_PAGE", 3)
    monkeypatch.setattr(pull, "STOCK_PAGE", 4)
    state = tablet(world, tmp_path)
    log_in(state)
    kit = state.gateway.offline
    assert kit is not None
    pages = 0

    def power_cut(phase: str, done: int) -> None:
        nonlocal pages
        pages += 1
        if pages == 4:
            raise KeyboardInterrupt("the tablet's battery")

    with pytest.raises(KeyboardInterrupt):
        kit.puller.snapshot(power_cut)
    assert kit.puller.cursor is None  # no cursor ahead of rows it does not have
    kit.close()

    # The app starts again on the same file.
    again = Offline.open(ReyonClient(world.url, timeout=HANG_S), kit.cache.path)
    again.client.token = state.gateway.client.token
    again.puller.snapshot()
    with world.db.session() as s:
        products = s.execute(select(func.count()).select_from(Product)).scalar_one()
    assert again.cache.count(CachedProduct) == products
    assert again.puller.cursor is not None
    again.close()


def test_nothing_an_associate_does_waits_for_a_first_sync_under_way(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first sync of a real catalogue can run for minutes on a busy tablet. The next
    associate's log-in (it asks the tablet to follow its store's stock) waited for all of it,
    and so did a tap on "sync now". Held here inside its first page, the sync is still
    running when the log-in is home and the tap has returned; a different set of stores
    asked for meanwhile is taken by the next round."""
    monkeypatch.setattr(offline, "NEARBY_STORES", 0)  # a store and the warehouse: sets differ
    stores = world.base.stores
    factories.product(world.db, stock={stores["IST01"]: 2, stores["ANK01"]: 3})
    state = tablet(world, tmp_path)
    log_in(state)
    kit = state.gateway.offline
    assert kit is not None
    istanbul = kit.puller.locations
    inside, release = threading.Event(), threading.Event()

    def held() -> None:  # the sync's progress, shown on the status bar
        if state.sync.progress is not None and not inside.is_set():
            inside.set()
            release.wait(HANG_S)

    state.session.on_status(held)
    syncing = threading.Thread(target=state.sync.sync_now)  # the app's own round
    syncing.start()
    try:
        assert inside.wait(HANG_S)
        state.log_out()
        log_in(state)
        assert state.screen == "home"
        state.sync.sync_now()  # the tap
        assert state.sync.progress is not None  # the bar of the sync under way stays
        assert kit.sync() is None  # another sync is under way
        kit.follow_store(stores["ANK01"])
        assert syncing.is_alive()  # still held inside its first page
    finally:
        release.set()
        syncing.join(HANG_S)
    assert kit.puller.cursor is not None and kit.puller.locations == istanbul

    kit.sync()  # the next round: Ankara's store, with a fresh stock snapshot
    assert kit.puller.locations == sorted([stores["ANK01"], world.base.warehouse])
    assert kit.puller.cursor is not None
    with kit.cache.read() as conn:
        kept = {row[0] for row in conn.exec_driver_sql("SELECT DISTINCT location_id FROM stock")}
    assert stores["ANK01"] in kept and kept <= set(kit.puller.locations)


def test_a_tablet_further_behind_than_the_log_keeps_starts_from_a_fresh_snapshot(
    world: World, tmp_path: Path
) -> None:
    state = tablet(world, tmp_path)
    log_in(state)
    state.sync.sync_now()
    kit = state.gateway.offline
    assert kit is not None
    old = kit.puller.cursor
    factories.product(world.db)  # not in the feed: made behind the API's back
    # A new change, then the log is pruned past the tablet's cursor.
    state.home.open_customer(world.base.consenting_customer)
    state.customer.add_note("pruned away soon")
    number_committed(world.db)  # as the API's housekeeping does before it prunes
    with world.db.write() as s:
        prune_changes(db_session=s, cutoff=utcnow() + timedelta(days=1))
    report = kit.sync()
    assert (
        report is not None
        and report.refetched
        and kit.puller.cursor is not None
        and old is not None
    )
    with world.db.session() as s:
        products = s.execute(select(func.count()).select_from(Product)).scalar_one()
    assert kit.cache.count(CachedProduct) == products  # the product made behind our back too


def test_a_coupon_is_refused_plainly_at_a_till_without_the_network(
    world: World, tmp_path: Path
) -> None:
    _, skus = factories.product(world.db, price_kurus=50_000)
    code = factories.coupon(world.db, max_redemptions=1)
    state = tablet(world, tmp_path)
    log_in(state, code="t-cashier")
    state.till.show()
    state.till.add_item(skus[0])
    state.till.set_coupon(code)
    wifi(state, world, up=False)
    state.till.redeem_coupon()
    assert state.till.message == "coupon_offline" and state.till.error
    assert state.till.redemption is None
    wifi(state, world, up=True)
    state.till.redeem_coupon()
    assert state.till.message == "coupon_redeemed"


def test_offline_coupons_within_the_store_limit_are_settled_when_the_wifi_returns(
    world: World, tmp_path: Path
) -> None:
    _, skus = factories.product(world.db, price_kurus=50_000)
    fresh = factories.coupon_payload(world.db, factories.coupon(world.db, max_redemptions=1))
    raced_code = factories.coupon(world.db, max_redemptions=1)
    raced = factories.coupon_payload(world.db, raced_code)
    store = world.base.stores["IST01"]
    with world.client("t-manager") as c:
        r = c.put(
            f"/v1/stores/{store}/offline-coupon-policy",
            json={"max_count_per_till_day": 2, "max_value_kurus_per_till_day": 20_000},
        )
        assert r.status_code == 200, r.text
    state = tablet(world, tmp_path)
    log_in(state, code="t-cashier")
    state.sync.sync_now()  # the cache, the store's limit, the coupon keys
    state.till.show()

    def sale(payload: str) -> None:
        state.till.new_sale()
        state.till.scan(skus[0])
        state.till.scan(payload)
        state.till.redeem_coupon()

    wifi(state, world, up=False)
    sale(fresh)
    offer = state.till.offline_offer
    assert offer is not None and offer.discount_kurus == 5_000 and offer.max_count == 2
    state.till.redeem_offline()
    assert state.till.message == "coupon_redeemed_offline" and state.sync.queued == 1
    sale(raced)
    assert state.till.offline_offer is not None and state.till.offline_offer.used_count == 1
    state.till.redeem_offline()
    sale(fresh)  # a third one today: over the till's limit of two
    assert state.till.offline_offer is None and state.till.message == "offline_limit_count"

    # Meanwhile the raced coupon is used at another till that was online.
    with world.client("t-cashier2") as c:
        r = c.post(
            "/v1/redemptions",
            json={
                "token": raced,
                "location_id": store,
                "till_id": "KASA-9",
                "sale_ref": "ONLINE-1",
                "basket": {"lines": [{"sku": skus[0], "quantity": 1}], "channel": "store"},
            },
        )
        assert r.status_code == 201, r.text

    wifi(state, world, up=True)
    state.sync.sync_now()
    kit = state.gateway.offline
    assert kit is not None and state.sync.queued == 0
    failed = [c for c in kit.outbox.waiting() if c.status == "failed"]
    assert [c.error_kind for c in failed] == ["offline-redemption-lost"]
    assert failed[0].amount_kurus == 5_000
    with world.client("t-manager") as c:
        losses = c.get(f"/v1/stores/{store}/offline-redemption-losses").json()
    assert any(loss["till_id"] == state.till.till_id for loss in losses)


def test_pictures_shown_online_are_still_shown_offline_and_kept_in_the_cache(
    world: World, tmp_path: Path
) -> None:
    product_id, _ = factories.product(world.db, name_tr="Keten Ceket", name_en="Linen Jacket")
    other_id, _ = factories.product(world.db, name_tr="Keten Pantolon", name_en="Linen Trousers")
    state = tablet(world, tmp_path)
    log_in(state)
    kit = state.gateway.offline
    assert kit is not None
    state.product.open(product_id)
    scene = state.product
    assert scene.product is not None
    # What the product scene draws was fetched, several at once, before it was drawn: the
    # large picture, one small one per colour row of the grid, and the recommendations' (a
    # size missing here brings similar products other tests left on this shelf).
    colours = {v.colour for v in scene.product.variants}
    ahead = {scene.picture_url(), *(scene.picture_url(c, "thumb") for c in colours)}
    ahead |= {r.product.thumb_url for r in (*scene.look, *scene.similar)}
    assert all(u is not None and kit.pictures.get(u) is not None for u in ahead)
    shown = scene.product.thumb_url
    online = state.picture(shown)
    assert online is not None and online[:4] == b"RIFF" and online[8:12] == b"WEBP"

    wifi(state, world, up=False)
    state.product.open(product_id)  # the Wi-Fi is noticed as gone
    assert state.picture(shown) == online  # a thumbnail seen before is kept
    assert state.picture(product_image_url(other_id, size="full")) is None  # a placeholder
    kept = {u: kit.pictures.get(u) for u in {*ahead, shown} if u is not None}
    assert kit.pictures.kept_bytes() == sum(len(b or b"") for b in kept.values())
