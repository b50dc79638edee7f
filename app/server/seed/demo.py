"""The demo retailer: 12 stores and an online warehouse, about 2,000 styles in 15,000 variants,
500 customers with a few years of history across web, app, store and endless aisle."""

from __future__ import annotations

from collections.abc import Callable

from app.server.seed.activity import carts, shelf_scans, try_ons, wishlists
from app.server.seed.catalog import catalog, demo_locations, stock_rows
from app.server.seed.common import child_rng, new_rng, weighted
from app.server.seed.coupons import coupon_book
from app.server.seed.orders import ledger, sell, till_redemptions
from app.server.seed.patterns import lookbook
from app.server.seed.people import POINTS, STORE_ROLES, associates, customers
from app.server.seed.world import World

VARIANTS = 15_000
LOOKS = 120  # the lookbook (app/server/seed/patterns.py)
CUSTOMERS = 500
# Orders per customer: many buy now and then, a few are regulars.
ORDERS_PER_CUSTOMER = ((0, 25), (1, 20), (2, 15), (3, 9), (4, 8), (5, 8), (8, 9), (12, 6))


def build(progress: Callable[[str], None]) -> World:
    rng = new_rng()
    world = World()
    location_rows, locations = demo_locations()
    stores = [loc for loc in locations if loc.kind == "store"]
    products, variant_rows, variants = catalog(rng, VARIANTS)
    progress(f"catalogue: {len(products):,} styles, {len(variant_rows):,} variants")
    customer_rows, address_rows, custs = customers(rng, CUSTOMERS, locations)
    progress("hashing associate PINs")
    associate_rows, staff = associates(rng, stores, STORE_ROLES, hash_each=True)
    book = coupon_book(rng, custs, personal=80)

    plan = []
    for cust in custs:
        n = 14 if cust.id == 1 else weighted(rng, ORDERS_PER_CUSTOMER)
        plan.extend([cust] * n)
    looks = lookbook(products, variants, LOOKS)
    sales = sell(rng, plan, variants, locations, staff, book, looks)
    till_redemptions(rng, book, stores, staff, custs, 60)
    loyalty_rows, balances = ledger(rng, custs, sales, welcome=0.35, burn=0.12)
    for row in customer_rows:
        row[POINTS] = balances.get(row[0], 0)

    def per_customer(share: float, most: int, first: int) -> list:
        out = [(custs[0], first)]
        out += [(c, rng.randint(1, most)) for c in custs[1:] if rng.random() < share]
        return out

    wish = wishlists(rng, per_customer(0.45, 6, 8), variants, stores, staff)
    tries = try_ons(rng, per_customer(0.4, 8, 10), variants, stores, staff)
    cart_rows, cart_lines = carts(rng, [custs[0], *rng.sample(custs[1:], 149)], variants)
    scans = shelf_scans(rng, 400, variants, stores, custs)

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
