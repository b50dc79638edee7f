"""The one way a route runs a creating POST: with its Idempotency-Key honoured."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Header, Request, Response
from pydantic import BaseModel
from sqlmodel import Session

from app.server.deps import Principal, db_of, settings_of
from app.server.idempotency import store

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=store.MAX_KEY_LENGTH,
        description="Made on the tablet when the user acted; a retry with it gets the first answer",
    ),
]


def declared_status(request: Request) -> int:
    """The status on the route's decorator (`status_code=201`): the route states it once, for
    the OpenAPI document and for the answer alike."""
    status: int | None = getattr(request.scope.get("route"), "status_code", None)
    return status or 200


def create(
    request: Request,
    principal: Principal,
    key: str | None,
    body: BaseModel | None,
    action: Callable[[Session], BaseModel],
    on_refusal: store.OnRefusal | None = None,
) -> Response:
    """Run `action` (a service call that returns the model) and answer with the route's
    declared status."""
    status = declared_status(request)
    return create_answering(
        request, principal, key, body, lambda s: (status, action(s)), on_refusal
    )


def create_prepared(
    request: Request,
    principal: Principal,
    key: str | None,
    body: BaseModel | None,
    prepare: Callable[[Session], Callable[[Session], BaseModel]],
) -> Response:
    """Like `create`, for work that reads and checks first (`prepare`, in a read session
    outside the write transaction) and returns its writing (store.run's `prepare`)."""
    status = declared_status(request)

    def prepared(read: Session) -> store.Action:
        write = prepare(read)
        return lambda s: (status, write(s))

    return _run(request, principal, key, body, prepare=prepared)


def create_answering(
    request: Request,
    principal: Principal,
    key: str | None,
    body: BaseModel | None,
    answer: store.Action,
    on_refusal: store.OnRefusal | None = None,
) -> Response:
    """Like `create`, for a route that picks its status from what the service did (200 for
    one that existed already, 201 for one just made)."""
    return _run(request, principal, key, body, action=answer, on_refusal=on_refusal)


def _run(
    request: Request,
    principal: Principal,
    key: str | None,
    body: BaseModel | None,
    *,
    action: store.Action | None = None,
    prepare: store.Prepare | None = None,
    on_refusal: store.OnRefusal | None = None,
) -> Response:
    settings = settings_of(request)
    return store.run(
        db_of(request),
        key=key,
        scope=f"associate:{principal.associate_id}",
        method=request.method,
        path=request.url.path,
        body=body,
        stale_after=timedelta(seconds=settings.idempotency_stale_seconds),
        action=action,
        prepare=prepare,
        on_refusal=on_refusal,
    )
