"""Enrolling tablets (a manager's one-time code, spent by the new tablet) and revoking them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool

from app.contracts.common import problem_responses
from app.contracts.devices import (
    DeviceCredential,
    DeviceList,
    DeviceOut,
    EnrolmentCodeCreate,
    EnrolmentCodeOut,
    EnrolRequest,
)
from app.server.deps import CurrentManager, DbDep, RateLimitsDep, SessionGateDep, SettingsDep
from app.server.devices import service
from app.server.ratelimit import client_address
from app.server.security_log import security_event

router = APIRouter(tags=["devices"])

DeviceId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]


@router.post(
    "/v1/devices/enrolment-codes",
    response_model=EnrolmentCodeOut,
    status_code=201,
    responses=problem_responses(400, 401, 403, 413, 422),
)
def make_enrolment_code(
    body: EnrolmentCodeCreate, db: DbDep, principal: CurrentManager
) -> EnrolmentCodeOut:
    """A one-time code for a new tablet of the manager's store, alive ten minutes."""
    with db.write() as session:
        out = service.new_enrolment_code(
            session, store_id=principal.store_id, created_by=principal.associate_id, name=body.name
        )
    security_event("enrolment-code-made", store=principal.store_id, by=principal.associate_id)
    return out


@router.post(
    "/v1/devices/enrol",
    response_model=DeviceCredential,
    status_code=201,
    responses=problem_responses(400, 413, 422, 429),
)
async def enrol(
    body: EnrolRequest, request: Request, db: DbDep, settings: SettingsDep, limits: RateLimitsDep
) -> DeviceCredential:
    """The new tablet spends the code and gets its id and secret (shown this once)."""
    client = client_address(request)

    def limited() -> DeviceCredential:
        limits.check(settings.enrol_limit_per_client, "enrol", client, what="enrolment attempts")
        with db.write() as session:
            credential = service.enrol(session, code=body.code, name=body.name)
        security_event("device-enrolled", device=credential.device_id, client=client)
        return credential

    return await run_in_threadpool(limited)


@router.get("/v1/devices", response_model=DeviceList, responses=problem_responses(401, 403))
def devices(db: DbDep, principal: CurrentManager) -> DeviceList:
    """The tablets enrolled in the manager's store, revoked ones too."""
    with db.session() as session:
        return service.list_devices(session, store_id=principal.store_id)


@router.post(
    "/v1/devices/{device_id}/revoke",
    response_model=DeviceOut,
    responses=problem_responses(401, 403, 404, 422),
)
def revoke(
    device_id: DeviceId, db: DbDep, principal: CurrentManager, gate: SessionGateDep
) -> DeviceOut:
    """A lost or stolen tablet: its sessions end and it cannot log in again."""
    with db.write() as session:
        out = service.revoke(
            session, device_id=device_id, store_id=principal.store_id, by=principal.associate_id
        )
    gate.forget()
    security_event("device-revoked", device=device_id, by=principal.associate_id)
    return out
