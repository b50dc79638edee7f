"""The one way a route runs a creating POST: with its Idempotency-Key honoured."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Header, Request, Response
from pydantic import BaseModel

from app.server.deps import Principal
from app.server.idempotency import store

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=store.MAX_KEY_LENGTH,
        description="Made on the tablet when the user acted; a retry with it gets the first answer",
    ),
]


def create(
    request: Request,
    principal: Principal,
    key: str | None,
    body: BaseModel | None,
    action: store.Action,
    on_refusal: store.OnRefusal | None = None,
) -> Response:
    settings = request.app.state.settings
    return store.run(
        request.app.state.db,
        key=key,
        scope=f"associate:{principal.associate_id}",
        method=request.method,
        path=request.url.path,
        body=body,
        action=action,
        stale_after=timedelta(seconds=settings.idempotency_stale_seconds),
        on_refusal=on_refusal,
    )
