"""Returns: what a customer may bring back, until when, and what they get for it. Pure.

An order may be returned, in any store, once its goods are in the customer's hands (collected
in a store or delivered home), within the retailer's window counted in the store's calendar
days from that moment; each line up to the units bought and not yet returned.

The money follows what the customer actually paid: a unit's refund is its share of the line's
total after the coupon's share (`OrderLine.line_total_kurus`), so a coupon's discount comes back
in proportion and never as cash. Shares are cut cumulatively: the first k units of a line refund
exactly floor(total * k / quantity), so however a line comes back in parts, the parts add up to
the line's total, never a kuruş more. Loyalty points the order earned go back the same way, in
proportion to the money refunded out of the order's total.

An exchange (app/domain/exchanges.py) is a return by these same rules whose refund value pays
for a new order; only the difference between the two moves money.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.domain.channels import Channel
from app.domain.local_days import local_day
from app.domain.orders import OrderStatus


class ReturnReason(StrEnum):
    """Why the customer brings it back: the reasons a store reports on and a buyer acts on."""

    WRONG_SIZE = "wrong_size"
    DAMAGED = "damaged"
    NOT_AS_PICTURED = "not_as_pictured"
    CHANGED_MIND = "changed_mind"
    OTHER = "other"


class Condition(StrEnum):
    """The state the associate finds the item in: it decides where the unit goes."""

    SELLABLE = "sellable"  # back on this store's shelf, available again
    DAMAGED = "damaged"  # to this store's damaged bin: counted, never sold


class StockPlace(StrEnum):
    """Where a returned unit is counted at the returning store."""

    ON_HAND = "on_hand"
    DAMAGED = "damaged"


def stock_place(condition: Condition | str) -> StockPlace:
    return StockPlace.ON_HAND if condition == Condition.SELLABLE else StockPlace.DAMAGED


class RefundMethod(StrEnum):
    ORIGINAL_PAYMENT = "original_payment"  # back through the payment provider that charged it
    STORE_CREDIT = "store_credit"  # kept by the retailer for the customer's next purchase


# The goods are in the customer's hands only once collected or delivered: a paid parcel on its
# way, or a pickup still on the store's shelf, is cancelled, not returned.
RETURNABLE_STATUSES = (OrderStatus.COLLECTED, OrderStatus.DELIVERED)

# The retailer's window, in the store's calendar days after the goods reached the customer.
# What was bought at a distance (web, app, an endless-aisle order) gets twice the store's days:
# the customer first sees it at home, and the law's 14 days of withdrawal for distance sales
# (Mesafeli Sözleşmeler Yönetmeliği, art. 9) must fit inside the retailer's own window.
RETURN_DAYS: dict[Channel, int] = {
    Channel.WEB: 30,
    Channel.APP: 30,
    Channel.ENDLESS_AISLE: 30,
    Channel.STORE: 15,
}


def may_return(status: str) -> bool:
    return status in RETURNABLE_STATUSES


def received_at(events: Iterable[tuple[str, datetime]]) -> datetime | None:
    """When the goods reached the customer, from the order's history (status, at): the moment
    it became collected or delivered (a partial pickup becomes collected at its last visit);
    None when it never did. The first such row: a later one repeating the status (the note that
    it came back in full) must not restart the window."""
    moments = [at for status, at in events if status in RETURNABLE_STATUSES]
    return min(moments) if moments else None


def last_day(channel: str, received: datetime, tz: str) -> date:
    """The last local day a return is taken, whole: a customer told "30 days" may come on the
    thirtieth day at closing time."""
    return local_day(received, tz) + timedelta(days=RETURN_DAYS[Channel(channel)])


def window_open(channel: str, received: datetime, now: datetime, tz: str) -> bool:
    return local_day(now, tz) <= last_day(channel, received, tz)


# --- lines and money ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineBought:
    line_id: int
    quantity: int
    returned: int
    line_total_kurus: int  # what the customer paid for the whole line, after the coupon's share

    @property
    def returnable(self) -> int:
        return self.quantity - self.returned


def refund_for(line: LineBought, units: int) -> int:
    """What `units` more units of the line refund, after the `line.returned` before them."""
    if units < 0 or line.returned + units > line.quantity:
        raise ValueError("more units than are left to return")
    total, quantity = line.line_total_kurus, line.quantity
    return total * (line.returned + units) // quantity - total * line.returned // quantity


def points_to_reverse(earned: int, order_total: int, refunded_before: int, refunded: int) -> int:
    """The points a refund takes back: the earned points' share of the money refunded out of
    the order's total, cut cumulatively like the money, so returning everything in any number
    of parts takes back exactly what was earned."""
    if earned <= 0 or order_total <= 0 or refunded <= 0:
        return 0
    after = min(refunded_before + refunded, order_total)
    before = min(refunded_before, order_total)
    return earned * after // order_total - earned * before // order_total


class LineRefusal(StrEnum):
    NOT_IN_ORDER = "not_in_order"
    TOO_MANY = "too_many"  # more than bought and not yet returned


@dataclass(frozen=True, slots=True)
class Refused:
    refusal: LineRefusal
    line_id: int
    returnable: int = 0


def check_lines(lines: Mapping[int, LineBought], wanted: Mapping[int, int]) -> Refused | None:
    """The first line asked for that cannot be returned, or None when all of them can."""
    for line_id, units in wanted.items():
        line = lines.get(line_id)
        if line is None:
            return Refused(LineRefusal.NOT_IN_ORDER, line_id)
        if units > line.returnable:
            return Refused(LineRefusal.TOO_MANY, line_id, line.returnable)
    return None


def fully_returned(lines: Iterable[LineBought]) -> bool:
    lines = list(lines)
    return bool(lines) and all(line.returnable == 0 for line in lines)
