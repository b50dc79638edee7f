"""Points on orders: promised (pending) when an order is placed, earned when it has come as far
as the retailer's rule says, dropped or taken back when it is cancelled. Each step exactly once,
however many processes try: the pending row is claimed with a conditional update.

The ledger (models.LoyaltyEntry) tells the story: an order's promise is one `pending` row;
earning turns it into `settled` and adds an `earn` row; a cancellation before that turns it into
`dropped`, after it adds a `reversal`; a return adds a `reversal` of its share. Customer.points
is the sum of the spendable kinds; pending points are the sum of the `pending` rows."""

from __future__ import annotations

from sqlalchemy import bindparam, func, insert, select, update
from sqlmodel import Session, col

from app.domain.loyalty import SPENDABLE, EarnAt, EntryKind, Tier, earns_at, points_earned
from app.domain.returns import points_to_reverse
from app.server.customers.models import Customer
from app.server.db import core_table, execute, utcnow
from app.server.loyalty.models import LoyaltyEntry
from app.settings import get_api_settings

_LEDGER = core_table(LoyaltyEntry)
_CUSTOMERS = core_table(Customer)
_ADD_ENTRY = insert(_LEDGER)  # built once (see db.insert_id)


def promise_for_order(
    session: Session,
    *,
    customer_id: int,
    tier: Tier,
    order_id: int,
    number: str,
    channel: str,
    paid_kurus: int,
    location_id: int | None,
) -> int:
    """Record the points a placed order will earn once it gets far enough (`order_reached`):
    pending, not spendable, not in Customer.points. Returns them."""
    points = points_earned(paid_kurus, Tier(tier))
    if points <= 0:
        return 0
    execute(
        session,
        _ADD_ENTRY,
        {
            "customer_id": customer_id,
            "kind": EntryKind.PENDING,
            "points": points,
            "channel": channel,
            "order_id": order_id,
            "location_id": location_id,
            "note": number,
            "at": utcnow(),
        },
    )
    return points


def earn_rule() -> EarnAt:
    """The retailer's rule, from this process's settings (REYON_LOYALTY_EARN_AT). Read here
    rather than passed in: every caller of `order_reached` (payment, the store's hand-over,
    delivery) must apply the same rule, and they need not each carry it."""
    return get_api_settings().loyalty_earn_at


def order_reached(
    session: Session, *, order_id: int, status: str, rule: EarnAt | None = None
) -> int:
    """The one place an order's progress turns its pending points into points the customer can
    spend: called in the same transaction as every status change (paid, collected, shipped,
    delivered); earns what the retailer's rule (`rule`, by default the setting) says is due at
    `status`, at most once per order. Returns the points earned now (0 when none are due yet
    or they were earned before).

    Exactly once: the pending row is claimed with a conditional UPDATE. Of two transactions
    settling it at once, PostgreSQL makes the second wait on the row and then finds it settled
    (SQLite has one writer at a time); a cancellation dropping it is claimed the same way, so a
    promise is either earned or dropped, never both."""
    if not earns_at(rule or earn_rule(), status):
        return 0
    settled = session.execute(
        update(_LEDGER)
        .where(_LEDGER.c.order_id == order_id, _LEDGER.c.kind == EntryKind.PENDING)
        .values(kind=EntryKind.SETTLED)
        .returning(
            _LEDGER.c.customer_id,
            _LEDGER.c.points,
            _LEDGER.c.channel,
            _LEDGER.c.location_id,
            _LEDGER.c.note,
        )
    ).all()
    earned = 0
    for customer_id, points, channel, location_id, number in settled:
        session.execute(
            insert(_LEDGER).values(
                customer_id=customer_id,
                kind=EntryKind.EARN,
                points=points,
                channel=channel,
                order_id=order_id,
                location_id=location_id,
                note=f"{number} {status}",
                at=utcnow(),
            )
        )
        session.execute(
            update(_CUSTOMERS)
            .where(_CUSTOMERS.c.id == customer_id)
            .values(points=_CUSTOMERS.c.points + points)
        )
        earned += points
    return earned


