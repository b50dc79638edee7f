"""`make soak`: a long shop day under fault injection (see harness.py), on a fresh SQLite
database or the PostgreSQL server given by --postgres. Prints what happened and every broken
invariant; exits 1 if there was one."""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from app.server.db import Database, make_engine
from app.server.migrate import upgrade
from tests.factories import build_base
from tests.faults.harness import Day, play
from tests.server import ApiProcess, free_port, start_api


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="soak", description=__doc__)
    parser.add_argument("--tablets", type=int, default=6)
    parser.add_argument("--actions", type=int, default=300, help="per tablet")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--outages", type=int, default=8)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--pickups", type=int, default=20, help="paid, waiting at the start")
    parser.add_argument("--collected", type=int, default=12, help="to bring back")
    parser.add_argument(
        "--postgres",
        metavar="ADMIN_URL",
        help="e.g. postgresql+psycopg://postgres@127.0.0.1/postgres",
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="reyon-soak-"))
    dropped: str | None = None
    if args.postgres:
        name = f"reyon_soak_{uuid.uuid4().hex[:10]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url, dropped = args.postgres.rsplit("/", 1)[0] + f"/{name}", name
    else:
        url = f"sqlite:///{work / 'reyon.db'}"
    upgrade(url)
    db = Database(make_engine(url))
    base = build_base(db)
    port = free_port()
    processes: list[ApiProcess] = [start_api(url, log_dir=work, port=port)]

    def restart() -> ApiProcess:
        processes.append(start_api(url, log_dir=work, port=port))
        return processes[-1]

    try:
        report = play(
            db=db,
            base=base,
            api=processes[0],
            restart_api=restart,
            workdir=work,
            day=Day(
                tablets=args.tablets,
                actions=args.actions,
                kills=args.kills,
                outages=args.outages,
                seed=args.seed,
                pickups=args.pickups,
                collected=args.collected,
            ),
        )
    finally:
        for p in processes:
            p.stop()
        db.dispose()
        if dropped:
            admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)'))
    print(f"{args.tablets} tablets x {args.actions} actions, {report.kills} API crashes, "
          f"{report.seconds:.0f} s; logs in {work}")  # fmt: skip
    print(f"sent {report.sent}; refused {report.failed}; proxy {report.proxy}")
    print(f"at the desks: {report.store}")
    for line in report.errors + report.violations:
        print("BROKEN:", line)
    if report.errors or report.violations:
        return 1
    print("every invariant held: no order lost or doubled, no coupon over its limit, "
          "stock never negative and accounted for, no line refunded more than bought, no order "
          "collected twice, every return taken once, every cache equal to the server")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
