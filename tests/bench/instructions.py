"""`python -m tests.bench.instructions`: what one request costs the API, counted in instructions.

Orders a second on two shared cores move by a quarter between runs of the same code, and CPU
time by a tenth, so a change of a few per cent cannot be seen in either. The instructions a
request executes can: valgrind's callgrind counts them, the same count for the same code and
data whatever else the machine is doing. This runs the whole API app (its middleware, routing,
dependencies, thread pool, the endpoint and the database driver) in one process under
callgrind, calls it in process through httpx's ASGI transport (no server, no socket), and counts
only the measured requests: start-up, log-in and 30 warm-up requests run with counting off.
The count includes the in-process client's share, the same for both sides of an A/B; the
database server's work is not counted. Needs valgrind (Debian's package).

    .venv/bin/python -m tests.bench.instructions orders|availability|customer|bare
        [--db postgresql|sqlite] [--requests 100]

To compare two checkouts, run it in each (`git worktree add`, with .venv and var/bench linked
into the second): the counts repeat to a few parts in a thousand, so one run each says it.
"bare" is the bench's bare FastAPI endpoint (tests/bench/bare.py) through the same client.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from tests.bench import access
from tests.bench import databases as dbs
from tests.bench.run import ORDER_CUSTOMER, order_body
from tests.server import TEST_SECRET

WARM_UP = 30
KINDS = ("orders", "availability", "customer", "bare")


def _callgrind(on: bool) -> None:
    """Counting on or off in this process (it runs under callgrind)."""
    subprocess.run(
        ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
        check=True,
        capture_output=True,
    )


def _child(kind: str, url: str, requests: int) -> None:
    """Under callgrind: make the app, log in, warm up, count `requests` requests."""
    import httpx

    from app.server.app import create_app
    from app.server.db import Database, make_engine
    from app.settings import ApiSettings

    if kind == "bare":
        from tests.bench.bare import app
    else:
        # As the bench's API runs: JSON access lines at INFO (tests/server.py).
        settings = ApiSettings(
            _env_file=None, database_url=url, secret_key=TEST_SECRET,
            log_level="INFO", log_format="json",
        )  # fmt: skip
        app = create_app(settings, database=Database(make_engine(url)))
    skus = dbs.pick_skus(url, 5_000, seed=2, warehouse_available=2)

    async def run() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as c:
            if kind != "bare":
                body = access.login_body(url, "demo-associate", "1234")
                r = await c.post("/v1/auth/login", json=body)
                r.raise_for_status()
                c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

            async def one(i: int) -> None:
                if kind == "orders":
                    key = {"Idempotency-Key": str(uuid.uuid4())}
                    order = order_body(skus[i % len(skus)])
                    r = await c.post("/v1/orders", json=order, headers=key)
                elif kind == "availability":
                    r = await c.get(f"/v1/availability/{skus[i % len(skus)]}")
                elif kind == "customer":
                    r = await c.get("/v1/customers/1")
                else:
                    r = await c.get("/bare")
                if r.status_code >= 300:
                    raise SystemExit(f"{kind}: {r.status_code} {r.text[:300]}")

            for i in range(WARM_UP):
                await one(i)
            _callgrind(True)
            for i in range(WARM_UP, WARM_UP + requests):
                await one(i)
            _callgrind(False)

    asyncio.run(run())


def count(kind: str, url: str, requests: int) -> float:
    """Instructions per request, in millions."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("needs valgrind: apt-get install valgrind")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        cmd = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
            sys.executable, "-m", "tests.bench.instructions", kind, "--child", url,
            "--requests", str(requests),
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode != 0 or found is None:
            raise SystemExit(f"the counted run failed:\n{done.stderr[-3000:]}")
    return int(found.group(1)) / requests / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--child", help=argparse.SUPPRESS)  # the database URL, under callgrind
    args = parser.parse_args()
    if args.child:
        _child(args.kind, args.child, args.requests)
        return
    url = dbs.seeded_working_copy(args.db)
    try:
        access.consent(url, ORDER_CUSTOMER)
        per_request = count(args.kind, url, args.requests)
    finally:
        dbs.drop_working_copy(args.db)
    print(f"{args.kind}, {args.db}: {per_request:.3f} M instructions a request "
          f"({args.requests} requests counted)")  # fmt: skip


if __name__ == "__main__":
    main()
