"""The benchmark data set: 200 locations, 20,000 variants stocked everywhere (4,000,000 stock
rows), 100,000 customers, and customer 1 with 200 orders for the single-customer view."""

from __future__ import annotations

from collections.abc import Callable

from app.server.seed.activity import carts, shelf_scans, try_ons, wishlists
from app.server.seed.catalog import bench_locations, catalog, stock_rows
from app.server.seed.common import child_rng, new_rng
from app.server.seed.coupons import coupon_book
from app.server.seed.orders import ledger, sell, till_redemptions
from app.server.seed.patterns import lookbook
from app.server.seed.people import POINTS, associates, customers
from app.server.seed.world import World

STORES = 199  # plus the WEB warehouse: 200 locations
VARIANTS = 20_000
LOOKS = 150  # the lookbook (app/server/seed/patterns.py)
CUSTOMERS = 100_000
FIRST_CUSTOMER_ORDERS = 200
OTHER_ORDERS = 3_000


def build(progress: Callable[[str], None]) -> World:
    rng = new_rng()
    world = World()
    location_rows, locations = bench_locations(rng, STORES)
    stores = [loc for loc in locations if loc.kind == "store"]
    products, variant_rows, variants = catalog(rng, VARIANTS)
    progress(f"catalogue: {len(products):,} styles, {len(variant_rows):,} variants")
    customer_rows, address_rows, custs = customers(rng, CUSTOMERS, locations)
    progress(f"customers: {len(customer_rows):,}")
    # The demo log-ins at IST01 plus one associate per store (one shared PIN hash: fast).
    associate_rows, staff = associates(rng, stores, ("associate",), hash_each=False)
    book = coupon_book(rng, custs, personal=2_000)

    plan = [custs[0]] * FIRST_CUSTOMER_ORDERS
    plan += [custs[rng.randrange(1, len(custs))] for _ in range(OTHER_ORDERS)]
    looks = lookbook(products, variants, LOOKS)
    sales = sell(rng, plan, variants, locations, staff, book, looks)
    till_redemptions(rng, book, stores, staff, custs, 300)
    loyalty_rows, balances = ledger(rng, custs, sales, welcome=0.35, burn=0.05)
    for row in customer_rows:
        row[POINTS] = balances.get(row[0], 0)

    def some(share: float, most: int, first: int) -> list:
        out = [(custs[0], first)]
        out += [(c, rng.randint(1, most)) for c in custs[1:] if rng.random() < share]
        return out

    wish = wishlists(rng, some(0.05, 5, 40), variants, stores, staff)
    tries = try_ons(rng, some(0.05, 6, 60), variants, stores, staff)
    cart_rows, cart_lines = carts(rng, [custs[0], *rng.sample(custs[1:], 1_999)], variants)
    scans = shelf_scans(rng, 5_000, variants, stores, custs)
    progress(f"orders: {len(sales.orders):,} (customer 1: {FIRST_CUSTOMER_ORDERS})")

    world.rows = {
        "location": location_rows,
        "product": products,
        "variant": variant_rows,
        "customer": customer_rows,
        "customeraddress": address_rows,
        "associate": associate_rows,
        "coupon": book.rows,
        "order": sales.orders,
        "orderline": sales.lines,
        "orderstatusevent": sales.events,
        "redemption": book.redemptions,
        "loyaltyentry": loyalty_rows,
        "wishlistentry": wish,
        "tryon": tries,
        "cart": cart_rows,
        "cartline": cart_lines,
        "shelfscan": scans,
    }
    world.stock = stock_rows(child_rng(rng), variants, locations)
    world.stock_total = len(variants) * len(locations)
    return world
