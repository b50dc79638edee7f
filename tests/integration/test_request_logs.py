"""The API's log (the security issue's "Also" item): one JSON object per line on stderr, a
request id on every line of a request and in its answer, security events with it, and no
PIN, token, secret or query string anywhere. Read from the log file of a real API process;
each test waits for its lines to appear (bounded by HANG_S), never for a fixed time."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from app.server.auth.models import Associate
from tests import factories
from tests.conftest import World
from tests.integration.test_offline_coupons import _staff
from tests.server import HANG_S, TEST_SECRET, free_port, start_api

WRONG_PIN = "97531864"  # no other test uses it, so finding it anywhere is a leak
GENERATED = re.compile(r"[0-9a-f]{16}")
Record = dict[str, Any]


def _records(log: Path) -> list[Record]:
    """Every complete line of the log, each parsed as JSON (a line that is not fails here)."""
    lines = log.read_text(encoding="ascii").split("\n")[:-1]  # the last may be half-written
    return [json.loads(line) for line in lines]


def _wait_for(log: Path, what: str, found: Callable[[Record], bool]) -> list[Record]:
    deadline = time.monotonic() + HANG_S
    while True:
        hits = [r for r in _records(log) if found(r)]
        if hits:
            return hits
        assert time.monotonic() < deadline, f"no {what} in {log} after {HANG_S:.0f} s"
        time.sleep(0.05)  # a poll interval: the wait ends as soon as the line is there


def _of_request(log: Path, request_id: str, *, event: str | None = None) -> list[Record]:
    """All lines of one request, once its access line and (if named) its event are written."""
    _wait_for(log, f"access line {request_id}", lambda r: _access_of(r, request_id))
    if event is not None:
        _wait_for(
            log,
            f"{event} event {request_id}",
            lambda r: r.get("request_id") == request_id and r.get("event", {}).get("name") == event,
        )
    return [r for r in _records(log) if r.get("request_id") == request_id]


def _access_of(record: Record, request_id: str) -> bool:
    return record.get("logger") == "reyon.access" and record.get("request_id") == request_id


def _new_id() -> str:
    return f"t-{uuid.uuid4().hex}"


def _associate(world: World, role: str = "associate", store: str = "IST01") -> tuple[str, int]:
    """An associate of this test alone (wrong PINs lock an associate; nobody else's here)."""
    code = f"t-log-{uuid.uuid4().hex[:8]}"
    _staff(world, code, role, store)
    with world.db.session() as s:
        found = s.execute(select(Associate.id).where(col(Associate.code) == code)).scalar_one()
    return code, int(found)


def test_a_failed_log_in_is_one_request_id_on_every_line_and_never_the_pin(world: World) -> None:
    code, associate_id = _associate(world)
    tablet = world.tablet("IST01")
    rid = _new_id()
    r = httpx.post(
        f"{world.url}/v1/auth/login",
        json=factories.login_body(tablet, code, pin=WRONG_PIN),
        headers={"X-Request-ID": rid},
        timeout=HANG_S,
    )
    assert r.status_code == 401, r.text
    assert r.headers["X-Request-ID"] == rid

    lines = _of_request(world.api.log, rid, event="login-failed")
    # The access line in the event loop and the event in the threadpool: both carry the id.
    assert {line["logger"] for line in lines} >= {"reyon.access", "reyon.security"}
    (event,) = [line["event"] for line in lines if line["logger"] == "reyon.security"]
    assert event["name"] == "login-failed"
    assert event["associate"] == associate_id
    assert event["store"] == "IST01"
    assert event["device"] == tablet.device_id
    assert event["client"] == "127.0.0.1"
    (access,) = [line for line in lines if line["logger"] == "reyon.access"]
    assert access["method"] == "POST"
    assert access["path"] == "/v1/auth/login"
    assert access["status"] == 401
    assert access["client"] == "127.0.0.1"
    assert access["duration_ms"] >= 0

    text = world.api.log.read_text()
    assert WRONG_PIN not in text
    assert tablet.device_secret not in text


def test_an_unusable_request_id_is_replaced_by_a_generated_one(world: World) -> None:
    sent: list[dict[str, Any]] = [
        {},
        {"X-Request-ID": "a" * 65},  # too long
        {"X-Request-ID": 'quo"ted'},
        {"X-Request-ID": "has space"},
        {"X-Request-ID": '{"level": "ERROR"}'},  # a forged field, in the text
        {"X-Request-ID": "ç".encode()},
        {"X-Request-ID": ""},
    ]
    got = []
    with httpx.Client(base_url=world.url, timeout=HANG_S) as client:
        for headers in sent:
            r = client.get("/v1/health", headers=headers)
            assert r.status_code == 200
            assert GENERATED.fullmatch(r.headers["X-Request-ID"]), (headers, r.headers)
            got.append(r.headers["X-Request-ID"])
    assert len(set(got)) == len(got)
    for rid in got:
        (access,) = _of_request(world.api.log, rid)
        assert access["path"] == "/v1/health"
    assert "a" * 65 not in world.api.log.read_text()


def test_a_newline_in_the_request_id_never_reaches_a_log_line(world: World) -> None:
    """HTTP has no header value with a line break: the server refuses the request itself,
    and what it says about that is a JSON line too (checked by the last test here)."""
    with socket.create_connection(("127.0.0.1", int(world.url.rsplit(":", 1)[1]))) as sock:
        sock.settimeout(HANG_S)
        sock.sendall(
            b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc\nforged\r\n"
            b"Connection: close\r\n\r\n"
        )
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    status = answer.split(b"\r\n", 1)[0]
    assert status.startswith(b"HTTP/1.1 400"), answer[:200]
    assert "forged" not in world.api.log.read_text()


def test_a_refused_write_to_another_stores_sale_is_a_security_event(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, price_kurus=20000, stock={b.warehouse: 5})
    address = {"recipient": "Ayşe Yılmaz", "line1": "Bağdat Cad. 1", "city": "İstanbul"}
    with world.client("t-associate") as ist:
        r = ist.post(
            "/v1/orders",
            json={
                "customer_id": b.consenting_customer,
                "lines": [{"sku": skus[0], "quantity": 1}],
                "fulfilment": {"type": "ship_to_home", "address": address},
            },
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
    assert r.status_code == 201, r.text
    order = r.json()["id"]

    code, manager_id = _associate(world, "manager", "ANK01")
    tablet = world.tablet("ANK01")
    login = httpx.post(
        f"{world.url}/v1/auth/login", json=factories.login_body(tablet, code), timeout=HANG_S
    )
    login.raise_for_status()
    token = login.json()["access_token"]
    rid = _new_id()
    r = httpx.post(
        f"{world.url}/v1/orders/{order}/cancel",
        json={},
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": rid},
        timeout=HANG_S,
    )
    assert r.status_code == 403, r.text

    lines = _of_request(world.api.log, rid, event="write-refused")
    (event,) = [line["event"] for line in lines if "event" in line]
    assert event == {
        "name": "write-refused",
        "method": "POST",
        "path": f"/v1/orders/{order}/cancel",
        "problem": r.json()["type"].rsplit("/", 1)[-1],
        "associate": manager_id,
        "store_id": b.stores["ANK01"],
        "device": tablet.device_id,
        "client": "127.0.0.1",
    }
    (access,) = [line for line in lines if line["logger"] == "reyon.access"]
    assert (access["status"], access["associate"], access["store_id"]) == (
        403,
        manager_id,
        b.stores["ANK01"],
    )
    assert token not in world.api.log.read_text()


def test_no_token_secret_or_query_string_reaches_the_log(world: World) -> None:
    marker = uuid.uuid4().hex
    query = f"q=phone-{marker}"
    pay_token = f"RY1PAY{marker.upper()}"
    shelf_sig = f"SIG{marker}"
    requests = {
        _new_id(): (f"/v1/products?{query}&limit=1", "/v1/products"),
        _new_id(): (f"/pay/{pay_token}", "/pay/{token}"),
        _new_id(): (f"/p/1/IST01/{shelf_sig}", "/p/1/{store_code}/{sig}"),
    }
    with world.client("t-associate") as client:
        for rid, (url, _) in requests.items():
            client.get(url, headers={"X-Request-ID": rid})
    for rid, (_, logged) in requests.items():
        (access,) = _of_request(world.api.log, rid)
        assert access["path"] == logged
    text = world.api.log.read_text()
    assert marker not in text
    assert marker.upper() not in text
    assert world.token("t-associate") not in text


def test_a_rate_limited_log_in_is_a_security_event(world: World, tmp_path: Path) -> None:
    """And the log of a whole process, start to stop, is JSON lines."""
    tablet = factories.tablet(world.db, "IST01")  # its own counter
    api = start_api(
        world.database_url,
        log_dir=tmp_path,
        extra_env={"REYON_LOGIN_LIMIT_PER_DEVICE": "2/hour"},
    )
    try:
        statuses = []
        rid = _new_id()
        for n in range(3):
            r = httpx.post(
                f"{api.url}/v1/auth/login",
                json=factories.login_body(tablet, f"nobody-{n}"),
                headers={"X-Request-ID": f"{rid}-{n}"},
                timeout=HANG_S,
            )
            statuses.append(r.status_code)
        assert statuses == [401, 401, 429]
        lines = _of_request(api.log, f"{rid}-2", event="rate-limited")
    finally:
        api.stop()
    (event,) = [line["event"] for line in lines if "event" in line]
    assert event["limit"] == "login-device"
    assert event["counted"] == tablet.device_id
    assert event["client"] == "127.0.0.1"
    assert 1 <= event["retry_after"] <= 3600
    unknown = [r for r in _records(api.log) if r.get("request_id") == f"{rid}-0"]
    assert [r["event"]["reason"] for r in unknown if "event" in r] == ["unknown"]
    assert tablet.device_secret not in api.log.read_text()


def test_every_line_of_the_log_is_json_with_the_common_fields(world: World) -> None:
    records = _records(world.api.log)
    assert records
    for record in records:
        assert {"time", "level", "logger", "message", "request_id"} <= record.keys(), record
        assert record["time"].endswith("Z")
        if record["logger"] == "reyon.access":
            assert {"method", "path", "status", "duration_ms", "client"} <= record.keys()
            assert "?" not in record["path"]
            assert record["request_id"]
        if record["logger"] == "reyon.security":
            assert record["event"]["name"] == record["message"]


# -- a bug: 500 as problem+json naming the request id, and the traceback with it -----------


def test_a_bug_answers_500_problem_json_with_the_id_the_log_has(
    our_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    from app.server.app import create_app
    from app.settings import ApiSettings

    app = create_app(
        ApiSettings(secret_key=TEST_SECRET, database_url="sqlite://", log_format="json")
    )

    @app.get("/fails")
    def fails() -> None:  # a sync route: it runs in the threadpool
        logging.getLogger("reyon.test").warning("about to fail")
        raise RuntimeError("a bug")

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, port=port, lifespan="off", log_config=None, access_log=False)
    )
    rid = _new_id()
    answers: list[httpx.Response] = []

    async def serve_one() -> None:
        task = asyncio.create_task(server.serve())
        deadline = time.monotonic() + HANG_S
        while not server.started:
            assert not task.done() and time.monotonic() < deadline, "uvicorn did not start"
            await asyncio.sleep(0.01)
        async with httpx.AsyncClient(timeout=HANG_S) as client:
            answers.append(
                await client.get(f"http://127.0.0.1:{port}/fails", headers={"X-Request-ID": rid})
            )
        server.should_exit = True
        await task

    # Its own thread and loop: in the whole suite Playwright runs a loop in the main thread.
    thread = threading.Thread(target=asyncio.run, args=(serve_one(),))
    thread.start()
    thread.join(HANG_S)
    (r,) = answers
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers.get_list("X-Request-ID") == [rid]
    assert r.json()["request_id"] == rid
    assert r.json()["type"].endswith("/internal-error")
    assert "RuntimeError" not in r.text  # the traceback is for the log only

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    mine = {line["logger"]: line for line in lines if line.get("request_id") == rid}
    assert mine["reyon.test"]["message"] == "about to fail"  # the threadpool has the id
    assert mine["reyon.access"]["status"] == 500
    assert "RuntimeError: a bug" in mine["uvicorn.error"]["exception"]
