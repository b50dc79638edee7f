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

from app.contracts.devices import DeviceCredential

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
    # Where the API's test SMS provider appends the text messages it "sends" (JSON lines).
    sms_outbox: Path | None = None

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
    from tests.mail import mail_sink  # it imports this module

    port = port or free_port()
    env = {
        **os.environ,
        "REYON_DATABASE_URL": database_url,
        "REYON_SECRET_KEY": TEST_SECRET,
        # Its log file is JSON lines (tests read them), whatever a developer's .env says.
        "REYON_LOG_FORMAT": "json",
        "REYON_LOG_LEVEL": "INFO",
        # Every test logs in from 127.0.0.1, many times: the limits have tests of their own.
        "REYON_LOGIN_LIMIT_PER_CLIENT": "100000/minute",
        "REYON_LOGIN_LIMIT_PER_DEVICE": "100000/minute",
        "REYON_SHELF_SCAN_LIMIT_PER_CLIENT": "100000/minute",
        "REYON_CONSENT_CHALLENGE_LIMIT_PER_CUSTOMER": "100000/minute",
        "REYON_CONSENT_CHALLENGE_LIMIT_PER_ASSOCIATE": "100000/minute",
        # Text messages to a file, e-mail to a real SMTP server in this process (tests/mail.py).
        "REYON_SMS_PROVIDER": "file",
        "REYON_SMS_OUTBOX_FILE": str(log_dir / f"sms-{port}.jsonl"),
        **mail_sink().api_env(),
        **(extra_env or {}),
    }
    log = log_dir / f"api-{port}.log"
    # `reyon api` itself, so that the tests measure how production serves (its time-outs and
    # connection cap are uvicorn options that the bare uvicorn command would not set). The log
    # is what it writes to stderr; stdout has only its banner for a person at a terminal.
    cmd = [sys.executable, "-m", "app.cli", "api", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers)]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=out, start_new_session=True
        )
    api = ApiProcess(
        url=f"http://127.0.0.1:{port}",
        proc=proc,
        log=log,
        sms_outbox=Path(env["REYON_SMS_OUTBOX_FILE"]),
    )
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


def start_tablet(
    api_url: str,
    *,
    log_dir: Path,
    device: DeviceCredential | None,
    startup_timeout: float = HANG_S,
) -> ApiProcess:
    """The tablet web app (`reyon tablet`) against `api_url`, on a free port, enrolled as
    `device` (as the demo hands its tablet the credential), or None: not enrolled, each
    browser shows the enrolment scene first."""
    port = free_port()
    log = log_dir / f"tablet-{port}.log"
    cmd = [sys.executable, "-m", "app.cli", "tablet", "--api", api_url, "--port", str(port),
           "--data-dir", str(log_dir / "tablet-cache"), "--trace-redraws"]  # fmt: skip
    env = {
        k: v for k, v in os.environ.items() if k not in ("REYON_DEVICE_ID", "REYON_DEVICE_SECRET")
    }
    if device is not None:
        env |= {"REYON_DEVICE_ID": device.device_id, "REYON_DEVICE_SECRET": device.device_secret}
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
