"""Loyalty points: earned on what the customer paid, from every channel alike, and only once the
order has come as far as the retailer's rule says (points follow money, not intentions)."""

from __future__ import annotations

from enum import StrEnum

from app.domain.orders import OrderStatus


class Tier(StrEnum):
    CLASSIC = "classic"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"


# Points per 10 TL paid, by tier (in tenths so the rule stays in integers).
_TENTHS_PER_10_TL = {Tier.CLASSIC: 10, Tier.SILVER: 12, Tier.GOLD: 15, Tier.PLATINUM: 20}


def points_earned(paid_kurus: int, tier: Tier) -> int:
    if paid_kurus <= 0:
        return 0
    return paid_kurus * _TENTHS_PER_10_TL[tier] // (1000 * 10)


# --- when an order's points may be spent ------------------------------------------------------


class EarnAt(StrEnum):
    """The retailer's rule (REYON_LOYALTY_EARN_AT): the status at which an order's pending
    points become points the customer can spend."""

    PAID = "paid"
    COLLECTED = "collected"
    DELIVERED = "delivered"


# How far an order has come. Collected and delivered are one moment seen from the two kinds of
# fulfilment (the goods are in the customer's hands: handed over in a store, or at the door),
# so a retailer may name either and a click & collect order is not left waiting for a delivery
# that never comes. Ready and shipped are on the way there; a cancelled order never arrives.
_PROGRESS = {
    OrderStatus.PLACED: 0,
    OrderStatus.PAID: 1,
    OrderStatus.READY: 2,
    OrderStatus.SHIPPED: 2,
    OrderStatus.COLLECTED: 3,
    OrderStatus.DELIVERED: 3,
}


def earns_at(rule: EarnAt, status: str) -> bool:
    """Whether an order that has reached `status` has earned its points under `rule`. Any
    status at or past the rule's earns, so an order that skips a step (paid at the till when
    collected) still earns; a cancelled order, or a status not known here, never does."""
    try:
        reached = _PROGRESS.get(OrderStatus(status))
    except ValueError:
        return False
    return reached is not None and reached >= _PROGRESS[OrderStatus(str(rule))]


class EntryKind(StrEnum):
    """The kinds of row in the loyalty ledger. Only the spendable kinds add up to the balance
    (Customer.points); a pending row is a promise the order has not yet kept, and keeps its
    points once it is settled (they became an earn row) or dropped (the order was cancelled
    first), so the ledger still tells what was promised when."""

    EARN = "earn"
    BURN = "burn"
    REVERSAL = "reversal"
    ADJUST = "adjust"
    PENDING = "pending"
    SETTLED = "settled"
    DROPPED = "dropped"


SPENDABLE = frozenset({EntryKind.EARN, EntryKind.BURN, EntryKind.REVERSAL, EntryKind.ADJUST})
