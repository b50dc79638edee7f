"""Serving the tablet app to a browser, with nothing loaded from anywhere but this server.

Flet's prebuilt Flutter client (flet_web's main.dart.js, and main.dart.wasm for browsers that
run the WebAssembly build) carries one address of its own even with no_cdn: the Rive
animation runtime on jsDelivr, fetched as a <script> when the client starts. A store tablet
must not run code from a CDN (and without internet the request hangs), and Reyon shows no Rive
animation. So both files are served with that address swapped for one on this server of the
same length (the wasm keeps its string table intact), and that path answers 404: the
client's Rive loader fails as it does offline, harmlessly, and the browser asks no one else."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

log = logging.getLogger("reyon.tablet")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

RIVE_CDN = b"https://cdn.jsdelivr.net/npm/@rive-app/flutter-native-wasm@44.0.0/"
LOCAL_PREFIX = "/reyon-local/"
# Same length as RIVE_CDN: a path on this server that nothing serves.
RIVE_HERE = (LOCAL_PREFIX + "rive/").encode().ljust(len(RIVE_CDN) - 1, b"-") + b"/"
CLIENT_FILES = ("main.dart.js", "main.dart.wasm")


class SameOriginOnly:
    """ASGI middleware around Flet's web app (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "websocket":
            # Here, not at the top: a built app (no web server) carries no Starlette.
            from starlette.websockets import WebSocketDisconnect

            try:
                await self.app(scope, receive, send)
            except (OSError, WebSocketDisconnect) as exc:  # uvicorn's, Starlette's
                # A tablet closed its tab or lost the Wi-Fi while Flet was sending: the
                # session is over, which is no error of the app's (uvicorn logged a trace).
                log.info("a tablet's browser went away mid-message (%s)", type(exc).__name__)
        elif scope["type"] != "http":
            await self.app(scope, receive, send)
        elif path.startswith(LOCAL_PREFIX):
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": b""})
        elif path.endswith(CLIENT_FILES):
            await self.app(_asking_for_ours(scope), receive, _Rewriting(send))
        else:
            await self.app(scope, receive, send)


class QuietDisconnects(logging.Filter):
    """For Flet's web server logger: Flet reads on from a websocket the browser has already
    closed and logs Starlette's `WebSocketDisconnected` (not the `WebSocketDisconnect` it
    expects) as a warning with a trace. A tab closed is no error of the app's: one quiet line
    instead, so a trace in the tablet's log always means something went wrong."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and type(exc).__name__ == "WebSocketDisconnected":
            log.info("a tablet's browser went away (%s)", type(exc).__name__)
            return False
        return True


FLET_WEB_LOGGER = "flet_web.fastapi"


# Our version of a file is told apart from Flet's by its ETag: a browser that cached Flet's
# (same file, same ETag) before this existed must get ours, not a 304.
ETAG_MARK = b"-same-origin"


def _asking_for_ours(scope: Scope) -> Scope:
    """The request as Flet's static files should see it: a revalidation only of our own
    version (its ETag unmarked), no date-based one, and no byte range (a range could cut
    through the address and be sent unchanged)."""
    headers = []
    for name, value in scope.get("headers", []):
        key = name.lower()
        if key in (b"range", b"if-range", b"if-modified-since"):
            continue
        if key == b"if-none-match":
            if ETAG_MARK not in value:
                continue
            value = value.replace(ETAG_MARK, b"")
        headers.append((name, value))
    return {**scope, "headers": headers}


class _Rewriting:
    """Holds the response back until its body is whole, then sends it with the address
    swapped (same length, so Content-Length stays true) and its ETag marked as ours."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._start: Message | None = None
        self._body = bytearray()

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._start = message
            return
        if message["type"] != "http.response.body":
            await self._send(message)
            return
        self._body += message.get("body", b"")
        if message.get("more_body", False):
            return
        assert self._start is not None
        start = dict(self._start)
        start["headers"] = [
            (name, _marked(value) if name.lower() == b"etag" else value)
            for name, value in self._start.get("headers", [])
        ]
        await self._send(start)
        body = bytes(self._body).replace(RIVE_CDN, RIVE_HERE)
        await self._send({"type": "http.response.body", "body": body})


def _marked(etag: bytes) -> bytes:
    quoted = etag.endswith(b'"')
    return etag[:-1] + ETAG_MARK + b'"' if quoted else etag + ETAG_MARK
