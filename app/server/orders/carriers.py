"""Booking a parcel with a carrier behind one small interface, so a real carrier (Yurtiçi, Aras,
MNG, PTT ...) plugs in where the test carrier is (app.state.carrier at start-up).

A booking carries Reyon's reference, one per parcel, and a carrier answers a second booking
with the same reference with the first one's tracking number (every real carrier's API takes
such a key): a ship retried after its first transaction was lost books no second parcel."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Parcel:
    """What the carrier needs to take a parcel: where from, where to, how many boxes."""

    order_number: str
    from_location_code: str
    ship_to: dict[str, Any]
    parcels: int = 1
    weight_grams: int | None = None


@dataclass(frozen=True)
class Booking:
    carrier: str
    tracking_number: str
    label_url: str | None = None


class CarrierRefused(Exception):
    """The carrier would not take the parcel (an address it does not serve, its service down)."""


class Carrier(Protocol):
    name: str

    def book(self, parcel: Parcel, *, reference: str) -> Booking: ...


class TestCarrier:
    """Takes every parcel and remembers its bookings by reference as a real carrier does; the
    tracking number is made from the reference, so the same parcel always gets the same one.
    For the demo and the tests. Never in production."""

    __test__ = False  # not a pytest test class, whatever its name
    name = "test"

    def __init__(self) -> None:
        self._bookings: dict[str, tuple[Parcel, Booking]] = {}
        self._lock = threading.Lock()  # requests run in threads of one process

    def book(self, parcel: Parcel, *, reference: str) -> Booking:
        with self._lock:
            earlier = self._bookings.get(reference)
            if earlier is not None:
                return earlier[1]
            if not parcel.ship_to:
                raise CarrierRefused("no address to deliver to")
            digest = hashlib.sha256(reference.encode()).hexdigest()[:12].upper()
            booking = Booking(
                self.name, f"TST{digest}", f"https://carrier.test/labels/TST{digest}.pdf"
            )
            self._bookings[reference] = (parcel, booking)
            return booking

    def booked(self) -> dict[str, Booking]:
        """Reference -> booking, for everything this carrier was asked to take."""
        with self._lock:
            return {ref: booking for ref, (_, booking) in self._bookings.items()}
