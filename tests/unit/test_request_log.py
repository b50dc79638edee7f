"""The pieces of the API's log that need no server: which request ids are taken, what a path
looks like in the log, and that every record is one line whatever its fields hold."""

from __future__ import annotations

import json
import logging
import re
import sys

import pytest

from app.server import request_log
from app.server.request_log import (
    JsonFormatter,
    RequestIdFilter,
    RequestInfo,
    TextFormatter,
    log_choice,
    loggable_path,
    request_id_from,
)
from app.settings import ApiSettings


@pytest.mark.parametrize(
    "sent",
    [b"abc-123", b"A.b_c-9", b"x" * 64, b"0f8fad5b-d9cb-469f-a165-70867728950e"],
)
def test_a_short_plain_request_id_is_kept(sent: bytes) -> None:
    assert request_id_from([(b"x-request-id", sent)]) == sent.decode()


@pytest.mark.parametrize(
    "sent",
    [b"", b"x" * 65, b"a\nb", b"a\rb", b'a"b', b"a b", b"{}", "ç".encode(), b"a\x00b", b"a/b"],
)
def test_anything_else_gets_a_new_id(sent: bytes) -> None:
    got = request_id_from([(b"x-request-id", sent)])
    assert got != sent.decode("latin-1")
    assert re.fullmatch(r"[0-9a-f]{16}", got)


def test_a_missing_id_gets_a_new_one_each_time() -> None:
    assert request_id_from([]) != request_id_from([])


def test_secret_path_parameters_are_logged_by_their_names() -> None:
    scope = {"path": "/pay/RY1TOKEN", "path_params": {"token": "RY1TOKEN"}}
    assert loggable_path(scope) == "/pay/{token}"
    shelf = {
        "path": "/p/12/IST01/SIG",
        "path_params": {"product_id": "12", "store_code": "IST01", "sig": "SIG"},
    }
    assert loggable_path(shelf) == "/p/12/{store_code}/{sig}"
    order = {"path": "/v1/orders/7/cancel", "path_params": {"order_id": 7}}
    assert loggable_path(order) == "/v1/orders/7/cancel"
    assert len(loggable_path({"path": "/x" * 1000})) < 310


def _record(msg: str = "login-failed", **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("reyon.security", logging.WARNING, __file__, 1, msg, (), None)
    record.__dict__.update(extra)
    return record


def test_a_json_line_holds_the_event_and_the_request_id_and_stays_one_line() -> None:
    token = request_log._current.set(RequestInfo("rid-1", "10.0.0.7"))
    try:
        record = _record(event={"name": "login-failed", "device": 'tab"let\n{"level":"x"}'})
        RequestIdFilter().filter(record)
    finally:
        request_log._current.reset(token)
    line = JsonFormatter().format(record)
    assert "\n" not in line and line.isascii()
    data = json.loads(line)
    assert data["request_id"] == "rid-1"
    assert data["level"] == "WARNING" and data["logger"] == "reyon.security"
    assert data["event"] == {"name": "login-failed", "device": 'tab"let\n{"level":"x"}'}
    assert data["time"].endswith("Z")


@pytest.mark.parametrize("device", ["Ayşe'nin tableti", "half \ud800 a character"])
def test_any_text_gives_an_ascii_json_line(device: str) -> None:
    line = JsonFormatter().format(_record(event={"name": "x", "device": device}))
    assert line.isascii()
    assert json.loads(line)["event"]["device"] == device


def test_a_traceback_is_one_json_field() -> None:
    try:
        raise ValueError("bad")
    except ValueError:
        record = _record("failed", exc_info=sys.exc_info())
    data = json.loads(JsonFormatter().format(record))
    assert data["request_id"] is None  # logged outside any request
    assert "ValueError: bad" in data["exception"]


def test_a_text_line_is_one_line_too() -> None:
    record = _record(event={"name": "login-failed", "device": "a\nb"})
    line = TextFormatter().format(record)
    assert "\n" not in line
    assert "device='a\\nb'" in line


def test_json_is_the_default_and_the_demo_reads_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REYON_LOG_FORMAT", "REYON_LOG_LEVEL", "REYON_DEMO_MODE"):
        monkeypatch.delenv(name, raising=False)
    assert log_choice(ApiSettings(_env_file=None)) == ("json", "INFO")  # type: ignore[call-arg]
    demo = ApiSettings(_env_file=None, demo_mode=True)  # type: ignore[call-arg]
    assert log_choice(demo) == ("text", "WARNING")
    chosen = ApiSettings(_env_file=None, demo_mode=True, log_format="JSON", log_level="info")  # type: ignore[call-arg]
    assert log_choice(chosen) == ("json", "INFO")
