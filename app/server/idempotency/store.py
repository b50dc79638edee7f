"""Idempotency-Key handling for every POST that creates something.

Two transactions:
1. Claim: insert (scope, key) as `running` and commit, so a concurrent retry sees it and gets
   409 instead of queueing behind the first attempt.
2. Work: run the action and store its response on the same record in the action's own
   transaction, so "order written" and "response remembered" commit together or not at all.
A retry of a finished request gets the stored response; the same key with another body gets
422. A claim left `running` by a process that died is taken over after `stale_after`.
Client errors (4xx) are remembered like successes: the action failed and retrying the same
request means the same answer; an unexpected server error forgets the claim so a retry can run.
A refusal may need to leave a trace although the work rolled back (an offline coupon redemption
that lost the race is recorded as a loss): `on_refusal` writes it in the transaction that stores
the response, so a retry with the key replays the answer and never writes the trace twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi import Response
from pydantic import BaseModel
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.contracts.common import PROBLEM_MEDIA_TYPE
from app.domain.errors import Conflict, DomainError, Invalid, UnusableInput
from app.server.db import Database, core_table, insert_unless_exists, utcnow
from app.server.errors import problem
from app.server.idempotency.models import IdempotencyRecord

MAX_KEY_LENGTH = 200
JSON = "application/json"

# The work, and the status to answer it with (the route's: a service returns only the model).
Action = Callable[[Session], tuple[int, BaseModel]]
# Given the refusal after the action's transaction rolled back, write what must outlive it and
# return the refusal to answer with.
OnRefusal = Callable[[Session, DomainError], DomainError]
_RECORDS = core_table(IdempotencyRecord)


def fingerprint(method: str, path: str, body: BaseModel | dict[str, Any] | None) -> str:
    data = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    canonical = json.dumps([method, path, data], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_key(key: str) -> None:
    if not (1 <= len(key) <= MAX_KEY_LENGTH) or not key.isprintable() or not key.isascii():
        raise UnusableInput(
            "bad-idempotency-key",
            "Invalid Idempotency-Key",
            f"The key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters.",
        )


def run(
    db: Database,
    *,
    key: str | None,
    scope: str,
    method: str,
    path: str,
    body: BaseModel | None,
    action: Action,
    stale_after: timedelta,
    on_refusal: OnRefusal | None = None,
) -> Response:
    if key is None:
        try:
            with db.write() as session:
                status, model = action(session)
        except DomainError as err:
            if on_refusal is None:
                raise
            with db.write() as session:
                answer = on_refusal(session, err)
            raise answer from None
        return Response(model.model_dump_json(), status_code=status, media_type=JSON)

    _check_key(key)
    digest = fingerprint(method, path, body)
    replay = _claim(
        db, scope=scope, key=key, method=method, path=path, digest=digest, stale_after=stale_after
    )
    if replay is not None:
        return replay

    try:
        with db.write() as session:
            status, model = action(session)
            payload = model.model_dump_json()
            _finish(session, scope, key, status, payload)
    except DomainError as err:
        with db.write() as session:
            answer = on_refusal(session, err) if on_refusal is not None else err
            wire = problem(answer)
            _finish(session, scope, key, wire.status, json.dumps(wire.body(path)))
        if answer is err:
            raise
        raise answer from None
    except BaseException:
        with db.write() as session:
            session.execute(
                delete(IdempotencyRecord).where(
                    col(IdempotencyRecord.scope) == scope,
                    col(IdempotencyRecord.key) == key,
                )
            )
        raise
    return Response(payload, status_code=status, media_type=JSON)


def _finish(session: Session, scope: str, key: str, status: int, body: str) -> None:
    session.execute(
        update(_RECORDS)
        .where(_RECORDS.c.scope == scope, _RECORDS.c.key == key)
        .values(state="done", response_status=status, response_body=body)
    )


def _claim(
    db: Database,
    *,
    scope: str,
    key: str,
    method: str,
    path: str,
    digest: str,
    stale_after: timedelta,
) -> Response | None:
    """None when this request owns the key now; otherwise the response to send instead."""
    # The common case, a new key, is one INSERT that does nothing on a conflict; only a retry
    # goes on to read what the first attempt left.
    now = utcnow()
    with db.write() as session:
        claimed = insert_unless_exists(
            session,
            _RECORDS,
            {
                "scope": scope,
                "key": key,
                "method": method,
                "path": path,
                "fingerprint": digest,
                "state": "running",
                "created_at": now,
                "locked_at": now,
            },
            ["scope", "key"],
        )
    if claimed:
        return None
    for _ in range(3):
        now = utcnow()
        try:
            with db.write() as session:
                existing = session.execute(
                    select(IdempotencyRecord).where(
                        col(IdempotencyRecord.scope) == scope,
                        col(IdempotencyRecord.key) == key,
                    )
                ).scalar_one_or_none()
                if existing is None:
                    session.add(
                        IdempotencyRecord(
                            scope=scope,
                            key=key,
                            method=method,
                            path=path,
                            fingerprint=digest,
                            created_at=now,
                            locked_at=now,
                        )
                    )
                    return None
                if existing.fingerprint != digest:
                    raise Invalid(
                        "idempotency-key-reused",
                        "Idempotency-Key reused with a different request",
                        "This key was used for another request; make a new key for a new action.",
                    )
                if existing.state == "done":
                    media = JSON if (existing.response_status or 500) < 400 else PROBLEM_MEDIA_TYPE
                    return Response(
                        existing.response_body or "",
                        status_code=existing.response_status or 500,
                        media_type=media,
                        headers={"Idempotent-Replayed": "true"},
                    )
                if now - existing.locked_at < stale_after:
                    raise Conflict(
                        "request-in-progress",
                        "The same request is still running",
                        "Wait a moment and retry with the same Idempotency-Key.",
                    )
                # The first attempt's process died mid-request: take the claim over, once.
                taken = session.execute(
                    update(IdempotencyRecord)
                    .where(
                        col(IdempotencyRecord.id) == existing.id,
                        col(IdempotencyRecord.locked_at) == existing.locked_at,
                        col(IdempotencyRecord.state) == "running",
                    )
                    .values(locked_at=now)
                )
                if taken.rowcount == 1:  # type: ignore[attr-defined]
                    return None
        except IntegrityError:
            continue  # a concurrent first attempt inserted the key: look again
    raise Conflict("request-in-progress", "The same request is still running")
