"""The tablet's web server keeps Flet's client from loading code from a CDN (web_server.py):
the address is swapped in any chunking, a browser's cached copy of Flet's original is never
revalidated into use, and a byte range cannot cut through the address."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from starlette.websockets import WebSocketDisconnect, WebSocketDisconnected

from app.tablet.web_server import (
    FLET_WEB_LOGGER,
    LOCAL_PREFIX,
    RIVE_CDN,
    RIVE_HERE,
    QuietDisconnects,
    SameOriginOnly,
)

BODY = b"var a=1;dvv(){return'" + RIVE_CDN + b"'};var b=2;"


def _serve(path: str, headers: list[tuple[bytes, bytes]], chunk: int = 7) -> tuple[Any, ...]:
    seen: dict[str, Any] = {}

    async def flet(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen["headers"] = scope["headers"]
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"etag", b'"abc123"'), (b"content-length", str(len(BODY)).encode())],
            }
        )
        for i in range(0, len(BODY), chunk):
            part = BODY[i : i + chunk]
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "path": path, "headers": headers}
    # In a thread of its own: the browser tests' Playwright keeps an event loop running in
    # this one for the whole session, and asyncio.run() refuses to start inside it.
    with ThreadPoolExecutor(1) as worker:
        worker.submit(asyncio.run, SameOriginOnly(flet)(scope, receive, send)).result()
    return seen, sent


def test_the_address_is_swapped_whatever_the_chunks_and_keeps_its_length() -> None:
    assert len(RIVE_HERE) == len(RIVE_CDN) and RIVE_HERE.startswith(LOCAL_PREFIX.encode())
    for chunk in (1, 7, 64, 10_000):
        _, sent = _serve("/main.dart.js", [], chunk)
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        assert body == BODY.replace(RIVE_CDN, RIVE_HERE)
        start = sent[0]
        assert dict(start["headers"])[b"content-length"] == str(len(body)).encode()
        assert dict(start["headers"])[b"etag"] == b'"abc123-same-origin"'


def test_only_our_version_is_revalidated_and_no_range_reaches_flet() -> None:
    seen, _ = _serve(
        "/main.dart.wasm",
        [
            (b"if-none-match", b'"abc123"'),  # Flet's original, cached before: not revalidated
            (b"if-modified-since", b"Tue, 01 Dec 2026 10:00:00 GMT"),
            (b"range", b"bytes=0-20"),
            (b"accept", b"*/*"),
        ],
    )
    assert seen["headers"] == [(b"accept", b"*/*")]
    seen, _ = _serve("/main.dart.js", [(b"if-none-match", b'"abc123-same-origin"')])
    assert seen["headers"] == [(b"if-none-match", b'"abc123"')]


def test_the_local_rive_path_answers_404_and_other_files_pass_untouched() -> None:
    _, sent = _serve(RIVE_HERE.decode() + "wasm/rive_native.js", [])
    assert sent[0]["status"] == 404
    seen, sent = _serve("/flutter.js", [(b"range", b"bytes=0-1")])
    assert seen["headers"] == [(b"range", b"bytes=0-1")]
    assert b"".join(m.get("body", b"") for m in sent[1:]) == BODY


def test_a_browser_gone_mid_message_ends_its_session_quietly() -> None:
    class Gone(OSError):  # what uvicorn raises when the socket closed under a send
        pass

    async def flet(scope: dict[str, Any], receive: Any, send: Any) -> None:
        raise (Gone() if scope["path"] == "/ws" else WebSocketDisconnect(code=1006))

    async def nothing(*_: Any) -> Any:
        return {}

    for path in ("/ws", "/starlette"):  # as uvicorn says it, as Starlette says it
        scope = {"type": "websocket", "path": path, "headers": []}
        with ThreadPoolExecutor(1) as worker:  # see _serve
            worker.submit(asyncio.run, SameOriginOnly(flet)(scope, nothing, nothing)).result()


def test_a_closed_tab_is_one_quiet_line_and_other_failures_keep_their_trace(caplog: Any) -> None:
    """Flet logs a trace when it reads from a websocket the browser closed; the tablet's log
    keeps traces for what went wrong."""
    flet = logging.getLogger(FLET_WEB_LOGGER)
    quiet = QuietDisconnects()
    flet.addFilter(quiet)
    try:
        with caplog.at_level(logging.INFO):
            for exc in (WebSocketDisconnected("not connected"), RuntimeError("real")):
                try:
                    raise exc
                except Exception as caught:
                    flet.warning("Receive loop error: %s", caught, exc_info=True)
    finally:
        flet.removeFilter(quiet)
    traced = [r.getMessage() for r in caplog.records if r.exc_info]
    assert traced == ["Receive loop error: real"]
    assert any("went away" in r.getMessage() for r in caplog.records)
