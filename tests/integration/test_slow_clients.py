"""Security finding 10: slow clients were never timed out. A body sent at one byte a second and
a slow header stream were held 45 s and more, and 3,000 half-sent bodies were all still open
after 33 s. Each attack is sent again here to a real API process on loopback (served as
`reyon api` serves), with time-outs of a second or two so that the tests wait little.

The slow clients send one byte each time the server has said nothing for a tick: the tick paces
the attack, and every wait ends on what the server does (it answers, it closes), bounded only
by HANG_S."""

from __future__ import annotations

import contextlib
import json
import select
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.server import HANG_S, ApiProcess, start_api

TICK_S = 0.1  # how often a slow client sends its next byte while the server is silent
LOGIN = "/v1/auth/login"  # reads a JSON body and needs no log-in


@pytest.fixture(scope="module")
def slow_api(fresh_database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:  # type: ignore[no-untyped-def]
    api = start_api(
        fresh_database("sqlite"),
        log_dir=tmp_path_factory.mktemp("slow-clients"),
        extra_env={"REYON_HEADER_TIMEOUT_S": "1", "REYON_BODY_TIMEOUT_S": "2"},
    )
    try:
        yield api
    finally:
        api.stop()


def _connect(api: ApiProcess) -> socket.socket:
    host, port = api.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=HANG_S)


def _body_head(length: int) -> bytes:
    return (
        f"POST {LOGIN} HTTP/1.1\r\nHost: reyon\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode() + b'{"store_code": "IST01", '


def _until_closed(sock: socket.socket, feed: Callable[[], bytes] | None = None) -> bytes:
    """What the server sent before it closed `sock`; while it is silent, `feed` gives the next
    bytes to send (the slow client). Fails if the server still holds it after HANG_S."""
    received = b""
    deadline = time.monotonic() + HANG_S
    while time.monotonic() < deadline:
        # A TLS socket may hold decrypted bytes that select() does not see.
        pending = isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
        readable = pending or select.select([sock], [], [], TICK_S)[0]
        try:
            if readable:
                chunk = sock.recv(65536)
                if not chunk:
                    return received
                received += chunk
            elif feed is not None:
                sock.sendall(feed())
        except (ConnectionError, ssl.SSLError):  # reset: closed all the same
            return received
    pytest.fail(f"the server still held a slow client after {HANG_S:.0f} s")


def _status_and_json(raw: bytes) -> tuple[int, dict[str, str], dict[str, object]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def _assert_request_timeout(raw: bytes) -> None:
    status, headers, problem = _status_and_json(raw)
    assert status == 408, raw[:300]
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    assert str(problem["type"]).endswith("/request-timeout"), problem


def test_headers_that_never_end_and_a_silent_connection_are_closed(slow_api: ApiProcess) -> None:
    slowloris = _connect(slow_api)
    silent = _connect(slow_api)
    with slowloris, silent:
        slowloris.sendall(b"GET /v1/health HTTP/1.1\r\nHost: reyon\r\nX-Slow: ")
        # One more byte of a header value every tick: the headers never end.
        assert _until_closed(slowloris, feed=lambda: b"a") == b""
        assert _until_closed(silent) == b""
    assert httpx.get(f"{slow_api.url}/v1/health", timeout=HANG_S).status_code == 200


@pytest.mark.parametrize("how", ["stalled", "trickled"])
def test_a_body_that_stalls_or_trickles_is_answered_408_and_closed(
    slow_api: ApiProcess, how: str
) -> None:
    """Stalled: no byte after the first few. Trickled: a byte every tick, never the whole body
    (a gap timer alone would hold this one for ever)."""
    with _connect(slow_api) as sock:
        sock.sendall(_body_head(100_000))
        raw = _until_closed(sock, feed=(lambda: b" ") if how == "trickled" else None)
    _assert_request_timeout(raw)


def test_many_half_sent_bodies_are_all_closed_while_the_api_keeps_serving(
    slow_api: ApiProcess,
) -> None:
    socks = [_connect(slow_api) for _ in range(200)]
    try:
        for sock in socks:
            sock.sendall(_body_head(100))
        with httpx.Client(base_url=slow_api.url, timeout=HANG_S) as client:
            assert client.get("/v1/health").status_code == 200
            held = sum(_silent(sock) for sock in socks)
            assert held > 0, "the half-sent bodies were closed before the check; a busy machine?"
            answers: dict[socket.socket, bytes] = {sock: b"" for sock in socks}
            open_ = set(socks)
            deadline = time.monotonic() + HANG_S
            while open_ and time.monotonic() < deadline:
                readable, _, _ = select.select(list(open_), [], [], TICK_S)
                for sock in readable:
                    try:
                        chunk = sock.recv(65536)
                    except ConnectionResetError:
                        chunk = b""
                    answers[sock] += chunk
                    if not chunk:
                        open_.discard(sock)
                if open_:  # still serving others while the slow ones are held
                    assert client.get("/v1/health").status_code == 200
        assert not open_, f"{len(open_)} of 200 half-sent bodies still open after {HANG_S:.0f} s"
        for raw in answers.values():
            _assert_request_timeout(raw)
    finally:
        for sock in socks:
            sock.close()


def _silent(sock: socket.socket) -> bool:
    """True while the server has neither answered nor closed `sock`."""
    readable, _, _ = select.select([sock], [], [], 0)
    return not readable


def _health_on(sock: socket.socket) -> int:
    """One keep-alive GET /v1/health on `sock`; its status."""
    sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: reyon\r\n\r\n")
    raw = b""
    while b"\r\n\r\n" not in raw:
        chunk = sock.recv(65536)
        assert chunk, f"closed after {raw!r}"
        raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.lower().split(b"\r\n")
        if line.startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return int(head.split()[1])


def test_connections_over_the_cap_get_503_and_the_api_recovers(
    fresh_database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cap = 4
    api = start_api(
        fresh_database("sqlite"),
        log_dir=tmp_path,
        extra_env={"REYON_MAX_CONNECTIONS": str(cap), "REYON_HEADER_TIMEOUT_S": str(int(HANG_S))},
    )
    held: list[socket.socket] = []
    try:
        # cap - 1 connections the server has surely accepted (each was answered), each then
        # holding a request it has not finished: the server counts them all.
        for _ in range(cap - 1):
            sock = _connect(api)
            held.append(sock)
            assert _health_on(sock) == 200
            sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: reyon\r\n")
        for _ in range(3):  # the excess
            with _connect(api) as extra:
                assert _health_on(extra) == 503
        for sock in held:
            sock.close()
        held.clear()
        # Once the held connections are gone, the API serves again.
        deadline = time.monotonic() + HANG_S
        while httpx.get(f"{api.url}/v1/health", timeout=HANG_S).status_code != 200:
            assert time.monotonic() < deadline, "the API did not recover"
            time.sleep(TICK_S)
    finally:
        for sock in held:
            with contextlib.suppress(OSError):
                sock.close()
        api.stop()
