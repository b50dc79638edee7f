"""The live gateway's looks (issue 15): a look leaves through the one write path, so one
composed as the Wi-Fi drops waits in the outbox and is made once (its Idempotency-Key was made
when the associate tapped Send); the outbox sends a command of kind "look" to POST /v1/looks
like any other. A customer's looks are read online; offline, the ones this tablet last saw of a
customer it still keeps, else none (a list of messages is no reason to stop serving)."""

from __future__ import annotations

from typing import Any

from app.contracts.looks import LookCreate, LookOut
from app.tablet.cache.store import Cache
from app.tablet.client import ReyonClient
from app.tablet.gateway import Author, Submitted, checked
from app.tablet.gateway.live.base import LiveBase
from app.tablet.offline import Offline
from app.tablet.problem import ApiProblem


class LiveLooks(LiveBase):
    def __init__(self, client: ReyonClient, offline: Offline | None = None, **kw: Any) -> None:
        super().__init__(client, offline, **kw)
        # Each customer's looks as last read here: in memory only, for this run of the app.
        self._looks_seen: dict[int, list[LookOut]] = {}

    def send_look(self, by: Author, body: LookCreate, *, key: str, label: str) -> Submitted:
        request = checked(lambda: LookCreate.model_validate(body.model_dump()))
        submitted = self._write(
            by,
            kind="look",
            path="/v1/looks",
            body=request,
            key=key,
            customer_id=request.customer_id,
            label=label,
        )
        if submitted.status == "sent":
            look = LookOut.model_validate(submitted.answer)
            submitted.answer = look
            seen = self._looks_seen.get(look.customer_id, [])
            self._looks_seen[look.customer_id] = [look, *(x for x in seen if x.id != look.id)]
        return submitted

    def looks_of(self, customer_id: int) -> list[LookOut]:
        def ask() -> list[LookOut]:
            looks = self.client.customer_looks(customer_id).looks
            self._looks_seen[customer_id] = looks
            return looks

        def kept(cache: Cache) -> list[LookOut]:
            # Only for a customer the cache still holds: one it forgot (consent withdrawn,
            # kept too long) shows nothing of theirs.
            if cache.customer(customer_id, allowed_offline=True) is None:
                return []
            return list(self._looks_seen.get(customer_id, []))

        try:
            return self._read(ask, kept)
        except ApiProblem as exc:
            if exc.offline:  # online-only tablet, no connection: nothing to show
                return []
            raise
