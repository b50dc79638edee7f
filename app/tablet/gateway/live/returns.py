"""The live gateway's returns: the order is looked up online; the return itself leaves through
the one write path, so a return confirmed as the Wi-Fi drops waits in the outbox and is taken
once (its Idempotency-Key was made when the associate confirmed)."""

from __future__ import annotations

from app.contracts.exchanges import ExchangeCreate, ExchangeOut
from app.contracts.returns import ReturnCreate, ReturnLookup, ReturnOut
from app.tablet.gateway import Author, Submitted, checked
from app.tablet.gateway.live.base import LiveBase


class LiveReturns(LiveBase):
    def find_return(
        self, *, code: str | None = None, customer_id: int | None = None
    ) -> ReturnLookup:
        return self.client.find_return(code=code, customer_id=customer_id)

    def take_return(
        self, by: Author, order_id: int, body: ReturnCreate, *, key: str, label: str
    ) -> Submitted:
        request = checked(lambda: ReturnCreate.model_validate(body.model_dump()))
        submitted = self._write(
            by,
            kind="return",
            path=f"/v1/orders/{order_id}/returns",
            body=request,
            key=key,
            customer_id=None,
            label=label,
        )
        if submitted.status == "sent":
            submitted.answer = ReturnOut.model_validate(submitted.answer)
        return submitted

    def exchange(self, order_id: int, body: ExchangeCreate, *, key: str) -> ExchangeOut:
        return self.client.exchange(order_id, body, key=key)
