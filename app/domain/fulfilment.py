"""Preparing and handing over orders at the store (click & collect, reserve in store).

Which status may follow which; what a store may do to an order in each (pick, mark ready, hand
over); what a scan may pick; what a hand-over collects; when an uncollected pickup is overdue;
and the words that tell the customer their order is ready or on its way. Pure: no I/O, no
framework.

An order is picked line by line (each scan counts units of one line), marked ready once every
unit is picked, then handed over, whole or in parts: a partly collected order stays ready until
every unit has left the store, and only then is it collected.

A parcel sent home from a store (ship to home, lines sourced at the store) is picked the same
way, line by line, then packed, then shipped with a carrier: only its lines sourced at that
store are the store's to pick, and the order is shipped once every line has left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.domain.contact import Channel
from app.domain.orders import OrderStatus
from app.domain.sourcing import FulfilmentType

S = OrderStatus

# The orders a store prepares and hands over itself: the customer comes to the pickup store.
STORE_FULFILMENTS = frozenset({FulfilmentType.CLICK_COLLECT, FulfilmentType.RESERVE_IN_STORE})

# Status -> the statuses it may move to. A store pickup is picked while placed (reservations
# are paid at the till) or paid, made ready, then collected; a parcel is paid, shipped and
# delivered. Any open order may be cancelled (or its hold run out). Closed statuses are final.
_AT_STORE: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PLACED: frozenset({S.PAID, S.READY, S.CANCELLED}),
    S.PAID: frozenset({S.READY, S.CANCELLED}),
    S.READY: frozenset({S.COLLECTED, S.CANCELLED}),
}
_TO_HOME: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PLACED: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
}


def next_statuses(fulfilment: str, status: str) -> frozenset[OrderStatus]:
    """Where an order of this fulfilment may go from `status` (nothing from a closed one)."""
    table = _AT_STORE if fulfilment in STORE_FULFILMENTS else _TO_HOME
    return table.get(OrderStatus(status), frozenset())


def may_move(fulfilment: str, status: str, to: str) -> bool:
    return to in next_statuses(fulfilment, status)


# Picking happens before the order is ready, while it still may become ready.
PICKABLE = (S.PLACED, S.PAID)


def may_pick(fulfilment: str, status: str) -> bool:
    """Units may be picked (and the order marked ready) only while it can still become ready."""
    return fulfilment in STORE_FULFILMENTS and status in PICKABLE


def may_hand_over(fulfilment: str, status: str) -> bool:
    return fulfilment in STORE_FULFILMENTS and status == S.READY


# --- an order's lines, as far as they have come ----------------------------------------------


@dataclass(frozen=True, slots=True)
class LineProgress:
    line_id: int
    quantity: int  # ordered
    picked: int = 0  # taken from the shelf and put aside for the customer
    collected: int = 0  # handed over to the customer

    @property
    def to_pick(self) -> int:
        return self.quantity - self.picked

    @property
    def to_hand_over(self) -> int:
        """Units picked and waiting for the customer."""
        return self.picked - self.collected


class Step(StrEnum):
    """What the store does next with an order in its queue."""

    PICK = "pick"  # units still to take from the shelf
    MARK_READY = "mark_ready"  # all picked: tell the customer
    HAND_OVER = "hand_over"  # ready: waiting for the customer
    PACK = "pack"  # a parcel's units all picked: put them in the box
    SHIP = "ship"  # packed: book the carrier and hand the box over
    DONE = "done"  # collected or shipped, or closed otherwise


def all_picked(lines: Sequence[LineProgress]) -> bool:
    return bool(lines) and all(ln.picked >= ln.quantity for ln in lines)


def all_collected(lines: Sequence[LineProgress]) -> bool:
    return bool(lines) and all(ln.collected >= ln.quantity for ln in lines)


def step_of(fulfilment: str, status: str, lines: Sequence[LineProgress]) -> Step:
    if may_pick(fulfilment, status):
        return Step.MARK_READY if all_picked(lines) else Step.PICK
    if may_hand_over(fulfilment, status) and not all_collected(lines):
        return Step.HAND_OVER
    return Step.DONE


# --- a parcel sent home from a store -----------------------------------------------------------
#
# Prepared only once paid: an unpaid order's hold may still run out, and nothing leaves the
# store before the money is in.
PARCEL_PICKABLE = (S.PAID,)


class ShipmentStatus(StrEnum):
    PACKED = "packed"
    SHIPPED = "shipped"


def pickable(fulfilment: str) -> tuple[OrderStatus, ...]:
    """The statuses in which a store picks units for an order of this fulfilment."""
    if fulfilment in STORE_FULFILMENTS:
        return PICKABLE
    return PARCEL_PICKABLE if fulfilment == FulfilmentType.SHIP_TO_HOME else ()


def parcel_step(status: str, lines: Sequence[LineProgress], shipment: str | None) -> Step:
    """What the store does next with the parcel it sends: `lines` are the order's lines sourced
    at this store, `shipment` its parcel's status there (None before packing)."""
    if status not in PARCEL_PICKABLE or shipment == ShipmentStatus.SHIPPED:
        return Step.DONE
    if shipment == ShipmentStatus.PACKED:
        return Step.SHIP
    return Step.PACK if all_picked(lines) else Step.PICK


