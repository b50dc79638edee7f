"""An order's life: the statuses it goes through and what each allows; the day the customer
is promised; the words of the pay link sent to them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
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


# --- what the customer is promised ------------------------------------------------------------
#
# The day an order reaches the customer, as the associate tells them at the till. Counted in
# the store's calendar days from the day it was placed, per line from where the line ships,
# and the order's day is its slowest line's (it arrives, or is ready to collect, whole):
# - the online warehouse packs parcels all day and the carrier delivers the next day but one;
# - another store packs parcels once a day between serving customers, a day slower;
# - a line already in the pickup store: ready the same day when ordered before the store's
#   picking cut-off, else the next morning; a reservation is on the shelf, held, at once.
WAREHOUSE_DAYS = 2
OTHER_STORE_DAYS = 3
SAME_DAY_CUTOFF = time(17, 0)  # store time: later orders are picked the next morning


class Source(StrEnum):
    """Where a line ships from, seen from the order."""

    HERE = "here"  # the pickup or reservation store itself: nothing travels
    WAREHOUSE = "warehouse"
    OTHER_STORE = "other_store"


def source_of(kind: str, location_id: int, pickup_location_id: int | None) -> Source:
    """A line's source location (its kind and id) as the promise rule sees it. A parcel sent
    home from a store travels like any store's, whichever store sold it."""
    if pickup_location_id is not None and location_id == pickup_location_id:
        return Source.HERE
    return Source.WAREHOUSE if kind == "warehouse" else Source.OTHER_STORE


def expected_on(
    fulfilment: str, sources: Iterable[Source], placed_local: datetime, status: str = "placed"
) -> date | None:
    """The day the customer can expect the order at home or in the pickup store.

    `placed_local` is the moment it was placed on the store's clock. None when nothing is
    promised any more (the order is closed) or there is no line."""
    if status not in OPEN_STATUSES:
        return None
    days: list[int] = []
    for source in sources:
        if source == Source.WAREHOUSE:
            days.append(WAREHOUSE_DAYS)
        elif source == Source.OTHER_STORE or fulfilment == "ship_to_home":
            days.append(OTHER_STORE_DAYS)
        elif fulfilment == "reserve_in_store":
            days.append(0)
        else:  # click & collect from the pickup store's own shelf
            days.append(0 if placed_local.time() < SAME_DAY_CUTOFF else 1)
    if not days:
        return None
    return placed_local.date() + timedelta(days=max(days))


# --- the pay link, sent to the customer ---------------------------------------------------------

_PAY_LINK_SUBJECT = {"tr": "Siparişinizin ödeme bağlantısı", "en": "Pay for your order"}
_PAY_LINK_MESSAGE = {
    "tr": (
        "{store}: {number} numaralı siparişinizin tutarı {total}. Ödemek için: {url} "
        "(bağlantı {hours} saat geçerlidir)."
    ),
    "en": (
        "{store}: your order {number} comes to {total}. To pay: {url} "
        "(the link works for {hours} hours)."
    ),
}


def pay_link_subject(lang: str) -> str:
    return _PAY_LINK_SUBJECT["en"] if lang == "en" else _PAY_LINK_SUBJECT["tr"]


def pay_link_message(
    lang: str, *, store: str, number: str, total: str, url: str, hours: int
) -> str:
    """The text message or e-mail body carrying an order's pay link (a transactional
    message: the customer asked for the order, no marketing consent is needed)."""
    template = _PAY_LINK_MESSAGE["en"] if lang == "en" else _PAY_LINK_MESSAGE["tr"]
    return template.format(store=store, number=number, total=total, url=url, hours=hours)
