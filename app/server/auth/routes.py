from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from app.contracts.auth import LoginRequest, LoginResponse
from app.contracts.common import problem_responses
from app.server.auth import service
from app.server.deps import DbDep, SettingsDep
from app.server.ratelimit import RateLimits, client_address

router = APIRouter(tags=["auth"])


@router.post(
    "/v1/auth/login",
    response_model=LoginResponse,
    responses=problem_responses(400, 401, 413, 422, 423, 429),
)
async def login(body: LoginRequest, request: Request, db: DbDep, settings: SettingsDep):
    """Store code, associate code and PIN -> a bearer token for every other /v1 call. Too
    many attempts from one address or one tablet get 429 with Retry-After, before any PIN
    is hashed: guessing is slow, and a flood cannot make every log-in wait."""
    key: bytes = request.app.state.signing_key
    limits: RateLimits = request.app.state.rate_limits
    client = client_address(request)

    def limited_login() -> LoginResponse:
        limits.check(settings.login_limit_per_client, "login", client, what="log-in attempts")
        limits.check(
            settings.login_limit_per_device,
            "login-device",
            body.device_id,
            what="log-in attempts on this tablet",
        )
        return service.login(db, settings, body, key)

    return await run_in_threadpool(limited_login)