def reverse_for_order(
    session: Session,
    *,
    order_id: int | None,
    customer_id: int | None,
    number: str,
    channel: str,
    location_id: int | None,
) -> int:
    """A cancelled order's points: a promise not yet kept is dropped (claimed like earning, so
    the two never both happen); points already earned are taken back, but never below zero:
    points already spent elsewhere stay spent, and the ledger records exactly what was taken
    back. The caller claims the cancellation once (the order's conditional status update), and
    what the order earned net of earlier reversals is what is left to take, so a second call
    takes nothing. The order comes as its fields: orders calls loyalty, so loyalty cannot
    import orders. Returns the spendable points taken back."""
    if customer_id is None:
        return 0
    session.execute(
        update(_LEDGER)
        .where(_LEDGER.c.order_id == order_id, _LEDGER.c.kind == EntryKind.PENDING)
        .values(kind=EntryKind.DROPPED)
    )
    net = session.execute(
        select(func.coalesce(func.sum(LoyaltyEntry.points), 0)).where(
            col(LoyaltyEntry.order_id) == order_id, col(LoyaltyEntry.kind).in_(SPENDABLE)
        )
    ).scalar_one()
    if net <= 0:
        return 0
    balance = session.execute(
        select(col(Customer.points)).where(col(Customer.id) == customer_id)
    ).scalar_one()
    taken = min(int(net), int(balance))
    return _reverse(
        session, customer_id, taken, channel, order_id, location_id, f"{number} cancelled"
    )


def reverse_for_return(
    session: Session,
    *,
    order_id: int,
    customer_id: int | None,
    number: str,
    channel: str,
    location_id: int | None,
    order_total_kurus: int,
    refunded_before_kurus: int,
    refunded_kurus: int,
) -> int:
    """A return's share of the points its order earned: in proportion to the money it refunds
    out of the order's total, cut cumulatively (app/domain/returns.py), so the order's returns
    together take back exactly what it earned. Never below zero, as for a cancellation: points
    already spent stay spent. The caller calls this once per return, in the return's own
    transaction and after taking the order's row, so two returns of one order never read the
    same `refunded_before_kurus`. Returns the points taken back."""
    if customer_id is None or refunded_kurus <= 0:
        return 0
    # Only what was earned: a return needs the goods in the customer's hands, by which moment
    # every rule (paid, collected, delivered) has turned the order's promise into an earn row.
    earned, net = session.execute(
        select(
            func.coalesce(
                func.sum(LoyaltyEntry.points).filter(col(LoyaltyEntry.kind) == EntryKind.EARN), 0
            ),
            func.coalesce(
                func.sum(LoyaltyEntry.points).filter(col(LoyaltyEntry.kind).in_(SPENDABLE)), 0
            ),
        ).where(col(LoyaltyEntry.order_id) == order_id)
    ).one()
    due = points_to_reverse(int(earned), order_total_kurus, refunded_before_kurus, refunded_kurus)
    balance = session.execute(
        select(col(Customer.points)).where(col(Customer.id) == customer_id)
    ).scalar_one()
    taken = min(due, int(net), int(balance))
    return _reverse(
        session, customer_id, taken, channel, order_id, location_id, f"{number} returned"
    )


def _reverse(
    session: Session,
    customer_id: int,
    taken: int,
    channel: str,
    order_id: int | None,
    location_id: int | None,
    note: str,
) -> int:
    """One reversal row and the balance it takes down, in the caller's transaction; nothing
    for nothing (the points taken back, 0 when none)."""
    if taken <= 0:
        return 0
    session.execute(
        insert(_LEDGER).values(
            customer_id=customer_id,
            kind=EntryKind.REVERSAL,
            points=-taken,
            channel=channel,
            order_id=order_id,
            location_id=location_id,
            note=note,
            at=utcnow(),
        )
    )
    session.execute(
        update(_CUSTOMERS)
        .where(_CUSTOMERS.c.id == customer_id)
        .values(points=_CUSTOMERS.c.points - taken)
    )
    return taken


_PENDING = select(func.coalesce(func.sum(LoyaltyEntry.points), 0)).where(
    col(LoyaltyEntry.customer_id) == bindparam("customer_id"),
    col(LoyaltyEntry.kind) == EntryKind.PENDING,
)  # built once: every single customer view asks


def pending_points(session: Session, customer_id: int | None) -> int:
    """Points promised on the customer's orders that have not come far enough to earn them."""
    return int(session.execute(_PENDING, {"customer_id": customer_id}).scalar_one())
