"""Transfers between stores (and from the online warehouse): request, the sender's task list,
what is on its way, send, receive by scanning, cancel and refuse (services in transfers.py and
transfer_moves.py). Every write honours its Idempotency-Key like every tablet write."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from app.contracts.common import problem_responses
from app.contracts.transfers import (
    ReceiveRequest,
    SendRequest,
    TransferCreate,
    TransferList,
    TransferOut,
)
from app.domain.transfers import TransferStatus
from app.server.catalog.deps import LocationsDep
from app.server.deps import CurrentAssociate, DbDep, PathId
from app.server.idempotency.routes import IdempotencyKey, create
from app.server.inventory import transfer_moves, transfer_views, transfers

router = APIRouter(tags=["transfers"], responses=problem_responses(401, 422))
TransferId = Annotated[int, PathId]
LocationId = Annotated[int, PathId]
WRITE_PROBLEMS = problem_responses(400, 403, 404, 409, 413)
Limit = Annotated[int, Query(ge=1, le=500)]


@router.post("/v1/transfers", status_code=201, response_model=TransferOut, responses=WRITE_PROBLEMS)
def request_transfer(
    body: TransferCreate,
    request: Request,
    principal: CurrentAssociate,
    locations: LocationsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Ask another store or the online warehouse for units, sent to your store. The units are
    held at the sender at once, so they cannot be sold meanwhile; more than it has available
    is refused (409 `transfer-not-available`, with what is available)."""
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: transfers.request_transfer(
            db_session=s, principal=principal, body=body, directory=locations
        ),
    )


def _list(
    db: DbDep,
    principal: CurrentAssociate,
    location_id: int,
    direction: Literal["outgoing", "incoming"],
    limit: int,
) -> TransferList:
    with db.read_session() as session:
        return transfer_views.transfers_of(
            db_session=session,
            principal=principal,
            location_id=location_id,
            direction=direction,
            limit=limit,
        )


@router.get(
    "/v1/stores/{location_id}/transfers/outgoing",
    response_model=TransferList,
    responses=problem_responses(403),
)
def outgoing(
    location_id: LocationId, db: DbDep, principal: CurrentAssociate, limit: Limit = 200
) -> TransferList:
    """Your store's task list: transfers other stores asked of it, still to send, oldest
    first."""
    return _list(db, principal, location_id, "outgoing", limit)


@router.get(
    "/v1/stores/{location_id}/transfers/incoming",
    response_model=TransferList,
    responses=problem_responses(403),
)
def incoming(
    location_id: LocationId, db: DbDep, principal: CurrentAssociate, limit: Limit = 200
) -> TransferList:
    """What your store asked for and is not sent yet, and what is on its way, oldest first."""
    return _list(db, principal, location_id, "incoming", limit)


@router.get(
    "/v1/transfers/{transfer_id}",
    response_model=TransferOut,
    responses=problem_responses(403, 404),
)
def get_transfer(transfer_id: TransferId, db: DbDep, principal: CurrentAssociate) -> TransferOut:
    """One transfer with its lines, for its two stores."""
    with db.read_session() as session:
        return transfer_views.get_transfer(
            db_session=session, principal=principal, transfer_id=transfer_id
        )


@router.post(
    "/v1/transfers/{transfer_id}/send", response_model=TransferOut, responses=WRITE_PROBLEMS
)
def send(
    transfer_id: TransferId,
    request: Request,
    principal: CurrentAssociate,
    body: SendRequest | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """The sender sends: what was scanned into the box, or without a body everything asked
    for; what is asked for and not counted is given back to its shelf. The units leave its
    stock and are in transit (the receiver's availability shows them as incoming). An item of
    no line is refused (422 `transfer-wrong-item`), more than asked for too (409
    `transfer-send-too-many`); sending twice: 409 `transfer-already-sent`."""
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: transfer_moves.send(
            db_session=s, principal=principal, transfer_id=transfer_id, body=body
        ),
    )


@router.post(
    "/v1/transfers/{transfer_id}/receive", response_model=TransferOut, responses=WRITE_PROBLEMS
)
def receive(
    transfer_id: TransferId,
    body: ReceiveRequest,
    request: Request,
    principal: CurrentAssociate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """The receiver scans the box out: sound units join its stock, damaged ones and those
    missing are recorded on the lines. An item of no line is refused (422
    `transfer-wrong-item`), more than was sent too (409 `transfer-receive-too-many`);
    received once (409 `transfer-already-received` after)."""
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: transfer_moves.receive(
            db_session=s, principal=principal, transfer_id=transfer_id, body=body
        ),
    )


@router.post(
    "/v1/transfers/{transfer_id}/cancel", response_model=TransferOut, responses=WRITE_PROBLEMS
)
def cancel(
    transfer_id: TransferId,
    request: Request,
    principal: CurrentAssociate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """The requesting store takes its request back before it is sent; the hold is released."""
    return create(
        request,
        principal,
        idempotency_key,
        None,
        lambda s: transfers.close(
            db_session=s, principal=principal, transfer_id=transfer_id, to=TransferStatus.CANCELLED
        ),
    )


@router.post(
    "/v1/transfers/{transfer_id}/refuse", response_model=TransferOut, responses=WRITE_PROBLEMS
)
def refuse(
    transfer_id: TransferId,
    request: Request,
    principal: CurrentAssociate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """The sender cannot send it (the units are not to be found); the hold is released."""
    return create(
        request,
        principal,
        idempotency_key,
        None,
        lambda s: transfers.close(
            db_session=s, principal=principal, transfer_id=transfer_id, to=TransferStatus.REFUSED
        ),
    )
