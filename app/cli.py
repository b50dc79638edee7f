"""`reyon` command line: demo, api, tablet, migrate, seed, labels, qr."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time

from app.settings import get_api_settings


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

    uvicorn.run(
        "app.server.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


def _cmd_api(args: argparse.Namespace) -> int:
    print(f"Reyon API on http://{args.host}:{args.port}  (docs: /docs)", flush=True)
    _serve(args.host, args.port, args.workers)
    return 0


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


def _cmd_demo(args: argparse.Namespace) -> int:
    from app.server.seed import DEMO_LOGINS, seed

    base = f"http://{args.host}:{args.port}"
    # The demo wallet is on, and shelf labels and pay links point at this server.
    os.environ.setdefault("REYON_DEMO_MODE", "1")
    os.environ.setdefault("REYON_PUBLIC_BASE_URL", base)
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
                f"  database     {settings.database_url}",
                "",
                "  Demo log-ins (store / associate / PIN):",
                *(
                    f"    {DEMO_LOGINS['store']} / {code} / {DEMO_LOGINS['pin']}"
                    for code in DEMO_LOGINS["associates"]
                ),
                "",
                "  Stop with Ctrl+C.",
                "",
            ]
        ),
        flush=True,
    )
    # The tablet app in its own process: Flet's web server and the API's each want the main
    # thread's event loop.
    tablet = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "tablet", "--api", base, "--host", args.host,
         "--port", str(args.tablet_port)]
    )  # fmt: skip
    try:
        _serve(args.host, args.port, 1)
    finally:
        tablet.terminate()
        try:
            tablet.wait(10)
        except subprocess.TimeoutExpired:
            tablet.kill()
    return 0


def _cmd_qr(args: argparse.Namespace) -> int:
    """Print a fresh QR payload, as the brand app would show it (for scripts and tests)."""
    from sqlalchemy import select
    from sqlmodel import col

    from app.qr.identity import make_identity
    from app.server.customers.identity import demo_device
    from app.server.db import Database, make_scratch_engine
    from app.server.promotions.models import Coupon
    from app.server.promotions.service import coupon_code

    settings = get_api_settings()
    ring = settings.key_ring()
    db = Database(make_scratch_engine(settings.database_url))
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
    from pathlib import Path

    from app.server.catalog.labels import LabelError, labels_for_store, render_pdf
    from app.server.db import Database, make_scratch_engine

    settings = get_api_settings()
    db = Database(make_scratch_engine(settings.database_url))
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
    # What the tablet notes about itself (a sync round that failed, a customer it forgot).
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("reyon").setLevel(logging.INFO)
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
    tablet.set_defaults(func=_cmd_tablet)

    labels = sub.add_parser("labels", help="print an A4 PDF of shelf labels for a store")
    labels.add_argument("--store", required=True, help="store code, e.g. IST01")
    labels.add_argument("--category", help="only this category (e.g. Gömlek)")
    labels.add_argument("--out", default="labels.pdf", help="PDF file to write")
    labels.add_argument(
        "--base-url", help="storefront address in the QR codes (default REYON_PUBLIC_BASE_URL)"
    )
    labels.set_defaults(func=_cmd_labels)

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
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
