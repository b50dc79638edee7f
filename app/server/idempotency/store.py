"""Idempotency-Key handling for every POST that creates something.

One transaction, on the key's path as on the keyless one: claim (scope, key), do the work,
store its answer on the claim, commit. "Order written" and "answer remembered" commit together
or not at all, and a request costs one write transaction, not a claim committed first and the
work after it (the claim's own transaction was a sixth of an order's server time).
A concurrent retry with the same key waits for the first attempt's transaction, then gets its
answer: on PostgreSQL its claim waits on the key's unique index entry, on SQLite for the one
writer. A retry of a finished request gets the stored response; the same key with another body
gets 422. Client errors (4xx) are remembered like successes: the action failed and retrying the
same request means the same answer. An unexpected server error rolls the claim back with the
work, so a retry can run.
A refusal may need to leave a trace although the work rolled back (an offline coupon redemption
that lost the race is recorded as a loss): `on_refusal` writes it in the transaction that stores
the refusal, under the key's claim, so a retry with the key replays the answer and never writes
the trace twice.
Records left `running` by earlier versions (which committed the claim before the work) answer
409 while fresh and are taken over once stale, as they were.

`prepare`, where a route gives it, is the action's reading half, returning the writing half.
On SQLite it runs before the write transaction in a read session: the one writer is then held
only for the writes, and several API processes read side by side. On PostgreSQL it runs inside
the write transaction, after the key's claim (a replay is not checked again): its reads lock
nothing, and one session and one pooled connection a request instead of two took a tenth of an
order's Python. Its refusals are remembered like the action's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import Response
from pydantic import BaseModel
from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from app.contracts.common import PROBLEM_MEDIA_TYPE
from app.domain.errors import Conflict, DomainError, Invalid, UnusableInput
from app.server.db import Database, core_table, execute, insert_unless_exists, utcnow
from app.server.errors import problem
from app.server.idempotency.models import IdempotencyRecord

MAX_KEY_LENGTH = 200
JSON = "application/json"

# The work, and the status to answer it with (the route's: a service returns only the model).
Action = Callable[[Session], tuple[int, BaseModel]]
# The work's reads, outside the write transaction; returns the writes (see the module's doc).
Prepare = Callable[[Session], Action]
# Given the refusal after the action's transaction rolled back, write what must outlive it and
# return the refusal to answer with.
OnRefusal = Callable[[Session, DomainError], DomainError]
_RECORDS = core_table(IdempotencyRecord)
# Built once: a statement object keeps its cache key, so each use skips building it again.
_FINISH = (
    update(_RECORDS)
    .where(_RECORDS.c.scope == bindparam("s"), _RECORDS.c.key == bindparam("k"))
    .values(state="done", response_status=bindparam("status"), response_body=bindparam("body"))
)
_EXISTING = select(_RECORDS).where(
    _RECORDS.c.scope == bindparam("s"), _RECORDS.c.key == bindparam("k")
)


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


@dataclass(frozen=True, slots=True)
class _Claim:
    """One request's hold on its key, taken inside a write transaction."""

    scope: str
    key: str
    method: str
    path: str
    digest: str

    def take(self, session: Session, stale_after: timedelta) -> Response | None:
        """None when this transaction owns the key now; otherwise the stored answer to send.
        Raises 422 for the key used with another request, 409 for a fresh `running` record."""
        now = utcnow()
        values = {
            "scope": self.scope,
            "key": self.key,
            "method": self.method,
            "path": self.path,
            "fingerprint": self.digest,
            "state": "running",
            "created_at": now,
            "locked_at": now,
        }
        if insert_unless_exists(session, _RECORDS, values, ["scope", "key"]):
            return None
        # A committed record holds the key (an insert waits for an uncommitted one to settle).
        existing = execute(session, _EXISTING, {"s": self.scope, "k": self.key}).first()
        if existing is None:  # forgotten between the two statements: let the client retry
            raise Conflict("request-in-progress", "The same request is still running")
        if existing.fingerprint != self.digest:
            raise Invalid(
                "idempotency-key-reused",
                "Idempotency-Key reused with a different request",
                "This key was used for another request; make a new key for a new action.",
            )
        if existing.state == "done":
            status = existing.response_status or 500
            return Response(
                existing.response_body or "",
                status_code=status,
                media_type=JSON if status < 400 else PROBLEM_MEDIA_TYPE,
                headers={"Idempotent-Replayed": "true"},
            )
        if now - existing.locked_at < stale_after:
            raise Conflict(
                "request-in-progress",
                "The same request is still running",
                "Wait a moment and retry with the same Idempotency-Key.",
            )
        # An earlier version's first attempt died mid-request: take its claim over, once.
        taken = session.execute(
            update(_RECORDS)
            .where(
                _RECORDS.c.id == existing.id,
                _RECORDS.c.locked_at == existing.locked_at,
                _RECORDS.c.state == "running",
            )
            .values(locked_at=now)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return None
        raise Conflict("request-in-progress", "The same request is still running")

    def finish(self, session: Session, status: int, body: str) -> None:
        execute(session, _FINISH, {"s": self.scope, "k": self.key, "status": status, "body": body})


def run(
    db: Database,
    *,
    key: str | None,
    scope: str,
    method: str,
    path: str,
    body: BaseModel | None,
    action: Action | None = None,
    stale_after: timedelta,
    on_refusal: OnRefusal | None = None,
    prepare: Prepare | None = None,
) -> Response:
    """Do the request's work once per key: `action`, or `prepare` and the action it returns."""
    claim = None
    if key is not None:
        _check_key(key)
        digest = fingerprint(method, path, body)
        claim = _Claim(scope=scope, key=key, method=method, path=path, digest=digest)
    if prepare is not None and db.one_writer:
        # SQLite: checked in a read session, so the one writer is held only for the writes.
        try:
            with db.read_session() as session:
                action = prepare(session)
        except DomainError as err:
            return _refuse(db, claim, path, err, stale_after, on_refusal)
        prepare = None
    assert action is not None or prepare is not None, "run() needs an action or a prepare"
    refused: DomainError | None = None
    try:
        with db.write() as session:
            if claim is not None and (replay := claim.take(session, stale_after)) is not None:
                return replay
            try:
                # PostgreSQL: checked here, on the write's connection (see the module's doc).
                if prepare is not None:
                    action = prepare(session)
                assert action is not None
                status, model = action(session)
            except DomainError as err:
                refused = err
                raise  # rolls the work back, and the claim with it
            payload = model.model_dump_json()
            if claim is not None:
                claim.finish(session, status, payload)
    except DomainError:
        if refused is None:
            raise  # the key's own answer (422 reused, 409 running): nothing to remember
        return _refuse(db, claim, path, refused, stale_after, on_refusal)
    return Response(payload, status_code=status, media_type=JSON)


def _refuse(
    db: Database,
    claim: _Claim | None,
    path: str,
    err: DomainError,
    stale_after: timedelta,
    on_refusal: OnRefusal | None,
) -> Response:
    """Answer a refusal, its trace and the key's record written in a transaction of their own
    (the work's rolled back); a retry that claimed the key meanwhile answered for it."""
    if claim is None and on_refusal is None:
        raise err
    with db.write() as session:
        if claim is not None and (replay := claim.take(session, stale_after)) is not None:
            return replay
        answer = on_refusal(session, err) if on_refusal is not None else err
        if claim is not None:
            wire = problem(answer)
            claim.finish(session, wire.status, json.dumps(wire.body(path)))
    if answer is err:
        raise err
    raise answer from None
