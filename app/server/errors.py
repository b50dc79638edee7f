"""One error shape for every failure: RFC 9457 problem+json with a stable `type`.

Services raise the domain's errors (app/domain/errors.py), which say what went wrong and nothing
of HTTP; `STATUS` below is the one place that says which status each category answers with.
`ApiError` is for what only the HTTP layer knows: a body that is not JSON, one too large or too
slow, the database gone, a bug."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.contracts.common import PROBLEM_BASE, PROBLEM_MEDIA_TYPE
from app.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    Locked,
    NotFound,
    RateLimited,
    Unauthenticated,
    Unavailable,
    UnusableInput,
)
from app.server.request_log import REQUEST_ID_HEADER, current_request_id, loggable_path
from app.server.security_log import security_event

logger = logging.getLogger("reyon.api")


class ApiError(Exception):
    """A problem as it goes on the wire: a domain error with its status (see `problem`), or
    one the HTTP layer itself finds. Raised, the handler turns it into problem+json."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.extra = extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.kind,
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


# The status of each category of domain error; a subclass answers as its nearest listed base
# (ConsentRequired as Forbidden, OutOfStock as Conflict).
STATUS: dict[type[DomainError], int] = {
    UnusableInput: 400,
    Unauthenticated: 401,  # with WWW-Authenticate: Bearer (problem_response)
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    Locked: 423,
    RateLimited: 429,  # with Retry-After (problem_response)
    Unavailable: 503,
}


def status_of(err: DomainError) -> int:
    for cls in type(err).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    raise TypeError(f"{type(err).__name__} is no category the API maps to a status")


def problem(err: DomainError) -> ApiError:
    """The wire form of a domain error."""
    return ApiError(status_of(err), err.kind, err.title, err.detail, **err.extra)


def problem_response(err: ApiError, instance: str | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else {}
    if "retry_after" in err.extra:
        headers["Retry-After"] = str(err.extra["retry_after"])
    body = err.body(instance)
    request_id = current_request_id()
    if err.status >= 500 and request_id:
        # Our fault, not the caller's: the id on the screenshot of this answer finds the
        # traceback in the log.
        body["request_id"] = request_id
        headers[REQUEST_ID_HEADER] = request_id
    return JSONResponse(
        body, status_code=err.status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


_HTTP_KINDS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
}


def _clean(value: Any) -> Any:
    """Validation error details may hold arbitrary input; keep only JSON-safe short text."""
    if isinstance(value, str | int):
        return value if not isinstance(value, str) else value[:200]
    return str(value)[:200]


# SQLite says "operational error" for a busy or unreadable file, but also for a missing
# column: only the first kind is the database being unavailable; the rest are bugs (500).
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database", "disk i/o error")


def _unavailable(exc: DBAPIError) -> bool:
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    if type(exc.orig).__module__.startswith("sqlite3"):
        return str(exc.orig).lower().startswith(_SQLITE_UNAVAILABLE)
    return True  # psycopg's OperationalError: connection lost, server shutting down, ...


def _refusal(request: Request, exc: ApiError) -> JSONResponse:
    if exc.status == 403 and request.method not in ("GET", "HEAD", "OPTIONS"):
        # Every refused write in one place: another store's sale, a role too low, a
        # customer without consent. Who tried (set by current_principal) and what.
        principal = getattr(request.state, "principal", None)
        security_event(
            "write-refused",
            method=request.method,
            path=loggable_path(request.scope),
            problem=exc.kind,
            associate=getattr(principal, "associate_id", None),
            store_id=getattr(principal, "store_id", None),
            device=getattr(principal, "device_id", None),
        )
    return problem_response(exc, request.url.path)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return _refusal(request, problem(exc))

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _refusal(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            err = ApiError(400, "malformed-json", "Malformed JSON", "The body is not valid JSON.")
            return problem_response(err, request.url.path)
        fields = [
            {
                "loc": [_clean(p) for p in e.get("loc", ())],
                "msg": str(e.get("msg", ""))[:300],
                "type": str(e.get("type", "")),
            }
            for e in errors[:50]
        ]
        first = fields[0] if fields else None
        detail = (
            f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
            if first
            else "Invalid input"
        )
        err = ApiError(422, "validation", "Invalid request", detail, errors=fields)
        return problem_response(err, request.url.path)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        # A lost connection (database restarted, network cut) or a database that cannot take
        # the work now is the client's cue to retry, not a bug: 503, and the transaction rolled
        # back, so a retry with the same Idempotency-Key is safe.
        if isinstance(exc, DataError) and "NUL" in str(exc.orig):
            # Text no Reyon field may hold, arriving by a path the contracts do not check
            # (a query parameter): the client's mistake, not a server error.
            err = ApiError(422, "validation", "Invalid request", "Text must not contain NUL.")
            return problem_response(err, request.url.path)
        if not _unavailable(exc):
            raise exc
        logger.warning("database unavailable on %s: %s", loggable_path(request.scope), exc.orig)
        err = ApiError(
            503,
            "database-unavailable",
            "Database unavailable",
            "The database could not be reached; nothing was changed. Try again.",
        )
        response = problem_response(err, request.url.path)
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A bug. Starlette still re-raises it after this answer, so the server logs the
        # traceback (with the request id: it is still set); the caller gets the id to quote.
        err = ApiError(
            500,
            "internal-error",
            "Internal server error",
            "Something went wrong on our side. Quote the request id when you report it.",
        )
        return problem_response(err, request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind, title = _HTTP_KINDS.get(exc.status_code, ("http-error", "HTTP error"))
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
        response = problem_response(
            ApiError(exc.status_code, kind, title, detail), request.url.path
        )
        if exc.headers:
            response.headers.update(exc.headers)
        return response
