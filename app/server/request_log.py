"""Structured logs with a request id on every line.

Every HTTP request gets an id: the caller's `X-Request-ID` when it is a sane one (a load
balancer's or the tablet's), otherwise a new one. It is kept in a context variable, so every
line logged while the request runs carries it, threadpool work included (anyio copies the
context into the worker thread); it is sent back in `X-Request-ID`, and 5xx problem bodies
name it, so an associate's screenshot of an error finds its lines in the log.

One access line per request (logger `reyon.access`) replaces uvicorn's, which printed the query
string: that can hold a customer's phone number or a token. Paths are logged without it, and
path parameters that are secrets (a pay link's token) are replaced by their names.

`REYON_LOG_FORMAT`: `json` (one object per line on stderr, for a log shipper; what `reyon api`
writes) or `text` (one readable line each; the demo's default, for a person at a terminal)."""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from app.settings import ApiSettings

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Path parameters that grant something by being known: logged as `{token}`, never the value.
SECRET_PATH_PARAMS = frozenset({"token", "sig", "secret", "code"})
_MAX_PATH = 300
HANDLER_NAME = "reyon"

access_log = logging.getLogger("reyon.access")


@dataclass(frozen=True, slots=True)
class RequestInfo:
    request_id: str
    client: str | None


_current: ContextVar[RequestInfo | None] = ContextVar("reyon_request", default=None)


def current_request_id() -> str | None:
    info = _current.get()
    return info.request_id if info else None


def current_client() -> str | None:
    """The calling address (behind a trusted balancer, the one from X-Forwarded-For)."""
    info = _current.get()
    return info.client if info else None


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The caller's X-Request-ID if it is short and plain (it goes into every log line and
    back into a header), otherwise a new one."""
    for name, value in headers:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _SANE_ID.fullmatch(text):
                return text
            break
    return secrets.token_hex(8)


def loggable_path(scope: Scope) -> str:
    """The path without its query string, secret path parameters replaced by their names."""
    path: str = scope.get("path", "")
    secret = {
        str(value): name
        for name, value in (scope.get("path_params") or {}).items()
        if name in SECRET_PATH_PARAMS or name.endswith(("_token", "_secret", "_code"))
    }
    if secret:
        path = "/".join(
            "{" + secret[part] + "}" if part in secret else part for part in path.split("/")
        )
    return path if len(path) <= _MAX_PATH else path[:_MAX_PATH] + "..."


class RequestLog:
    """Pure ASGI (BaseHTTPMiddleware would run the app in another task, and streaming
    responses through it): sets the request's id, adds the header, writes the access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope["headers"])
        client = scope.get("client")
        token = _current.set(RequestInfo(request_id, client[0] if client else None))
        started = time.perf_counter()
        status = 0
        header = (REQUEST_ID_HEADER.lower().encode(), request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.get("headers", [])
                if not any(name.lower() == header[0] for name, _ in headers):  # a 5xx has it
                    message["headers"] = [*headers, header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Starlette's outermost middleware answers 500 once this has passed through; the
            # id stays set (no reset) so that answer, and the server's traceback line after
            # it, still carry it. The request's task ends there, and its context with it.
            _access(scope, status or 500, started)
            raise
        except BaseException:  # cancelled: the server is stopping
            _access(scope, status, started)
            raise
        _access(scope, status, started)
        _current.reset(token)


def _access(scope: Scope, status: int, started: float) -> None:
    path = loggable_path(scope)
    http: dict[str, Any] = {
        "method": scope.get("method"),
        "path": path,
        "status": status or None,  # 0: cancelled before any answer was sent
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        "client": current_client(),
    }
    principal = (scope.get("state") or {}).get("principal")
    if principal is not None:
        http["associate"] = getattr(principal, "associate_id", None)
        http["store_id"] = getattr(principal, "store_id", None)
    level = logging.WARNING if status >= 500 or not status else logging.INFO
    access_log.log(level, "%s %s %s", http["method"], path, status, extra={"http": http})


# -- formatting and set-up ------------------------------------------------------------------


class RequestIdFilter(logging.Filter):
    """Stamps each record with the request id where it is logged (the emitting thread), so
    any formatter can use %(request_id)s."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


def _utc(record: logging.LogRecord) -> str:
    at = datetime.fromtimestamp(record.created, UTC)
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id; the access
    fields at the top level; a security event under `event`; a traceback as one string.
    ASCII only (json escapes the rest), so no input can break a line or the encoding."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": _utc(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        http = getattr(record, "http", None)
        if isinstance(http, dict):
            out.update(http)
        event = getattr(record, "event", None)
        if event is not None:
            out["event"] = event
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        try:  # orjson: a line per request costs a few microseconds, not tens
            line = orjson.dumps(out, default=str).decode()
            if line.isascii():
                return line
        except TypeError:  # a lone surrogate from a JSON body, say
            pass
        return json.dumps(out, default=str)


class TextFormatter(logging.Formatter):
    """`time LEVEL logger [request id] message key=value ...` (values repr'd: one line each)."""

    def format(self, record: logging.LogRecord) -> str:
        rid = getattr(record, "request_id", None) or current_request_id() or "-"
        line = f"{_utc(record)} {record.levelname} {record.name} [{rid}] {record.getMessage()}"
        http = getattr(record, "http", None)
        if isinstance(http, dict):
            line += f" {http.get('duration_ms')}ms client={http.get('client')}"
        event = getattr(record, "event", None)
        if isinstance(event, dict):
            line += "".join(f" {k}={v!r}" for k, v in event.items() if k != "name")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class _Stderr(logging.StreamHandler[TextIO]):
    """Whatever sys.stderr is when a line is written (as logging's own last resort does)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:  # type: ignore[override]
        return sys.stderr


def make_handler(fmt: str) -> logging.Handler:
    handler = _Stderr()
    handler.set_name(HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    return handler


def log_choice(settings: ApiSettings) -> tuple[str, str]:
    """(format, level) for Reyon's loggers: the settings, or the demo's readable defaults
    (text, warnings only: no access line for every sync round of the demo tablet)."""
    fmt = settings.log_format or ("text" if settings.demo_mode else "json")
    level = settings.log_level or ("WARNING" if settings.demo_mode else "INFO")
    return fmt, level


def configure_logging(settings: ApiSettings) -> None:
    """Everything the API process logs, uvicorn's lines included, through one handler on the
    root logger. Idempotent: a second call replaces the handler, keeping other handlers."""
    fmt, level = log_choice(settings)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(make_handler(fmt))
    logging.getLogger("reyon").setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    uvicorn_access = logging.getLogger("uvicorn.access")  # ours replaces it (query strings)
    uvicorn_access.handlers.clear()
    uvicorn_access.propagate = False
    logging.captureWarnings(True)  # a library's warning is a log line, not raw text


def uvicorn_log_config(settings: ApiSettings) -> dict[str, Any]:
    """The same set-up for uvicorn's `log_config`, so `reyon api --workers N` logs its
    supervisor's lines (a worker died, restarted) the same way."""
    fmt, level = log_choice(settings)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {HANDLER_NAME: {"()": make_handler, "fmt": fmt}},
        "root": {"handlers": [HANDLER_NAME], "level": "WARNING"},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False},
            "reyon": {"level": level},
        },
    }
