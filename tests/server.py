"""Running the real API in its own process on loopback, for tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TEST_SECRET = "test-secret-not-for-production"
# Tests wait for conditions (a port answers, a queue is empty, a row exists), never for a
# fixed time; this bounds each wait, and only a real hang reaches it on a busy machine.
HANG_S = 600.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ApiProcess:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout)

    def kill(self) -> None:
        """Like a crash: no shutdown handlers run."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)


def start_api(
    database_url: str,
    *,
    log_dir: Path,
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
    workers: int = 1,
    startup_timeout: float = HANG_S,  # a crash at start-up fails at once
) -> ApiProcess:
    port = port or free_port()
    env = {
        **os.environ,
        "REYON_DATABASE_URL": database_url,
        "REYON_SECRET_KEY": TEST_SECRET,
        # Every test logs in from 127.0.0.1, many times: the limits have tests of their own.
        "REYON_LOGIN_LIMIT_PER_CLIENT": "100000/minute",
        "REYON_LOGIN_LIMIT_PER_DEVICE": "100000/minute",
        "REYON_SHELF_SCAN_LIMIT_PER_CLIENT": "100000/minute",
        **(extra_env or {}),
    }
    log = log_dir / f"api-{port}.log"
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.server.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--workers",
        str(workers),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    api = ApiProcess(url=f"http://127.0.0.1:{port}", proc=proc, log=log)
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"API exited at start-up:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{api.url}/v1/health", timeout=1.0).status_code == 200:
                return api
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    api.kill()
    raise RuntimeError(f"API did not start within {startup_timeout}s:\n{log.read_text()[-4000:]}")


def start_tablet(api_url: str, *, log_dir: Path, startup_timeout: float = HANG_S) -> ApiProcess:
    """The tablet web app (`reyon tablet`) against `api_url`, on a free port."""
    port = free_port()
    log = log_dir / f"tablet-{port}.log"
    cmd = [sys.executable, "-m", "app.cli", "tablet", "--api", api_url, "--port", str(port),
           "--data-dir", str(log_dir / "tablet-cache")]  # fmt: skip
    env = {**os.environ, "REYON_DEVICE_ID": "e2e-tablet"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    tablet = ApiProcess(url=f"http://127.0.0.1:{port}", proc=proc, log=log)
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"tablet exited at start-up:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(tablet.url, timeout=1.0).status_code == 200:
                return tablet
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    tablet.kill()
    raise RuntimeError(
        f"tablet did not start within {startup_timeout}s:\n{log.read_text()[-4000:]}"
    )
