"""The store report's outreach figures (issue 15): per associate of the store who sent looks in
the window, how many went out, were opened and clicked, and the orders and sales credited.

An order is credited to a look when it is the look's customer's, holds a product of the look,
was placed within the attribution days after the message went out (domain `credited`), and is
not cancelled; an order that several looks could claim goes to the latest of them, so a sale is
credited once across associates and stores. Looks are counted by when they were sent; their
orders may come after the window's end (the two weeks after a late look). Two queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.contracts.looks import OutreachFigures
from app.domain import outreach
from app.domain.orders import OrderStatus
from app.server.auth.models import Associate
from app.server.catalog.models import Variant
from app.server.orders.models import Order, OrderLine
from app.server.outreach.models import Look, LookItem, OutreachMessage


def _sent_here(store_id: int, starts: list[datetime]) -> list[Any]:
    return [
        col(Look.location_id) == store_id,
        col(OutreachMessage.sent_at) >= starts[0],
        col(OutreachMessage.sent_at) < starts[-1],
    ]


def figures(session: Session, store_id: int, starts: list[datetime]) -> list[OutreachFigures]:
    """Most sales credited first, then most sent."""
    counted = session.execute(
        select(
            col(Look.associate_id),
            col(Associate.name),
            func.count(),
            func.count(col(OutreachMessage.opened_at)),
            func.count(col(OutreachMessage.clicked_at)),
        )
        .join(OutreachMessage, col(OutreachMessage.look_id) == col(Look.id))
        .join(Associate, col(Associate.id) == col(Look.associate_id))
        .where(*_sent_here(store_id, starts))
        .group_by(col(Look.associate_id), col(Associate.name))
    ).all()
    if not counted:
        return []
    orders, sales = _credited(session, store_id, starts)
    out = [
        OutreachFigures(
            associate_id=associate_id,
            associate_name=name,
            sent=sent,
            opened=opened,
            clicked=clicked,
            orders_credited=orders[associate_id],
            sales_credited_kurus=sales[associate_id],
        )
        for associate_id, name, sent, opened, clicked in counted
    ]
    return sorted(out, key=lambda f: (-f.sales_credited_kurus, -f.sent, f.associate_name))


def _credited(
    session: Session, store_id: int, starts: list[datetime]
) -> tuple[dict[int, int], dict[int, int]]:
    """Orders and sales (order totals, KDV included) per associate of this store's looks sent in
    the window. Every look that could claim an order of those customers is read, wherever and
    whenever it was sent, so that the latest one wins; the days are compared here with the
    domain's rule (the two databases add intervals to timestamps differently)."""
    window = timedelta(days=outreach.ATTRIBUTION_DAYS)
    customers = (
        select(col(Look.customer_id))
        .join(OutreachMessage, col(OutreachMessage.look_id) == col(Look.id))
        .where(*_sent_here(store_id, starts))
    )
    bought = aliased(Variant)
    picked = aliased(Variant)
    rows = session.execute(
        select(
            col(Order.id),
            col(Order.total_kurus),
            col(Order.placed_at),
            col(OutreachMessage.sent_at),
            col(Look.id),
            col(Look.associate_id),
            col(Look.location_id),
        )
        .distinct()
        .select_from(Order)
        .join(Look, col(Look.customer_id) == col(Order.customer_id))
        .join(OutreachMessage, col(OutreachMessage.look_id) == col(Look.id))
        .join(OrderLine, col(OrderLine.order_id) == col(Order.id))
        .join(bought, col(bought.id) == col(OrderLine.variant_id))
        .join(LookItem, col(LookItem.look_id) == col(Look.id))
        .join(
            picked,
            and_(
                col(picked.id) == col(LookItem.variant_id),
                col(picked.product_id) == col(bought.product_id),
            ),
        )
        .where(
            col(Order.customer_id).in_(customers),
            col(Order.status) != OrderStatus.CANCELLED,
            col(OutreachMessage.sent_at).is_not(None),
            col(Order.placed_at) >= col(OutreachMessage.sent_at),
            col(Order.placed_at) >= starts[0],
            col(Order.placed_at) <= starts[-1] + window,
        )
    ).all()
    latest: dict[int, tuple[datetime, int, int, int, int]] = {}
    for order_id, total, placed_at, sent_at, look_id, associate_id, location_id in rows:
        if not outreach.credited(sent_at, placed_at):
            continue
        claim = (sent_at, look_id, associate_id, location_id, total)
        if order_id not in latest or claim[:2] > latest[order_id][:2]:
            latest[order_id] = claim
    orders: dict[int, int] = defaultdict(int)
    sales: dict[int, int] = defaultdict(int)
    for sent_at, _, associate_id, location_id, total in latest.values():
        if location_id == store_id and starts[0] <= sent_at < starts[-1]:
            orders[associate_id] += 1
            sales[associate_id] += total
    return orders, sales
