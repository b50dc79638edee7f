"""An order's life: the statuses it goes through and what each allows."""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    PLACED = "placed"  # stock held, awaiting payment
    PAID = "paid"
    READY = "ready"  # at the pickup store
    SHIPPED = "shipped"
    COLLECTED = "collected"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


# Still holding stock and a coupon use: such an order may be cancelled (or its hold expire).
OPEN_STATUSES = (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.READY)


def awaits_payment(status: str) -> bool:
    """Only a placed order takes a payment: a paid one is not paid twice, a cancelled one
    holds nothing any more."""
    return status == OrderStatus.PLACED
