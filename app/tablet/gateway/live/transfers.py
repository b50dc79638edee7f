"""The live gateway's transfers between stores, straight to the API (never queued: the units are
held and counted there, and two tablets may scan the same box)."""

from __future__ import annotations

from app.contracts.transfers import (
    ReceiveRequest,
    SendRequest,
    TransferCreate,
    TransferList,
    TransferOut,
)
from app.tablet.gateway import checked
from app.tablet.gateway.live.base import LiveBase


class LiveTransfers(LiveBase):
    def transfers(self, store_id: int, direction: str) -> TransferList:
        return self.client.transfers(store_id, direction)

    def request_transfer(self, body: TransferCreate, *, key: str) -> TransferOut:
        return self.client.request_transfer(body, key=key)

    def send_transfer(self, transfer_id: int, scans: list[str], *, key: str) -> TransferOut:
        # What the contract refuses (a scanner's 5,000 characters) is refused here, unsent.
        checked(lambda: SendRequest(scans=scans))
        return self.client.send_transfer(transfer_id, scans, key=key)

    def receive_transfer(
        self, transfer_id: int, scans: list[str], damaged: list[str], *, key: str
    ) -> TransferOut:
        checked(lambda: ReceiveRequest(scans=scans, damaged=damaged))
        return self.client.receive_transfer(transfer_id, scans, damaged, key=key)

    def close_transfer(self, transfer_id: int, how: str, *, key: str) -> TransferOut:
        return self.client.close_transfer(transfer_id, how, key=key)
