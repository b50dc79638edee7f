"""`make demo` as a newcomer meets it, on a fresh clone of this checkout (run by `.ci/run`):

1. the first `make demo` makes var/, the secret and the database, seeds, and serves the API
   and the tablet page; an associate logs in over HTTP and scans a customer's identity code;
2. a second `reyon demo` on the same ports says in one line that the port is busy;
3. the demo stops on SIGTERM to the PID it printed: exit 0, nothing of it left running, both
   ports free again;
4. a second `make demo` reuses the database (no seeding) and stops as cleanly.

Ports are free ones picked at run time, so a developer's own demo on 8000/8550 is left alone.
Every wait is for a condition, bounded only by a limit that a real hang reaches."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.server import HANG_S, ROOT, free_port

HANG = 900.0  # seconds: only a demo that hangs takes this long, whatever the machine's load


class SmokeFailure(AssertionError):
    pass


def wait_for(
    what: str, ready: Callable[[], bool], demo: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + HANG
    while time.monotonic() < deadline:
        if demo.poll() is not None:
            raise SmokeFailure(f"the demo exited ({demo.returncode}) before {what}:\n{tail(log)}")
        if ready():
            return
        time.sleep(0.2)
    raise SmokeFailure(f"no {what} after {HANG:.0f} s: the demo hangs\n{tail(log)}")


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5.0).status_code == 200
    except httpx.TransportError:
        return False


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:]


def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Demo:
    def __init__(self, clone: Path, api_port: int, tablet_port: int, log: Path) -> None:
        self.clone, self.log = clone, log
        self.api = f"http://127.0.0.1:{api_port}"
        self.tablet = f"http://127.0.0.1:{tablet_port}"
        args = f"DEMO_ARGS=--port {api_port} --tablet-port {tablet_port}"
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                ["make", "--no-print-directory", "demo", args],
                cwd=clone,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own group: what is left of it can be found
            )

    def wait_ready(self) -> None:
        wait_for("/v1/health", lambda: answers(f"{self.api}/v1/health"), self.proc, self.log)
        wait_for("tablet page", lambda: answers(self.tablet), self.proc, self.log)

    def stop(self) -> None:
        """SIGTERM to the PID the demo printed, as a service manager or `kill` would."""
        found = re.search(r"or kill (\d+)\)", self.log.read_text(errors="replace"))
        if found is None:
            raise SmokeFailure(f"the demo did not print its PID:\n{tail(self.log)}")
        os.kill(int(found.group(1)), signal.SIGTERM)
        try:
            code = self.proc.wait(HANG)
        except subprocess.TimeoutExpired:
            self.kill()
            raise SmokeFailure(f"the demo did not stop on SIGTERM:\n{tail(self.log)}") from None
        text = self.log.read_text(errors="replace")
        if code != 0 or "Traceback" in text or "Reyon demo stopped." not in text:
            raise SmokeFailure(
                f"the demo did not stop cleanly (make exited {code}):\n{tail(self.log)}"
            )
        try:
            os.killpg(self.proc.pid, 0)
        except ProcessLookupError:
            pass
        else:
            self.kill()
            raise SmokeFailure("a process of the demo (the tablet?) outlived it")

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)


def smoke(work: Path) -> int:
    checks = 0
    clone = work / "reyon"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    api_port, tablet_port = free_port(), free_port()
    while tablet_port == api_port:
        tablet_port = free_port()

    first = Demo(clone, api_port, tablet_port, work / "demo-1.log")
    try:
        first.wait_ready()
        checks += 1
        if not (clone / "var" / "reyon.db").exists() or not (clone / "var" / "secret.key").exists():
            raise SmokeFailure("the demo did not make var/reyon.db and var/secret.key")
        # The demo enrolled its own tablet and kept the credential: log in as that tablet.
        kept = clone / "var" / "demo-tablet.json"
        if not kept.exists():
            raise SmokeFailure("the demo did not enrol its tablet (no var/demo-tablet.json)")
        tablet = json.loads(kept.read_text())
        with httpx.Client(base_url=first.api, timeout=HANG_S) as api:
            r = api.post(
                "/v1/auth/login",
                json={
                    "store_code": "IST01",
                    "associate_code": "demo-associate",
                    "pin": "1234",
                    "device_id": tablet["device_id"],
                    "device_secret": tablet["device_secret"],
                },
            )
            if r.status_code != 200:
                raise SmokeFailure(f"demo log-in answered {r.status_code}: {r.text}")
            token = r.json()["access_token"]
            checks += 1
            code = subprocess.run(
                [str(clone / ".venv" / "bin" / "reyon"), "qr", "identity", "--customer", "1"],
                cwd=clone,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            r = api.post(
                "/v1/scan",
                json={"payload": code},
                headers={"Authorization": f"Bearer {token}"},
            )
            got = r.json()
            if r.status_code != 200 or (got.get("kind"), got.get("valid")) != ("identity", True):
                raise SmokeFailure(f"scanning an identity code answered {r.status_code}: {r.text}")
            if got["customer"]["id"] != 1:
                raise SmokeFailure(f"the identity code opened customer {got['customer']['id']}")
            checks += 1

        busy = subprocess.run(
            [
                str(clone / ".venv" / "bin" / "reyon"),
                "demo",
                "--port",
                str(api_port),
                "--tablet-port",
                str(free_port()),
            ],
            cwd=clone,
            capture_output=True,
            text=True,
            timeout=HANG,
        )
        said = busy.stderr.strip()
        if busy.returncode != 2 or "already in use" not in said or "\n" in said:
            raise SmokeFailure(f"a busy port gave exit {busy.returncode} and:\n{said}")
        checks += 1
        first.stop()
        checks += 1
    except BaseException:
        first.kill()
        raise
    for port in (api_port, tablet_port):
        if not port_free(port):
            raise SmokeFailure(f"port {port} still taken after the demo stopped")
    checks += 1

    second = Demo(clone, api_port, tablet_port, work / "demo-2.log")
    try:
        second.wait_ready()
        if "seeding" in second.log.read_text(errors="replace"):
            raise SmokeFailure("the second make demo seeded again instead of reusing the database")
        checks += 1
        second.stop()
        checks += 1
    except BaseException:
        second.kill()
        raise
    return checks


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="reyon-demo-smoke-"))
    started = time.monotonic()
    try:
        checks = smoke(work)
    except SmokeFailure as exc:
        print(f"demo smoke: FAILED: {exc}", file=sys.stderr)
        print(f"demo smoke: logs kept in {work}", file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print(f"demo smoke: {checks} checks passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
