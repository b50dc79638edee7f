"""The tablet client's calls for the store's side of orders (issue 14): preparing and handing
over pickups, packing and shipping parcels, returns and exchanges, transfers between stores.
A part of ReyonClient (app/tablet/client.py), kept apart by meaning; every call goes through
its one `_call`, so errors and offline answers are read the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from app.contracts.exchanges import ExchangeCreate, ExchangeOut
from app.contracts.fulfilment import (
    HandOverLineIn,
    HandOverOut,
    HandOverRequest,
    OverduePickups,
    PackOut,
    PackRequest,
    PickOut,
    PickRequest,
    PickupQueue,
    ReadyOut,
    ReadyRequest,
    ShipOut,
    ShipRequest,
)
from app.contracts.returns import ReturnCreate, ReturnList, ReturnLookup, ReturnOut
from app.contracts.transfers import (
    ReceiveRequest,
    SendRequest,
    TransferCreate,
    TransferList,
    TransferOut,
)

M = TypeVar("M", bound=BaseModel)


class StoreSideCalls:
    """Mixed into ReyonClient, which supplies `_call`."""

    if TYPE_CHECKING:

        def _call(
            self,
            method: str,
            path: str,
            model: type[M],
            *,
            body: BaseModel | None = None,
            **kw: Any,
        ) -> M: ...

    # -- preparing and handing over pickups ----------------------------------------------

    def to_prepare(self, store_id: int, *, limit: int = 200) -> PickupQueue:
        """The store's click & collect and reserve-in-store orders to pick or hand over."""
        return self._call(
            "GET", f"/v1/stores/{store_id}/to-prepare", PickupQueue, params={"limit": limit}
        )

    def pick(self, order_id: int, barcode: str, quantity: int = 1, *, key: str) -> PickOut:
        """One scan at the shelf counted for the order; `key` made when the item was scanned."""
        return self._call(
            "POST",
            f"/v1/orders/{order_id}/pick",
            PickOut,
            body=PickRequest(barcode=barcode, quantity=quantity),
            headers={"Idempotency-Key": key},
        )

    def mark_ready(self, order_id: int, lang: str = "tr", *, key: str) -> ReadyOut:
        """Every unit picked: the order is ready and its customer told, in `lang`."""
        return self._call(
            "POST",
            f"/v1/orders/{order_id}/ready",
            ReadyOut,
            body=ReadyRequest.model_validate({"lang": lang}),
            headers={"Idempotency-Key": key},
        )

    def hand_over(
        self, order_id: int, code: str, lines: dict[int, int] | None = None, *, key: str
    ) -> HandOverOut:
        """Hand the order over against the customer's identity QR code or its pickup code:
        `lines` (line id -> units), or everything ready when None."""
        body = HandOverRequest(
            code=code,
            lines=[HandOverLineIn(line_id=i, quantity=q) for i, q in lines.items()]
            if lines
            else None,
        )
        return self._call(
            "POST",
            f"/v1/orders/{order_id}/hand-over",
            HandOverOut,
            body=body,
            headers={"Idempotency-Key": key},
        )

    def pack(self, order_id: int, *, key: str) -> PackOut:
        """Every unit of this store's parcel picked: it is packed (one box)."""
        return self._call(
            "POST",
            f"/v1/orders/{order_id}/pack",
            PackOut,
            body=PackRequest(),
            headers={"Idempotency-Key": key},
        )

    def ship(self, order_id: int, lang: str = "tr", *, key: str) -> ShipOut:
        """The packed parcel handed to the carrier; the customer told its tracking, in `lang`."""
        return self._call(
            "POST",
            f"/v1/orders/{order_id}/ship",
            ShipOut,
            body=ShipRequest.model_validate({"lang": lang}),
            headers={"Idempotency-Key": key},
        )

    def overdue_pickups(self, store_id: int) -> OverduePickups:
        """Ready orders whose hold has run out (managers)."""
        return self._call("GET", f"/v1/stores/{store_id}/pickups/overdue", OverduePickups)

    # -- returns ---------------------------------------------------------------------------

    def find_return(
        self, *, code: str | None = None, customer_id: int | None = None
    ) -> ReturnLookup:
        """The order on a receipt (its number or QR `code`), or a customer's received orders,
        with what of each line may still come back."""
        params: dict[str, str | int] = {}
        if code is not None:
            params["code"] = code
        if customer_id is not None:
            params["customer_id"] = customer_id
        return self._call("GET", "/v1/returns/lookup", ReturnLookup, params=params)

    def take_return(self, order_id: int, body: ReturnCreate, *, key: str) -> ReturnOut:
        """Lines of the order taken back here; `key` made when the associate confirmed."""
        return self._call(
            "POST",
            f"/v1/orders/{order_id}/returns",
            ReturnOut,
            body=body,
            headers={"Idempotency-Key": key},
        )

    def order_returns(self, order_id: int) -> ReturnList:
        return self._call("GET", f"/v1/orders/{order_id}/returns", ReturnList)

    def exchange(self, order_id: int, body: ExchangeCreate, *, key: str) -> ExchangeOut:
        """Lines of the order taken back and replaced in one step, the difference settled;
        `key` made when the associate confirmed."""
        return self._call(
            "POST",
            f"/v1/orders/{order_id}/exchanges",
            ExchangeOut,
            body=body,
            headers={"Idempotency-Key": key},
        )

    # -- transfers between stores ----------------------------------------------------------

    def transfers(self, store_id: int, direction: str, *, limit: int = 200) -> TransferList:
        return self._call(
            "GET",
            f"/v1/stores/{store_id}/transfers/{direction}",
            TransferList,
            params={"limit": limit},
        )

    def request_transfer(self, body: TransferCreate, *, key: str) -> TransferOut:
        return self._call(
            "POST", "/v1/transfers", TransferOut, body=body, headers={"Idempotency-Key": key}
        )

    def send_transfer(self, transfer_id: int, scans: list[str], *, key: str) -> TransferOut:
        return self._call(
            "POST",
            f"/v1/transfers/{transfer_id}/send",
            TransferOut,
            body=SendRequest(scans=scans),
            headers={"Idempotency-Key": key},
        )

    def receive_transfer(
        self, transfer_id: int, scans: list[str], damaged: list[str], *, key: str
    ) -> TransferOut:
        return self._call(
            "POST",
            f"/v1/transfers/{transfer_id}/receive",
            TransferOut,
            body=ReceiveRequest(scans=scans, damaged=damaged),
            headers={"Idempotency-Key": key},
        )

    def close_transfer(self, transfer_id: int, how: str, *, key: str) -> TransferOut:
        if how not in ("cancel", "refuse"):
            raise ValueError(f"a transfer is closed by 'cancel' or 'refuse', not {how!r}")
        return self._call(
            "POST",
            f"/v1/transfers/{transfer_id}/{how}",
            TransferOut,
            headers={"Idempotency-Key": key},
        )
