from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from app.contracts.auth import LoginRequest, LoginResponse
from app.contracts.common import problem_responses
from app.server.auth import service
from app.server.deps import DbDep, SettingsDep

router = APIRouter(tags=["auth"])


@router.post(
    "/v1/auth/login",
    response_model=LoginResponse,
    responses=problem_responses(400, 401, 413, 422, 423),
)
async def login(body: LoginRequest, request: Request, db: DbDep, settings: SettingsDep):
    """Store code, associate code and PIN -> a bearer token for every other /v1 call."""
    key: bytes = request.app.state.signing_key
    return await run_in_threadpool(service.login, db, settings, body, key)
