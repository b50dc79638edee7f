"""Looks on the API: an associate makes one for a client and reads what became of it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response

from app.contracts.common import problem_responses
from app.contracts.looks import LookCreate, LookList, LookOut
from app.server.deps import CurrentAssociate, DbDep, KeyRingDep, PathId, SettingsDep
from app.server.idempotency.routes import IdempotencyKey, create
from app.server.outreach import service

router = APIRouter(tags=["outreach"], responses=problem_responses(401, 422))
Id = Annotated[int, PathId]


@router.post(
    "/v1/looks",
    response_model=LookOut,
    status_code=201,
    responses=problem_responses(400, 403, 404, 409, 413),
)
def create_look(
    body: LookCreate,
    request: Request,
    principal: CurrentAssociate,
    settings: SettingsDep,
    ring: KeyRingDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Send a client a look: up to eight products and a personal line, by e-mail, SMS or
    WhatsApp. 403 when you may not see the client (as for their profile), 404 for an unknown
    client or product, 409 `consent-missing` when the client has not opted into the channel or
    has no address for it (`missing`: `consent` or `address`). E-mail and SMS are queued for the
    worker, which waits out the quiet hours (21:00-09:00 in the store's zone) and checks the
    consent again when it sends; WhatsApp is recorded as handed over and `whatsapp_url` opens
    it on the tablet with the text filled in. Queue it offline with an Idempotency-Key: a retry
    is answered with the first look, never a second message."""
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: service.create_look(
            db_session=s,
            principal=principal,
            body=body,
            ring=ring,
            base_url=settings.public_base_url,
            tz=settings.timezone,
        ),
    )


@router.get(
    "/v1/customers/{customer_id}/looks",
    response_model=LookList,
    responses=problem_responses(403, 404),
)
def customer_looks(
    customer_id: Id, db: DbDep, principal: CurrentAssociate, settings: SettingsDep, ring: KeyRingDep
) -> LookList:
    """A client's looks, newest first (at most 50), with what became of each message."""
    with db.session() as session:
        return service.customer_looks(
            db_session=session,
            principal=principal,
            customer_id=customer_id,
            ring=ring,
            base_url=settings.public_base_url,
        )


@router.get("/v1/looks/{look_id}", response_model=LookOut, responses=problem_responses(403, 404))
def get_look(
    look_id: Id, db: DbDep, principal: CurrentAssociate, settings: SettingsDep, ring: KeyRingDep
) -> LookOut:
    """One look: its products, its link, and whether its message was sent, opened or clicked."""
    with db.session() as session:
        return service.get_look(
            db_session=session,
            principal=principal,
            look_id=look_id,
            ring=ring,
            base_url=settings.public_base_url,
        )
