"""`reyon` command line: demo, api, worker, tablet, migrate, seed, labels, qr."""

from __future__ import annotations

import argparse
import errno
import logging
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from app.settings import get_api_settings

if TYPE_CHECKING:
    from app.server.db import Database


class CliError(Exception):
    """What went wrong, in one line for the person at the terminal (no traceback)."""


def _database(url: str) -> Database:
    """For a command that works on the database directly: every table registered first (a
    row that names another table's row cannot be written before that table is known)."""
    import app.server.models  # noqa: F401
    from app.server.db import Database, make_scratch_engine

    return Database(make_scratch_engine(url))


def _ensure_port_free(host: str, port: int, way_out: str) -> None:
    """A busy port named before anything starts, with the way out, instead of a server that
    dies half-started with a traceback. SO_REUSEADDR as uvicorn and Flet bind: a port in
    TIME_WAIT from a stopped demo is free to them, so it is free here too."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CliError(
                    f"port {port} on {host} is already in use (another Reyon demo?); {way_out}"
                ) from exc
            raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def _cmd_migrate(_: argparse.Namespace) -> int:
    from app.server.migrate import upgrade

    settings = get_api_settings()
    upgrade(settings.database_url)
    print(f"database is at the newest schema: {settings.database_url}")
    return 0


def _cmd_seed(args: argparse.Namespace) -> int:
    from app.server.seed import seed

    settings = get_api_settings()
    started = time.perf_counter()
    try:
        counts = seed(settings.database_url, args.size)
    except ValueError as exc:
        print(f"reyon seed: {exc}", file=sys.stderr)
        return 2
    took = time.perf_counter() - started
    summary = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    print(f"seeded {args.size} data in {took:.1f} s: {summary}")
    return 0


def _serve(host: str, port: int, workers: int) -> None:
    import uvicorn

    from app.server.request_log import uvicorn_log_config
    from app.server.slow_clients import uvicorn_options

    uvicorn.run(
        "app.server.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        # The app writes its own access lines (request id, no query string) and sets up
        # logging itself; this makes uvicorn's own lines, the supervisor's too, the same.
        access_log=False,
        log_config=uvicorn_log_config(get_api_settings()),
        # A header time-out and a connection cap (the body's time-out is in the app).
        **uvicorn_options(get_api_settings()),
    )


def _cmd_api(args: argparse.Namespace) -> int:
    _ensure_port_free(args.host, args.port, "choose another with --port N")
    print(f"Reyon API on http://{args.host}:{args.port}  (docs: /docs)", flush=True)
    _serve(args.host, args.port, args.workers)
    return 0


def _cmd_worker(args: argparse.Namespace) -> int:
    """The outbox worker: sends the messages of looks (e-mail, SMS), many at once safely."""
    from app.server.outreach.worker import run
    from app.server.request_log import configure_logging

    settings = get_api_settings()
    configure_logging(settings)
    stop = threading.Event()

    # A stop (Ctrl+C, a service manager's SIGTERM) ends the round after the message in hand,
    # which is settled first: stopping never leaves a claim for the lease to clear.
    def stopping(_signum: int, _frame: object) -> None:
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stopping)
    print(f"Reyon worker on {settings.database_url}", flush=True)
    # --once: one round of what is due, then out (cron, scripts).
    run(settings, stop, rounds=1 if args.once else None)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from app.cli_demo import run_demo  # its own module: the demo's mail server, tablet, worker

    return run_demo(args)


def _cmd_enrol_code(args: argparse.Namespace) -> int:
    """A one-time enrolment code for a store's first tablet (later ones: a manager's tablet)."""
    from app.server.catalog.service import location_by_code
    from app.server.devices.service import new_enrolment_code

    db = _database(get_api_settings().database_url)
    try:
        with db.write() as session:
            store = location_by_code(session, args.store)
            if store is None or store.id is None:
                raise CliError(f"no store {args.store}")
            out = new_enrolment_code(session, store_id=store.id, created_by=None, name=args.name)
    finally:
        db.dispose()
    print(f"{out.code}  (store {store.code}, one use, until {out.expires_at:%H:%M} UTC)")
    return 0


def _cmd_qr(args: argparse.Namespace) -> int:
    """Print a fresh QR payload, as the brand app would show it (for scripts and tests)."""
    from sqlalchemy import select
    from sqlmodel import col

    from app.qr.identity import make_identity
    from app.server.customers.identity import demo_device
    from app.server.promotions.models import Coupon
    from app.server.promotions.service import coupon_code

    settings = get_api_settings()
    ring = settings.key_ring()
    db = _database(settings.database_url)
    try:
        with db.write() as session:
            if args.kind == "identity":
                private, key_id = demo_device(session, ring, args.customer)
                print(make_identity(private, key_id))
                return 0
            coupon = session.execute(
                select(Coupon).where(col(Coupon.code) == args.code.strip().upper())
            ).scalar_one_or_none()
            if coupon is None:
                print(f"no coupon {args.code}", file=sys.stderr)
                return 1
            print(coupon_code(ring, coupon))
            return 0
    finally:
        db.dispose()


def _cmd_labels(args: argparse.Namespace) -> int:
    """An A4 PDF of shelf labels for one store."""
    from app.server.labels.sheet import LabelError, labels_for_store, render_pdf

    settings = get_api_settings()
    db = _database(settings.database_url)
    try:
        with db.session() as session:
            labels = labels_for_store(
                session,
                store_code=args.store,
                ring=settings.key_ring(),
                base_url=args.base_url or settings.public_base_url,
                category=args.category,
            )

        def progress(done: int, total: int) -> None:
            if done == total or done % 96 == 0:
                print(f"\r  {done}/{total} labels", end="", file=sys.stderr, flush=True)

        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        pages = render_pdf(labels, out, progress=progress)
    except LabelError as exc:
        print(f"reyon labels: {exc}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    print(f"\n{len(labels)} labels on {pages} page(s): {out}", file=sys.stderr)
    return 0


def _cmd_tablet(args: argparse.Namespace) -> int:
    from app.settings import TabletSettings
    from app.tablet.app import serve

    settings = TabletSettings()
    _ensure_port_free(args.host, args.port, "choose another with --port N")
    # What the tablet notes about itself (a sync round that failed, a customer it forgot).
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("reyon").setLevel(logging.INFO)
    if args.trace_redraws:
        logging.getLogger("reyon.tablet.redraws").setLevel(logging.DEBUG)
    api = args.api or settings.api_url
    print(f"Reyon tablet on http://{args.host}:{args.port}  (API: {api})", flush=True)
    serve(
        api,
        host=args.host,
        port=args.port,
        data_dir=None if args.online_only else (args.data_dir or settings.data_dir),
        sync_seconds=settings.sync_seconds,
        customer_keep_days=settings.customer_keep_days,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reyon", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="seed the demo retailer if needed and serve the API")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--tablet-port", type=int, default=8550)
    demo.set_defaults(func=_cmd_demo)

    api = sub.add_parser("api", help="serve the central commerce API")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8000)
    api.add_argument("--workers", type=int, default=1, help="API processes (one database)")
    api.set_defaults(func=_cmd_api)

    worker = sub.add_parser("worker", help="send the outbox's messages (looks by e-mail, SMS)")
    worker.add_argument(
        "--once", action="store_true", help="one round of what is due now, then exit"
    )
    worker.set_defaults(func=_cmd_worker)

    migrate = sub.add_parser("migrate", help="bring the database to the newest schema")
    migrate.set_defaults(func=_cmd_migrate)

    seed = sub.add_parser("seed", help="fill the database named by REYON_DATABASE_URL")
    seed.add_argument("--size", choices=["demo", "bench"], default="demo")
    seed.set_defaults(func=_cmd_seed)

    tablet = sub.add_parser("tablet", help="serve the associate tablet app (web) against an API")
    tablet.add_argument("--api", help="the API's address (default REYON_TABLET_API_URL)")
    tablet.add_argument("--host", default="127.0.0.1")
    tablet.add_argument("--port", type=int, default=8550)
    tablet.add_argument(
        "--data-dir",
        help="where each tablet's offline cache lives, one SQLite file per device id "
        "(default REYON_TABLET_DATA_DIR, var/tablet)",
    )
    tablet.add_argument(
        "--online-only", action="store_true", help="no offline cache and outbox (not for stores)"
    )
    tablet.add_argument(
        "--trace-redraws",
        action="store_true",
        help="log every redraw and the actions that asked for it (diagnosing a tablet)",
    )
    tablet.set_defaults(func=_cmd_tablet)

    labels = sub.add_parser("labels", help="print an A4 PDF of shelf labels for a store")
    labels.add_argument("--store", required=True, help="store code, e.g. IST01")
    labels.add_argument("--category", help="only this category (e.g. Gömlek)")
    labels.add_argument("--out", default="labels.pdf", help="PDF file to write")
    labels.add_argument(
        "--base-url", help="storefront address in the QR codes (default REYON_PUBLIC_BASE_URL)"
    )
    labels.set_defaults(func=_cmd_labels)

    enrol = sub.add_parser(
        "enrol-code", help="a one-time code that enrols a store's tablet (valid 10 minutes)"
    )
    enrol.add_argument("--store", required=True, help="store code, e.g. IST01")
    enrol.add_argument("--name", help="what to call the tablet, e.g. 'Kasa 1'")
    enrol.set_defaults(func=_cmd_enrol_code)

    qr = sub.add_parser("qr", help="print a fresh QR payload, as the brand app shows it")
    qr_sub = qr.add_subparsers(dest="kind", required=True)
    identity = qr_sub.add_parser(
        "identity", help="a customer's identity code (the demo device key, valid 30-60 s)"
    )
    identity.add_argument("--customer", type=int, required=True)
    coupon = qr_sub.add_parser("coupon", help="a coupon's code, signed by the server")
    coupon.add_argument("--code", required=True)
    qr.set_defaults(func=_cmd_qr)
    return parser


def main(argv: list[str] | None = None) -> int:
    from app.server.db import DatabaseLocationError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (CliError, DatabaseLocationError) as exc:
        print(f"reyon {args.command}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if exc.filename is None:
            raise
        # A file or folder Reyon must write: where, and why not.
        print(f"reyon {args.command}: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
