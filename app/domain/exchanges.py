"""Exchanges: another size or colour for what the customer brings back, in one step. Pure.

An exchange is a return (app/domain/returns.py: the same lines, windows and refund shares)
whose value pays for a new order: the replacement taken from this store's shelf at once (a
store sale, handed over across the counter), or ordered from elsewhere (an endless-aisle order,
sent home or collected in a store). Only the difference moves money: the new order's total less
the value of what came back. The customer pays a positive difference, gets a negative one back
(to the original payment or as store credit, as a return would), and nothing moves at zero.

The value taken back is the return's refund value, not the shelf price: a coupon's share stays
with the coupon, so a customer who bought at 10 % off pays that 10 % when exchanging for an
item of the same price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.orders import OrderStatus


class ReplacementSource(StrEnum):
    FROM_SHELF = "from_shelf"  # this store's shelf, handed over now: a store sale
    ORDER = "order"  # sourced elsewhere as any endless-aisle order, delivered or collected


class Direction(StrEnum):
    """Which way the difference goes."""

    CHARGE = "charge"  # the customer pays it
    REFUND = "refund"  # the customer gets it back
    NONE = "none"  # an even swap: nothing moves


@dataclass(frozen=True, slots=True)
class Difference:
    kurus: int  # new total - value returned: positive owed by the customer, negative owed to them

    @property
    def direction(self) -> Direction:
        if self.kurus > 0:
            return Direction.CHARGE
        return Direction.REFUND if self.kurus < 0 else Direction.NONE

    @property
    def amount(self) -> int:
        """What moves, whichever way: never negative."""
        return abs(self.kurus)


def difference(new_total_kurus: int, returned_kurus: int) -> Difference:
    if new_total_kurus < 0 or returned_kurus < 0:
        raise ValueError("totals are never negative")
    return Difference(new_total_kurus - returned_kurus)


def statuses_after(source: ReplacementSource | str) -> tuple[OrderStatus, ...]:
    """The statuses the new order passes through once the difference is settled, in order:
    it is paid either way (the goods brought back and the difference paid for it); what came
    off this store's shelf went across the counter too, so it is collected at once, and its
    return window starts now. An order from elsewhere then goes its usual way (picked, sent)."""
    if source == ReplacementSource.FROM_SHELF:
        return (OrderStatus.PAID, OrderStatus.COLLECTED)
    return (OrderStatus.PAID,)


class Refusal(StrEnum):
    NO_REPLACEMENT = "no_replacement"  # nothing in exchange: that is a return


def check(replacements: Sequence[object]) -> Refusal | None:
    """Why an exchange asked for cannot be one, or None."""
    return Refusal.NO_REPLACEMENT if not replacements else None
