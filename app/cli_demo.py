"""`reyon demo`: the whole product on one machine. The API in this process; the tablet app and
the outbox worker in their own processes, as production runs them; a local SMTP server that
keeps every e-mail for /demo/mail (the seeded addresses are made up: a demo never mails
anyone). Split from app/cli.py, whose helpers it uses."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import _database, _ensure_port_free, _serve
from app.settings import VAR_DIR, get_api_settings

if TYPE_CHECKING:
    from app.server.demo.mailbox import DemoMailbox


def _database_is_empty(url: str) -> bool:
    from sqlalchemy import func, select

    from app.server.catalog.models import Location
    from app.server.db import make_scratch_engine
    from app.server.migrate import upgrade

    upgrade(url)
    engine = make_scratch_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Location)).scalar_one()) == 0
    finally:
        engine.dispose()


def run_demo(args: argparse.Namespace) -> int:
    """`reyon demo`: seed on the first run, then the API, the tablet app, the outbox worker and
    (unless REYON_SMTP_HOST names a real one) a mail server of its own, stopped together."""
    from app.server.seed import DEMO_LOGINS, seed

    for port, flag in ((args.port, "--port"), (args.tablet_port, "--tablet-port")):
        _ensure_port_free(
            args.host,
            port,
            f"choose another with reyon demo {flag} N (make demo DEMO_ARGS='{flag} N')",
        )
    base = f"http://{args.host}:{args.port}"
    # The demo wallet is on, and shelf labels and pay links point at this server.
    os.environ.setdefault("REYON_DEMO_MODE", "1")
    os.environ.setdefault("REYON_PUBLIC_BASE_URL", base)
    os.environ.setdefault("REYON_WORKER_POLL_SECONDS", "2")  # a look shows up in the mailbox soon
    mailbox = _demo_mailbox()
    get_api_settings.cache_clear()
    settings = get_api_settings()
    if _database_is_empty(settings.database_url):
        print("seeding the demo retailer (first run only) ...", flush=True)
        seed(settings.database_url, "demo")
    print(
        "\n".join(
            [
                "",
                "Reyon demo",
                f"  tablet app   http://{args.host}:{args.tablet_port}  (open it in a browser)",
                f"  API          {base}/v1/health",
                f"  API docs     {base}/docs",
                f"  demo wallet  {base}/demo/wallet/1  (a customer's identity and coupon QR codes)",
                (
                    f"  demo mail    {base}/demo/mail  (every e-mail the demo sends; kept in "
                    f"{settings.demo_mail_dir})"
                    if mailbox is not None
                    else f"  e-mail       through {settings.smtp_host} (REYON_SMTP_HOST)"
                ),
                "               looks made 21:00-09:00 wait for the morning (quiet hours)",
                f"  database     {settings.database_url}",
                "",
                "  Demo log-ins (store / associate / PIN):",
                *(
                    f"    {DEMO_LOGINS['store']} / {code} / {DEMO_LOGINS['pin']}"
                    for code in DEMO_LOGINS["associates"]
                ),
                "",
                f"  Stop with Ctrl+C (or kill {os.getpid()}).",
                "",
            ]
        ),
        flush=True,
    )

    # uvicorn stops gracefully on SIGINT or SIGTERM and then raises the signal again with
    # the handlers it found: ours turn it into a normal return, so the tablet is stopped too
    # (with the default SIGTERM handler the demo died there and left the tablet running).
    # Installed before the tablet starts, so no stop can come between the two; a second
    # Ctrl+C while stopping is ignored (the tablet is killed after a wait in any case).
    def stopped(signum: int, _frame: object) -> None:
        for each in (signal.SIGINT, signal.SIGTERM):
            signal.signal(each, signal.SIG_IGN)
        raise _Stopped(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stopped)
    tablet: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    try:
        # The tablet app in its own process: Flet's web server and the API's each want the
        # main thread's event loop.
        device_id, secret = _demo_tablet(settings.database_url)
        tablet = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "tablet", "--api", base, "--host", args.host,
             "--port", str(args.tablet_port)],
            env={**os.environ, "REYON_DEVICE_ID": device_id, "REYON_DEVICE_SECRET": secret},
        )  # fmt: skip
        # The outbox worker, as production runs it: its own process (`reyon worker`).
        worker = subprocess.Popen([sys.executable, "-m", "app.cli", "worker"], env=os.environ)
        _serve(args.host, args.port, 1)
    except _Stopped:
        pass
    finally:
        for child in (worker, tablet):
            if child is not None:
                _stop(child)
        if mailbox is not None:
            mailbox.stop()
    print("Reyon demo stopped.", flush=True)
    return 0


def _demo_mailbox() -> DemoMailbox | None:
    """The demo's own SMTP server, and the settings that send the API's and the worker's mail
    there: the seeded customers' addresses are made up, and a demo must never mail anyone.
    None when REYON_SMTP_HOST is set in the environment (someone wants their own server)."""
    if os.environ.get("REYON_SMTP_HOST", "").strip():
        return None
    from app.server.demo.mailbox import DemoMailbox

    folder = Path(os.environ.get("REYON_DEMO_MAIL_DIR") or VAR_DIR / "demo-mail")
    mailbox = DemoMailbox(folder)
    mailbox.start()
    os.environ.update(mailbox.env())
    return mailbox


def _demo_tablet(database_url: str) -> tuple[str, str]:
    """The demo enrols its own tablet in IST01 (a store's manager would, with a one-time
    code) and keeps the credential beside the database for the next run."""
    import json

    from app.server.devices.models import Device
    from app.server.devices.service import enrol_directly

    kept = VAR_DIR / "demo-tablet.json"
    db = _database(database_url)
    try:
        try:
            saved = json.loads(kept.read_text())
            with db.session() as session:
                device = session.get(Device, str(saved["device_id"]))
            if device is not None and device.revoked_at is None:
                return str(saved["device_id"]), str(saved["device_secret"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # none kept yet, or unreadable: enrol a new one
        with db.write() as session:
            credential = enrol_directly(session, store_code="IST01", name="Demo tablet")
    finally:
        db.dispose()
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.touch(mode=0o600)
    kept.write_text(json.dumps(credential.model_dump()))
    return credential.device_id, credential.device_secret


class _Stopped(Exception):
    """Ctrl+C or a service manager's SIGTERM: a requested stop, not a failure."""


def _stop(child: subprocess.Popen[bytes]) -> None:
    """SIGINT first: Flet's web server was seen to ignore SIGTERM (FLET.md)."""
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGINT)
    try:
        child.wait(15)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
