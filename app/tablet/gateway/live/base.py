"""The live gateway's core: the client, the offline kit, and the one read and one write path."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from app.contracts.customers import CustomerView
from app.tablet.cache.outbox import NewCommand
from app.tablet.cache.store import Cache
from app.tablet.client import ReyonClient
from app.tablet.gateway import Author, Submitted
from app.tablet.offline import Offline
from app.tablet.problem import ApiProblem

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


def placeholder_id() -> int:
    """Rows shown before the API has them get negative ids: never a real one."""
    return -random.randint(1, 2**31 - 1)


class LiveBase:
    def __init__(self, client: ReyonClient, offline: Offline | None = None) -> None:
        self.client = client
        self.offline = offline
        # The PIN of an offline log-in, in memory only, until the API answers again: then
        # the tablet logs in online with it (the remembered token may have been ended by a
        # log-out) and forgets it.
        self._resume: tuple[str, str, str] | None = None  # store, associate, PIN

    def _read(self, ask: Callable[[], T], from_cache: Callable[[Cache], T | None]) -> T:
        try:
            answer = ask()
        except ApiProblem as exc:
            if self.offline is None:
                raise
            self.offline.saw(exc)
            if not exc.offline:
                raise
            cached = from_cache(self.offline.cache)
            if cached is None:
                raise
            return cached
        if self.offline is not None:
            self.offline.online = True
        return answer

    def _write(
        self,
        by: Author,
        *,
        kind: str,
        path: str,
        body: BaseModel,
        key: str,
        customer_id: int | None,
        label: str,
        change: Callable[[CustomerView], None] | None = None,
        till_id: str | None = None,
        amount_kurus: int | None = None,
    ) -> Submitted:
        """The one way a write that may be queued leaves the tablet."""
        if self.offline is None:
            token = self.client.token or ""
            try:
                _, answer = self.client.send(
                    "POST", path, body.model_dump_json(), key=key, token=token
                )
            except ApiProblem as exc:
                if exc.offline or exc.status == 401:
                    raise
                return Submitted("failed", problem=exc)
            return Submitted("sent", answer)
        command = NewCommand(
            kind=kind,
            path=path,
            body=body,
            key=key,
            store_code=by.store_code,
            associate_code=by.associate_code,
            customer_id=customer_id,
            label=label,
            till_id=till_id,
            amount_kurus=amount_kurus,
        )
        effect = None
        if change is not None and customer_id is not None:
            cid, amend = customer_id, change

            def effect(conn: Any) -> None:
                Cache.amend_customer(conn, cid, amend)

        return self.offline.submit(command, effect)
