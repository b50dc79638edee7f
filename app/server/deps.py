"""FastAPI dependencies shared by every router: the database, settings, the keys and other
objects made once per process, who is calling, and the path parameters every router takes."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.domain.errors import Forbidden, Unauthenticated
from app.qr.keys import KeyRing
from app.qr.signing import TokenError, verify
from app.server.db import Database
from app.server.ratelimit import RateLimits
from app.settings import ApiSettings

ROLE_RANK = {"associate": 0, "cashier": 1, "manager": 2}
ACCESS_TOKEN_KIND = "at1"


class SessionCheck(Protocol):
    """What routes ask of `app.state.session_gate` (auth/gate.py's SessionGate). Declared here,
    not imported: this module is below every package's routes and services (auth's service
    takes Principal from it), and auth and devices both use it."""

    def known_open(self, session_id: str) -> bool: ...

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


# The objects create_app makes once per process and keeps on app.state; routes take them as
# dependencies, so a test can override one and no route reaches into app.state itself. (The
# location directory's is catalog/deps.py: this module must not import a domain package.)
# The dependencies are async, though they do no I/O: FastAPI sends every plain `def`
# dependency to its thread pool, one thread hop each (an order made four before its endpoint).
# With current_principal async as well (below), an order makes one hop, its endpoint's, and a
# second only when its session has to be looked up in the database.
# The plain functions are for code that already holds the request.
def db_of(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def settings_of(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


async def get_db(request: Request) -> Database:
    return db_of(request)


async def get_settings(request: Request) -> ApiSettings:
    return settings_of(request)


async def get_key_ring(request: Request) -> KeyRing:
    ring: KeyRing = request.app.state.key_ring
    return ring


def _signing_key(request: Request) -> bytes:
    key: bytes = request.app.state.signing_key
    return key


async def get_signing_key(request: Request) -> bytes:
    return _signing_key(request)


async def get_rate_limits(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits


_bearer = HTTPBearer(auto_error=False, description="Token from POST /v1/auth/login")


def _session_gate(request: Request) -> SessionCheck:
    gate: SessionCheck = request.app.state.session_gate
    return gate


async def session_check(request: Request) -> SessionCheck:
    return _session_gate(request)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("unauthorized", "Authentication required", "Log in first.")
    key = _signing_key(request)
    try:
        claims = verify(credentials.credentials, ACCESS_TOKEN_KIND, key, now=time.time())
        if claims.get("role") not in ROLE_RANK:
            # Signed by us but naming no role we know (an old or a forged-with-a-leaked-key
            # token): no access, and not a KeyError later in a role check.
            raise Unauthenticated("unauthorized", "Invalid token")
        principal = Principal(
            associate_id=int(claims["sub"]),
            role=str(claims["role"]),
            store_id=int(claims["store"]),
            device_id=str(claims["dev"]),
            session_id=str(claims["sid"]),
        )
    except TokenError as exc:
        detail = "The session has expired; log in again." if exc.reason == "expired" else None
        raise Unauthenticated("unauthorized", "Invalid token", detail) from None
    except (KeyError, ValueError, TypeError):
        raise Unauthenticated("unauthorized", "Invalid token") from None
    gate = _session_gate(request)
    # Async, so that the usual request, whose session this process checked a moment ago, makes
    # no thread hop for it; only a session to look up asks the database, in the thread pool.
    sid = principal.session_id
    if not gate.known_open(sid) and not await run_in_threadpool(gate.is_open, sid):
        raise Unauthenticated(
            "session-ended",
            "The session has ended",
            "Logged out, deactivated, or the tablet was revoked; log in again.",
        )
    request.state.principal = principal
    return principal


def require_role(role: str):
    async def _check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.at_least(role):
            raise Forbidden("forbidden-role", "Not allowed", f"This needs the {role} role.")
        return principal

    return _check


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
KeyRingDep = Annotated[KeyRing, Depends(get_key_ring)]
SigningKeyDep = Annotated[bytes, Depends(get_signing_key)]
RateLimitsDep = Annotated[RateLimits, Depends(get_rate_limits)]
SessionGateDep = Annotated[SessionCheck, Depends(session_check)]
CurrentAssociate = Annotated[Principal, Depends(current_principal)]
CurrentCashier = Annotated[Principal, Depends(require_role("cashier"))]
CurrentManager = Annotated[Principal, Depends(require_role("manager"))]

# Path parameters: ids fit PostgreSQL's integer; examples are from the demo retailer, so /docs
# "Try it out" and schemathesis hit real rows.
PathId = Path(ge=1, le=2**31 - 1, examples=[1])
PathSku = Path(
    min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$", examples=["RY-10001-GRI-STD"]
)
