from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from app.contracts.auth import LoginRequest, LoginResponse, StaffList
from app.contracts.common import EntityId, LocationId, problem_responses
from app.domain.errors import Forbidden, Locked
from app.server.auth import service
from app.server.deps import (
    CurrentAssociate,
    CurrentManager,
    DbDep,
    Principal,
    RateLimitsDep,
    SessionGateDep,
    SettingsDep,
    SigningKeyDep,
)
from app.server.ratelimit import client_address

router = APIRouter(tags=["auth"])


@router.post(
    "/v1/auth/login",
    response_model=LoginResponse,
    responses=problem_responses(400, 401, 413, 422, 423, 429),
)
async def login(
    body: LoginRequest,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    key: SigningKeyDep,
    limits: RateLimitsDep,
    gate: SessionGateDep,
):
    """Store code, associate code and PIN -> a bearer token for every other /v1 call. Too
    many attempts from one address or one tablet get 429 with Retry-After, before any PIN
    is hashed: guessing is slow, and a flood cannot make every log-in wait."""
    client = client_address(request)

    def limited_login() -> LoginResponse:
        limits.check(settings.login_limit_per_client, "login", client, what="log-in attempts")
        limits.check(
            settings.login_limit_per_device,
            "login-device",
            body.device_id,
            what="log-in attempts on this tablet",
        )
        try:
            return service.login(db, settings, body, key)
        except Locked:
            gate.forget()  # the lock ended a session here: not remembered as open
            raise

    return await run_in_threadpool(limited_login)


@router.post("/v1/auth/logout", status_code=204, responses=problem_responses(401))
def logout(db: DbDep, principal: CurrentAssociate, gate: SessionGateDep) -> None:
    """Ends this session: its token is refused from now on by this API process, and by the
    others within REYON_SESSION_RECHECK_SECONDS."""
    with db.write() as session:
        service.log_out(session, principal)
    gate.forget(principal.session_id)


@router.get(
    "/v1/stores/{store_id}/staff",
    response_model=StaffList,
    responses=problem_responses(401, 403, 422),
)
def staff(store_id: LocationId, db: DbDep, principal: CurrentManager) -> StaffList:
    """The store's associates: who is active, and on which tablets a PIN lock-out holds."""
    _own_store(principal, store_id)
    with db.session() as session:
        return service.staff(session, principal)


def _own_store(principal: Principal, store_id: int) -> None:
    if store_id != principal.store_id:
        raise Forbidden("other-store", "Not your store", "Managers manage their own store.")


@router.post(
    "/v1/associates/{associate_id}/unlock",
    status_code=204,
    responses=problem_responses(401, 403, 404, 422),
)
def unlock(associate_id: EntityId, db: DbDep, principal: CurrentManager) -> None:
    """Lifts the associate's PIN lock-out on every tablet of the store."""
    with db.write() as session:
        service.unlock(session, principal, associate_id)


@router.post(
    "/v1/associates/{associate_id}/deactivate",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def deactivate(
    associate_id: EntityId, db: DbDep, principal: CurrentManager, gate: SessionGateDep
) -> None:
    """Refuses the associate's log-in and ends every session they have, at once."""
    with db.write() as session:
        service.set_active(session, principal, associate_id, active=False)
    gate.forget()


@router.post(
    "/v1/associates/{associate_id}/activate",
    status_code=204,
    responses=problem_responses(401, 403, 404, 422),
)
def activate(associate_id: EntityId, db: DbDep, principal: CurrentManager) -> None:
    with db.write() as session:
        service.set_active(session, principal, associate_id, active=True)
