"""Processes the bench serves from besides the API itself: the bare FastAPI baseline, and the
API under a profiler. Same uvicorn settings as tests.server.start_api."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.server import ROOT, ApiProcess, free_port

# The API's header time-out is a protocol class of its own: the baseline pays for it too.
UVICORN_FLAGS = ["--host", "127.0.0.1", "--log-level", "warning", "--no-access-log",
                 "--http", "app.server.slow_clients:HeaderTimeoutProtocol"]  # fmt: skip


def start_process(
    cmd: list[str],
    *,
    port: int,
    health: str,
    log: Path,
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
) -> ApiProcess:
    """Run `cmd` in its own session and wait until GET `health` answers 200."""
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = ApiProcess(url=f"http://127.0.0.1:{port}", proc=proc, log=log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{server.url}{health}", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{' '.join(cmd)} did not start:\n{log.read_text()[-2000:]}")


def start_bare(log_dir: Path, workers: int) -> ApiProcess:
    """tests/bench/bare.py, served like the API."""
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "tests.bench.bare:app", *UVICORN_FLAGS]
    cmd += ["--port", str(port), "--workers", str(workers)]
    return start_process(cmd, port=port, health="/bare", log=log_dir / f"bare-{port}.log")
