"""FastAPI dependencies shared by every router: the database, settings, and who is calling."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.qr.signing import TokenError, verify
from app.server.db import Database
from app.server.errors import ApiError
from app.settings import ApiSettings

ROLE_RANK = {"associate": 0, "cashier": 1, "manager": 2}
ACCESS_TOKEN_KIND = "at1"


class SessionCheck(Protocol):
    """What routes ask of `app.state.session_gate` (auth/gate.py's SessionGate). Declared here,
    not imported: this module is below every package, and auth and devices both use it."""

    def is_open(self, session_id: str) -> bool: ...

    def forget(self, session_id: str | None = None) -> None: ...


@dataclass(frozen=True, slots=True)
class Principal:
    associate_id: int
    role: str
    store_id: int
    device_id: str  # an enrolled tablet: its credential was checked at log-in
    session_id: str

    def at_least(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


_bearer = HTTPBearer(auto_error=False, description="Token from POST /v1/auth/login")


def session_check(request: Request) -> SessionCheck:
    gate: SessionCheck = request.app.state.session_gate
    return gate


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "unauthorized", "Authentication required", "Log in first.")
    key: bytes = request.app.state.signing_key
    try:
        claims = verify(credentials.credentials, ACCESS_TOKEN_KIND, key, now=time.time())
        if claims.get("role") not in ROLE_RANK:
            # Signed by us but naming no role we know (an old or a forged-with-a-leaked-key
            # token): no access, and not a KeyError later in a role check.
            raise ApiError(401, "unauthorized", "Invalid token")
        principal = Principal(
            associate_id=int(claims["sub"]),
            role=str(claims["role"]),
            store_id=int(claims["store"]),
            device_id=str(claims["dev"]),
            session_id=str(claims["sid"]),
        )
    except TokenError as exc:
        detail = "The session has expired; log in again." if exc.reason == "expired" else None
        raise ApiError(401, "unauthorized", "Invalid token", detail) from None
    except (KeyError, ValueError, TypeError):
        raise ApiError(401, "unauthorized", "Invalid token") from None
    gate = session_check(request)
    if not gate.is_open(principal.session_id):
        raise ApiError(
            401,
            "session-ended",
            "The session has ended",
            "Logged out, deactivated, or the tablet was revoked; log in again.",
        )
    request.state.principal = principal
    return principal


def require_role(role: str):
    def _check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.at_least(role):
            raise ApiError(403, "forbidden-role", "Not allowed", f"This needs the {role} role.")
        return principal

    return _check


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
CurrentAssociate = Annotated[Principal, Depends(current_principal)]
CurrentCashier = Annotated[Principal, Depends(require_role("cashier"))]
CurrentManager = Annotated[Principal, Depends(require_role("manager"))]
