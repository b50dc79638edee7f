"""The live gateway's pickups: the store's queue, picking, ready and the hand-over, straight to
the API (never queued: the API decides, once, whether an order may be handed over)."""

from __future__ import annotations

from app.contracts.fulfilment import (
    HandOverOut,
    PackOut,
    PickOut,
    PickRequest,
    PickupQueue,
    ReadyOut,
    ShipOut,
)
from app.tablet.gateway import checked
from app.tablet.gateway.live.base import LiveBase


class LivePickups(LiveBase):
    def to_prepare(self, store_id: int) -> PickupQueue:
        return self.client.to_prepare(store_id)

    def pick(self, order_id: int, barcode: str, *, key: str) -> PickOut:
        # What the contract refuses (a scanner's 5,000 characters) is refused here, unsent.
        checked(lambda: PickRequest(barcode=barcode))
        return self.client.pick(order_id, barcode, key=key)

    def pack(self, order_id: int, *, key: str) -> PackOut:
        return self.client.pack(order_id, key=key)

    def ship(self, order_id: int, lang: str, *, key: str) -> ShipOut:
        return self.client.ship(order_id, lang, key=key)

    def mark_ready(self, order_id: int, lang: str, *, key: str) -> ReadyOut:
        return self.client.mark_ready(order_id, lang, key=key)

    def hand_over(self, order_id: int, code: str, *, key: str) -> HandOverOut:
        return self.client.hand_over(order_id, code, key=key)