class ParcelRefusal(StrEnum):
    NOT_PAID = "not_paid"  # or closed: nothing to send
    NOT_ALL_PICKED = "not_all_picked"
    ALREADY_PACKED = "already_packed"
    NOT_PACKED = "not_packed"
    ALREADY_SHIPPED = "already_shipped"


def pack_refusal(
    status: str, lines: Sequence[LineProgress], shipment: str | None
) -> ParcelRefusal | None:
    """Why the store may not pack its parcel now; None when it may."""
    if shipment == ShipmentStatus.SHIPPED:
        return ParcelRefusal.ALREADY_SHIPPED
    if status not in PARCEL_PICKABLE:
        return ParcelRefusal.NOT_PAID
    if shipment == ShipmentStatus.PACKED:
        return ParcelRefusal.ALREADY_PACKED
    return None if all_picked(lines) else ParcelRefusal.NOT_ALL_PICKED


def ship_refusal(status: str, shipment: str | None) -> ParcelRefusal | None:
    """Why the store may not ship its parcel now; None when it may."""
    if shipment == ShipmentStatus.SHIPPED:
        return ParcelRefusal.ALREADY_SHIPPED
    if status not in PARCEL_PICKABLE:
        return ParcelRefusal.NOT_PAID
    return None if shipment == ShipmentStatus.PACKED else ParcelRefusal.NOT_PACKED


def status_after_shipping(lines: Sequence[LineProgress]) -> OrderStatus:
    """`lines` are all the order's lines, with those that left counted as collected: the order
    is shipped once every line has left, whichever location sent it; until then still paid."""
    return S.SHIPPED if all_collected(lines) else S.PAID


class PickRefusal(StrEnum):
    NOT_IN_ORDER = "not_in_order"  # the scanned item is on no line of this order
    MORE_THAN_ORDERED = "more_than_ordered"


def pick_refusal(line: LineProgress | None, units: int) -> PickRefusal | None:
    """Why scanning `units` of an item may not count as picked; None when it may. `line` is the
    order's line of the scanned item, None when the order has no such line."""
    if units <= 0:
        raise ValueError("units must be positive")
    if line is None:
        return PickRefusal.NOT_IN_ORDER
    if line.picked + units > line.quantity:
        return PickRefusal.MORE_THAN_ORDERED
    return None


def picked(line: LineProgress, units: int) -> LineProgress:
    """The line after a pick the rule allowed."""
    if pick_refusal(line, units) is not None:
        raise ValueError("this pick is refused")
    return LineProgress(line.line_id, line.quantity, line.picked + units, line.collected)


