"""Slow clients are held to time (security finding 10): a request's headers, its body and the
number of open connections each have a bound in every API process, whatever stands in front.

- Headers: uvicorn has no header read time-out. Its keep-alive timer is armed only after a
  response and cancelled by the first byte that arrives, so a client sending one byte at a time
  (or nothing at all on a fresh connection) was held for ever. `HeaderTimeoutProtocol` arms a
  deadline when the connection opens and when the first byte of each next request arrives, and
  the parser's "headers complete" cancels it. Only the transport layer sees these bytes, so
  this is a protocol class (uvicorn's `http=`), not middleware.
- Body: `BodyTimeout` gives the app the body only until a deadline after the headers, then
  answers 408 problem+json and closes. One bound on the whole body, not on the gaps between
  bytes: a gap timer alone is beaten by a byte every gap minus a second.
- Connections: uvicorn's `limit_concurrency` answers 503 to a request arriving while this
  process has that many connections (or requests) open. Slow connections count too, until
  their time-outs: the cap keeps the process within its memory and file descriptors; keeping
  one address from taking all of it is the proxy's per-address limit.

Slow readers (a client that never reads its response) and a per-address connection cap are
the reverse proxy's part in production: deploy/nginx/reyon.conf."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.contracts.common import PROBLEM_MEDIA_TYPE
from app.server import errors
from app.settings import ApiSettings, get_api_settings

# uvicorn's own default, named here because the proxy in front must keep idle upstream
# connections for less than this (or it sends a request down a connection being closed).
KEEP_ALIVE_S = 5


def uvicorn_options(settings: ApiSettings) -> dict[str, Any]:
    """How `reyon api` (and the tests, which start it) run uvicorn, beside host and port.

    The backlog stays uvicorn's 2048: connections not yet accepted cost the kernel, not us."""
    return {
        # The class, not an import string: uvicorn's workers import it by name all the same.
        "http": HeaderTimeoutProtocol,
        "limit_concurrency": settings.max_connections,
        "timeout_keep_alive": KEEP_ALIVE_S,
    }


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol (what uvicorn picks when httptools is installed, as
    uvicorn[standard] installs it) with a deadline on each request's line and headers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # From the environment, like the app: uvicorn makes one of these per connection, in
        # each worker process, and passes nothing of ours.
        self.header_timeout_s = get_api_settings().header_timeout_s
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()  # a connection that sends nothing is held no longer

    def data_received(self, data: bytes) -> None:
        # The first byte of the next request on a kept-alive connection starts its clock (an
        # idle one is uvicorn's keep-alive timer's). Bytes of a request already parsed, or a
        # body the app answered without reading, also start it: the next headers never come.
        if self._header_deadline is None and (self.cycle is None or self.cycle.response_complete):
            self._arm_header_deadline()
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._cancel_header_deadline()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        self._header_deadline = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        # No answer: nothing of a request worth answering has arrived (nginx closes alike).
        if not self.transport.is_closing():
            self.transport.close()


class BodyTimeout:
    """The whole request body within `timeout_s` of the headers, or 408 problem+json and the
    connection closed (or just closed, if the app had already started its response)."""

    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.timeout_s
        body_done = timed_out = started = False

        async def receive_in_time() -> Message:
            nonlocal body_done, timed_out
            if body_done:  # later calls wait for the client to go away: no deadline
                return await receive()
            if timed_out:
                return {"type": "http.disconnect"}
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                # To the app the client is gone (Starlette raises ClientDisconnect); what it
                # answers to that is dropped below, and the client gets the 408.
                timed_out = True
                return {"type": "http.disconnect"}
            body_done = message["type"] != "http.request" or not message.get("more_body")
            return message

        async def send_unless_timed_out(message: Message) -> None:
            nonlocal started
            if timed_out and not started:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive_in_time, send_unless_timed_out)
        except Exception:
            if not timed_out or started:
                raise
        if timed_out and not started:
            await send_problem(
                send,
                errors.ApiError(
                    408,
                    "request-timeout",
                    "Request body too slow",
                    f"The whole body must arrive within {self.timeout_s:g} s of the headers.",
                ),
            )


async def send_problem(send: Send, err: errors.ApiError) -> None:
    """`err` as problem+json straight to the ASGI server, closing the connection: the rest of
    the request will not be read."""
    body = errors.problem_response(err).body
    await send(
        {
            "type": "http.response.start",
            "status": err.status,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
