"""The worker's step: learn what is bought together from the order history and rewrite the
companions table in one transaction, so the tablet reads either the old table or the new one,
never half of each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import groupby

from sqlalchemy import delete, insert, select, update
from sqlmodel import col

from app.domain.orders import OrderStatus
from app.domain.recommendations import bought_together
from app.server.catalog.models import Product, Variant
from app.server.db import Database, core_table, insert_unless_exists
from app.server.orders.models import Order, OrderLine
from app.server.recommend.models import ProductCompanion, RecommendationRun

HISTORY = timedelta(days=730)  # older taste says little about this season's racks
KEEP = 12  # companions kept per product (of other categories): more than any scene shows
# Another worker learnt them this recently: this one leaves the table alone.
FRESH_ENOUGH = timedelta(minutes=5)


def _baskets(db: Database, since: datetime) -> Iterator[list[int]]:
    """Each order's product ids (cancelled orders left out), one order at a time."""
    stmt = (
        select(col(OrderLine.order_id), col(Variant.product_id))
        .join(Order, col(Order.id) == col(OrderLine.order_id))
        .join(Variant, col(Variant.id) == col(OrderLine.variant_id))
        .where(col(Order.status) != OrderStatus.CANCELLED, col(Order.placed_at) >= since)
        .order_by(col(OrderLine.order_id))
    )
    # A plain transaction, not the autocommit reads: PostgreSQL streams a server-side cursor
    # only inside one, so a long history is never held in memory at once.
    with db.engine.connect() as conn:
        rows = conn.execution_options(yield_per=5_000).execute(stmt)
        for _, lines in groupby(rows, key=lambda r: r[0]):
            yield [product_id for _, product_id in lines]


def refresh(db: Database, *, now: datetime) -> int | None:
    """Learn the companions again; the number of pairs written, or None when another worker
    did it within FRESH_ENOUGH (the two then wrote nothing over each other)."""
    run = core_table(RecommendationRun)
    with db.read_connection() as conn:  # the common case, answered before reading history
        last = conn.execute(select(run.c.refreshed_at).where(run.c.id == 1)).scalar()
    if last is not None and now - last < FRESH_ENOUGH:
        return None
    model = bought_together(_baskets(db, now - HISTORY))
    with db.read_connection() as conn:
        category = dict(conn.execute(select(col(Product.id), col(Product.category))).all())
    # A companion goes with the product: of another kind of garment (a shirt's are trousers
    # and shoes, not more shirts). Chosen before the cut, so a shirt mostly bought with
    # shirts still keeps its trousers.
    rows = [
        {
            "product_id": product_id,
            "companion_id": c.product_id,
            "rank": rank,
            "together": c.together,
            "lift": round(c.lift, 4),
        }
        for product_id, companions in model.companions.items()
        for rank, c in enumerate(
            [c for c in companions if category.get(c.product_id) != category.get(product_id)][
                :KEEP
            ],
            start=1,
        )
    ]
    with db.write() as s:
        insert_unless_exists(s, run, {"id": 1, "orders": 0, "pairs": 0}, ["id"])
        # The run's row lock: a second worker waits here, then sees the fresh time and stops.
        last = s.execute(
            select(run.c.refreshed_at).where(run.c.id == 1).with_for_update()
        ).scalar_one()
        if last is not None and now - last < FRESH_ENOUGH:
            return None
        table = core_table(ProductCompanion)
        s.execute(delete(table))
        for start in range(0, len(rows), 5_000):
            s.execute(insert(table), rows[start : start + 5_000])
        s.execute(
            update(run)
            .where(run.c.id == 1)
            .values(refreshed_at=now, orders=model.orders, pairs=len(rows))
        )
    return len(rows)