class HandOverRefusal(StrEnum):
    NOT_IN_ORDER = "not_in_order"  # a line id of no line of this order
    MORE_THAN_READY = "more_than_ready"  # more units than are picked and still here
    NOTHING_LEFT = "nothing_left"  # every unit was handed over already


@dataclass(frozen=True, slots=True)
class HandOverPlan:
    """Units to hand over now, per line id; or why not (and which line)."""

    units: dict[int, int] = field(default_factory=dict)
    refusal: HandOverRefusal | None = None
    line_id: int | None = None


def hand_over_plan(
    lines: Sequence[LineProgress], wanted: Mapping[int, int] | None = None
) -> HandOverPlan:
    """What a hand-over gives the customer: the units asked for per line (`wanted`, line id ->
    units), or, when None, every unit picked and not yet collected."""
    by_id = {ln.line_id: ln for ln in lines}
    if wanted is None:
        units = {ln.line_id: ln.to_hand_over for ln in lines if ln.to_hand_over > 0}
        if not units:
            return HandOverPlan(refusal=HandOverRefusal.NOTHING_LEFT)
        return HandOverPlan(units)
    for line_id, count in wanted.items():
        if count <= 0:
            raise ValueError("units must be positive")
        line = by_id.get(line_id)
        if line is None:
            return HandOverPlan(refusal=HandOverRefusal.NOT_IN_ORDER, line_id=line_id)
        if count > line.to_hand_over:
            refusal = (
                HandOverRefusal.NOTHING_LEFT
                if line.collected >= line.quantity
                else HandOverRefusal.MORE_THAN_READY
            )
            return HandOverPlan(refusal=refusal, line_id=line_id)
    if not wanted:
        return HandOverPlan(refusal=HandOverRefusal.NOTHING_LEFT)
    return HandOverPlan(dict(wanted))


def handed_over(lines: Sequence[LineProgress], plan: HandOverPlan) -> list[LineProgress]:
    """The lines after a hand-over the rule planned."""
    if plan.refusal is not None:
        raise ValueError("this hand-over is refused")
    return [
        LineProgress(
            ln.line_id, ln.quantity, ln.picked, ln.collected + plan.units.get(ln.line_id, 0)
        )
        for ln in lines
    ]


def status_after_hand_over(lines: Sequence[LineProgress]) -> OrderStatus:
    """Collected once every unit has left the store; until then still ready."""
    return S.COLLECTED if all_collected(lines) else S.READY


# --- how long a ready order waits ---------------------------------------------------------------
#
# A reservation in store is held until the end the customer was told when it was placed. A
# click & collect order's stock is held without an end while it travels and is picked; from
# the moment it is ready, the customer has PICKUP_HOLD_DAYS to come, after which the hold runs
# out like a reservation's (the API's housekeeping releases it).
PICKUP_HOLD_DAYS = 7


def hold_end(ready_at: datetime, current_end: datetime | None) -> datetime:
    """Until when a line's units wait for the customer once the order is ready."""
    return current_end if current_end is not None else ready_at + timedelta(days=PICKUP_HOLD_DAYS)


class Overdue(StrEnum):
    HOLD_EXPIRED = "hold_expired"  # the hold's end has passed (housekeeping will release it)
    PAST_DUE = "past_due"  # nothing holds it to an end, but it waited the whole pickup window


def overdue(
    status: str, *, ready_at: datetime | None, hold_ends: Iterable[datetime], now: datetime
) -> Overdue | None:
    """Why a ready order counts as an overdue pickup at `now`, or None when it does not."""
    if status != S.READY:
        return None
    ends = list(hold_ends)
    if ends:
        return Overdue.HOLD_EXPIRED if min(ends) <= now else None
    if ready_at is not None and ready_at + timedelta(days=PICKUP_HOLD_DAYS) <= now:
        return Overdue.PAST_DUE
    return None


