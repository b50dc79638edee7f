"""Transfers of units between locations: one store asks another store (or the online warehouse)
for units, for a customer or for its shelf; the sender sends them; the receiver scans them in.
Pure: no I/O, no framework.

A transfer is requested (the units are held at the sender, so they cannot be sold meanwhile),
then sent (they leave the sender and are in transit), then received: whole, or partly when
units were not sent, went missing on the way or arrived damaged. Before it is sent, the
requester may cancel it and the sender may refuse it; either gives the held units back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class TransferStatus(StrEnum):
    REQUESTED = "requested"  # units held at the sender: on the sender's task list
    SENT = "sent"  # units left the sender: in transit
    RECEIVED = "received"  # every unit asked for arrived sound
    PARTLY_RECEIVED = "partly_received"  # some were not sent, lost or damaged: see the lines
    CANCELLED = "cancelled"  # by the requester, before it was sent
    REFUSED = "refused"  # by the sender, before it was sent


class TransferReason(StrEnum):
    CUSTOMER = "customer"  # a customer waits for the units
    SHELF = "shelf"  # to fill the requester's shelf


T = TransferStatus

_NEXT: dict[TransferStatus, frozenset[TransferStatus]] = {
    T.REQUESTED: frozenset({T.SENT, T.CANCELLED, T.REFUSED}),
    T.SENT: frozenset({T.RECEIVED, T.PARTLY_RECEIVED}),
}
CLOSED = frozenset({T.RECEIVED, T.PARTLY_RECEIVED, T.CANCELLED, T.REFUSED})
RECEIVED = frozenset({T.RECEIVED, T.PARTLY_RECEIVED})


def next_statuses(status: str) -> frozenset[TransferStatus]:
    """Where a transfer may go from `status` (nowhere from a closed one)."""
    return _NEXT.get(TransferStatus(status), frozenset())


def may_move(status: str, to: str) -> bool:
    return to in next_statuses(status)


# --- a transfer's lines, as far as they have come ------------------------------------------


@dataclass(frozen=True, slots=True)
class LineCount:
    line_id: int
    requested: int
    sent: int = 0  # left the sender
    received: int = 0  # arrived sound: on the receiver's shelf
    damaged: int = 0  # arrived, but not sellable

    @property
    def not_sent(self) -> int:
        return self.requested - self.sent

    @property
    def short(self) -> int:
        """Sent but never scanned in (only meaningful once the transfer is received)."""
        return self.sent - self.received - self.damaged


class LineRefusal(StrEnum):
    NOT_IN_TRANSFER = "not_in_transfer"  # the scanned item is on no line of the transfer
    MORE_THAN_REQUESTED = "more_than_requested"  # sending more than was asked for
    MORE_THAN_SENT = "more_than_sent"  # receiving more than left the sender


@dataclass(frozen=True, slots=True)
class Tally:
    """Scans counted per line id; `unknown` is the first code that is on no line."""

    units: dict[int, int] = field(default_factory=dict)
    unknown: str | None = None


def tally(scans: Iterable[tuple[str, int]], line_of_code: Mapping[str, int]) -> Tally:
    """Units per line from (code, units) pairs; codes are matched as given (the caller folds
    the case of SKUs). One scan of an item that is not in the transfer spoils the tally."""
    units: dict[int, int] = {}
    for code, count in scans:
        if count < 0:
            raise ValueError("units must not be negative")
        line_id = line_of_code.get(code)
        if line_id is None:
            return Tally(unknown=code)
        if count:
            units[line_id] = units.get(line_id, 0) + count
    return Tally(units)


@dataclass(frozen=True, slots=True)
class Plan:
    """What a send or receive does to each line; or why not (and on which line)."""

    units: dict[int, int] = field(default_factory=dict)  # sent, or received sound
    damaged: dict[int, int] = field(default_factory=dict)  # received damaged
    refusal: LineRefusal | None = None
    line_id: int | None = None


def send_plan(lines: Sequence[LineCount], wanted: Mapping[int, int] | None = None) -> Plan:
    """Units that leave the sender per line: what was asked for (`wanted` None), or what the
    sender counted into the box; a line not counted sends nothing (its hold is given back)."""
    if wanted is None:
        return Plan({ln.line_id: ln.requested for ln in lines})
    by_id = {ln.line_id: ln for ln in lines}
    for line_id, count in wanted.items():
        line = by_id.get(line_id)
        if line is None:
            return Plan(refusal=LineRefusal.NOT_IN_TRANSFER, line_id=line_id)
        if count > line.requested:
            return Plan(refusal=LineRefusal.MORE_THAN_REQUESTED, line_id=line_id)
    return Plan({ln.line_id: wanted.get(ln.line_id, 0) for ln in lines})


def receive_plan(
    lines: Sequence[LineCount], sound: Mapping[int, int], damaged: Mapping[int, int]
) -> Plan:
    """Units scanned in per line, sound and damaged; never more than left the sender. What
    was sent and not scanned is short."""
    by_id = {ln.line_id: ln for ln in lines}
    for line_id in (*sound, *damaged):
        line = by_id.get(line_id)
        if line is None:
            return Plan(refusal=LineRefusal.NOT_IN_TRANSFER, line_id=line_id)
        if sound.get(line_id, 0) + damaged.get(line_id, 0) > line.sent:
            return Plan(refusal=LineRefusal.MORE_THAN_SENT, line_id=line_id)
    return Plan(
        {ln.line_id: sound.get(ln.line_id, 0) for ln in lines},
        {ln.line_id: damaged.get(ln.line_id, 0) for ln in lines},
    )


def sent(lines: Sequence[LineCount], plan: Plan) -> list[LineCount]:
    if plan.refusal is not None:
        raise ValueError("this send is refused")
    return [LineCount(ln.line_id, ln.requested, plan.units.get(ln.line_id, 0)) for ln in lines]


def received(lines: Sequence[LineCount], plan: Plan) -> list[LineCount]:
    if plan.refusal is not None:
        raise ValueError("this receipt is refused")
    return [
        LineCount(
            ln.line_id,
            ln.requested,
            ln.sent,
            plan.units.get(ln.line_id, 0),
            plan.damaged.get(ln.line_id, 0),
        )
        for ln in lines
    ]


class Difference(StrEnum):
    NOT_SENT = "not_sent"  # asked for, never left the sender
    SHORT = "short"  # left the sender, never arrived
    DAMAGED = "damaged"  # arrived, not sellable


def differences(line: LineCount) -> dict[Difference, int]:
    """Why a received line has fewer sound units than were asked for (only the nonzero)."""
    found = {
        Difference.NOT_SENT: line.not_sent,
        Difference.SHORT: line.short,
        Difference.DAMAGED: line.damaged,
    }
    return {kind: units for kind, units in found.items() if units}


def status_after_receipt(lines: Sequence[LineCount]) -> TransferStatus:
    """Received when every unit asked for arrived sound; else partly received."""
    whole = all(ln.received == ln.requested for ln in lines)
    return T.RECEIVED if whole else T.PARTLY_RECEIVED