def deadline(ready_at: datetime | None, hold_ends: Iterable[datetime]) -> datetime | None:
    """The moment a ready order becomes overdue (the earliest hold end, else the window's)."""
    ends = list(hold_ends)
    if ends:
        return min(ends)
    return ready_at + timedelta(days=PICKUP_HOLD_DAYS) if ready_at is not None else None


# --- telling the customer -------------------------------------------------------------------


class HandOverProof(StrEnum):
    """How the customer proved the order is theirs at the hand-over."""

    IDENTITY = "identity"  # their app's identity QR code
    PICKUP_CODE = "pickup_code"  # the order's signed pickup code, from the app


class NoticeKind(StrEnum):
    ORDER_READY = "order_ready"
    ORDER_SHIPPED = "order_shipped"


class NoticeStatus(StrEnum):
    """A customer notice is written in the transaction that caused it, then sent."""

    PENDING = "pending"  # not sent yet: at once when it can go, else by a worker later
    SENDING = "sending"  # claimed by one sender for a while (a lease), so none sends it twice
    SENT = "sent"


def notice_channel(
    *,
    sms_consent: bool,
    phone: str | None,
    email_consent: bool,
    email: str | None,
    can_send: Callable[[Channel], bool],
) -> Channel | None:
    """The channel a notice goes on: one the customer consented to, with an address on file,
    that this server can send on now; a text first (a pickup is read sooner on the phone).
    None: nothing may or can go now, and the notice waits."""
    if sms_consent and phone and can_send("sms"):
        return "sms"
    if email_consent and email and can_send("email"):
        return "email"
    return None


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")  # fmt: skip
_READY_SUBJECT = {"tr": "Siparişiniz teslim almaya hazır", "en": "Your order is ready to collect"}
_READY_MESSAGE = {
    "tr": (
        "{store}: {number} numaralı siparişiniz teslim almaya hazır. Son teslim alma günü: "
        "{last_day}. Mağazada Reyon uygulamanızdaki QR kodu ya da teslim kodunu gösterin."
    ),
    "en": (
        "{store}: your order {number} is ready to collect. Last day to collect: {last_day}. "
        "At the store, show the QR code or the pickup code in your Reyon app."
    ),
}


def day_words(lang: str, day: date) -> str:
    """A day as the customer reads it: 12.06.2026 in Turkish, 12 June 2026 in English."""
    if lang == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return day.strftime("%d.%m.%Y")


def ready_subject(lang: str) -> str:
    return _READY_SUBJECT["en"] if lang == "en" else _READY_SUBJECT["tr"]


def ready_message(lang: str, *, store: str, number: str, last_day: date | None) -> str:
    """The text or e-mail telling the customer their order waits at the pickup store, and the
    last day it waits (a hold always has one once the order is ready)."""
    template = _READY_MESSAGE["en"] if lang == "en" else _READY_MESSAGE["tr"]
    day = day_words(lang, last_day) if last_day is not None else "-"
    return template.format(store=store, number=number, last_day=day)


_SHIPPED_SUBJECT = {"tr": "Siparişiniz kargoya verildi", "en": "Your order is on its way"}
_SHIPPED_MESSAGE = {
    "tr": "{store}: {number} numaralı siparişiniz {carrier} ile yola çıktı. Takip no: {tracking}.",
    "en": "{store}: your order {number} is on its way with {carrier}. Tracking number: {tracking}.",
}


def shipped_subject(lang: str) -> str:
    return _SHIPPED_SUBJECT["en"] if lang == "en" else _SHIPPED_SUBJECT["tr"]


def shipped_message(lang: str, *, store: str, number: str, carrier: str, tracking: str) -> str:
    """The text or e-mail telling the customer their parcel left the store, and how to follow it."""
    template = _SHIPPED_MESSAGE["en"] if lang == "en" else _SHIPPED_MESSAGE["tr"]
    return template.format(store=store, number=number, carrier=carrier, tracking=tracking)
