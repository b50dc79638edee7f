"""Vendure, the open-source commerce engine `make bench-peers` measures Reyon against: installed
from npm with the versions pinned in tests/bench/peers/vendure/package-lock.json into
var/peers/vendure, run by Node on the same PostgreSQL, loaded with the bench's own data.

What is Vendure's and what is the bench's (tests/bench/peers/vendure/FINDINGS.md has the how):
- its server, its Shop API order flow and its Admin API are Vendure 3.7's own; the config
  leaves out the plugins that would fetch anything (admin UI, assets, e-mail, search) and
  turns telemetry off;
- Vendure core cannot be told at which location an order line takes its stock, so the bench
  adds the smallest strategy that can (named-location-strategy.js): an order-line custom field
  names the location, and allocation locks that stock row before it allocates (Vendure 3.7.3
  itself updates stock by read-modify-write without a lock);
- the data is Reyon's bench data set, copied row for row (locations, products, variants and
  the stock of every variant at every location, same ids), so both answer about the same
  stock.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

from tests.bench import databases as dbs
from tests.server import ROOT, free_port

SOURCE = ROOT / "tests" / "bench" / "peers" / "vendure"
HOME = ROOT / "var" / "peers" / "vendure"
# What the server needs at run time; the rest of SOURCE is the proof of concept's tooling.
FILES = ("package.json", "package-lock.json", "index.js", "vendure-config.js",
         "named-location-strategy.js", "gql.js", "setup-admin.js")  # fmt: skip
DB_NAME = "reyon_peer_vendure"  # loaded once, like reyon_bench
RUN_DB = "reyon_peer_vendure_run"  # each run's fresh copy
PASSWORD = "bench-superadmin-pw"
LOADED = HOME / "loaded.json"
PG_DSN = dbs.PG_SERVER.replace("postgresql+psycopg://", "postgresql://")

log = dbs.log


class PeerError(RuntimeError):
    """The peer could not be installed, started or loaded."""


def _lock_digest() -> str:
    return hashlib.sha256((SOURCE / "package-lock.json").read_bytes()).hexdigest()


def install() -> dict[str, Any]:
    """Copy the peer's files to var/peers/vendure and `npm ci` there when the lock changed;
    the version installed and how long npm took (None when nothing had to be installed)."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise PeerError(f"{tool} is not installed (Debian: apt-get install -y nodejs npm)")
    HOME.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copy2(SOURCE / name, HOME / name)
    stamp = HOME / "node_modules" / ".reyon-lock-sha256"
    seconds = None
    if not stamp.exists() or stamp.read_text() != _lock_digest():
        log("  npm ci (Vendure and its dependencies, from the committed lock file) ...")
        started = time.perf_counter()
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--omit=dev"],
            cwd=HOME,
            env={**os.environ, "VENDURE_DISABLE_TELEMETRY": "true"},
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise PeerError(f"npm ci failed:\n{(done.stdout + done.stderr)[-3000:]}")
        seconds = round(time.perf_counter() - started, 1)
        stamp.write_text(_lock_digest())
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {"version": version(), "node": node, "npm_ci_s": seconds}


def version() -> str:
    package = HOME / "node_modules" / "@vendure" / "core" / "package.json"
    return str(json.loads(package.read_text())["version"])


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    started_s: float

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start(database: str, *, log_dir: Path, synchronize: bool = False) -> Server:
    """`node index.js` on `database`, in its own session; returns once the Shop API answers."""
    port = free_port()
    log_path = log_dir / f"vendure-{port}.log"
    env = {
        **os.environ,
        "VENDURE_DISABLE_TELEMETRY": "true",
        "VENDURE_PORT": str(port),
        "DB_NAME": database,
        "DB_SYNCHRONIZE": "true" if synchronize else "false",
        "SUPERADMIN_PASSWORD": PASSWORD,
        "NODE_ENV": "production",
    }
    started = time.perf_counter()
    with log_path.open("wb") as out:
        proc = subprocess.Popen(
            ["node", "index.js"],
            cwd=HOME,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", proc, log_path, 0.0)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            r = httpx.post(f"{server.url}/shop-api", json={"query": "{ activeChannel { id } }"})
            if r.status_code == 200 and "data" in r.json():
                server.started_s = round(time.perf_counter() - started, 1)
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.stop()
    raise PeerError(f"Vendure did not start:\n{log_path.read_text()[-3000:]}")


@dataclass
class Graph:
    """A GraphQL session on one of Vendure's APIs: it keeps the bearer token the server hands
    out in `vendure-auth-token` (and may rotate) and sends it back as Authorization."""

    client: httpx.Client
    api: str = "shop-api"
    token: str | None = None
    last: httpx.Response | None = field(default=None, repr=False)

    def q(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        r = self.client.post(
            f"/{self.api}", json={"query": query, "variables": variables or {}}, headers=headers
        )
        self.last = r
        self.token = r.headers.get("vendure-auth-token", self.token)
        try:
            body = r.json()
        except ValueError as exc:
            raise GraphError(f"HTTP {r.status_code}, not JSON: {r.text[:200]}") from exc
        if body.get("errors") or not body.get("data"):
            errors = body.get("errors") or [{"message": str(body)}]
            raise GraphError(str(errors[0].get("message", errors[0]))[:300])
        return dict(body["data"])


class GraphError(RuntimeError):
    """A GraphQL error (an exception inside Vendure, such as the strategy refusing stock)."""


def admin(client: httpx.Client) -> Graph:
    g = Graph(client, "admin-api")
    who = g.q(
        "mutation($u:String!,$p:String!){ login(username:$u,password:$p){ __typename } }",
        {"u": "superadmin", "p": PASSWORD},
    )
    if who["login"]["__typename"] != "CurrentUser":
        raise PeerError(f"superadmin login refused: {who}")
    return g


# The shortest documented guest checkout: five Shop API mutations (FINDINGS.md, section 3).
_ERR = "... on ErrorResult { errorCode message }"
ADD = (
    "mutation($v:ID!,$q:Int!,$cf:OrderLineCustomFieldsInput){ addItemToOrder(productVariantId:$v,"
    " quantity:$q, customFields:$cf){ ... on Order { code } " + _ERR + " } }"
)
COUPON = (
    "mutation($c:String!){ applyCouponCode(couponCode:$c){ ... on Order { code } " + _ERR + " } }"
)
CUSTOMER = (
    'mutation($e:String!){ setCustomerForOrder(input:{ emailAddress:$e, firstName:"Bench",'
    ' lastName:"Guest" }){ ... on Order { code } ' + _ERR + " } }"
)
SHIPPING = (
    'mutation { setOrderShippingMethod(shippingMethodId:["1"]){ ... on Order { code } '
    + _ERR
    + " } }"
)
ARRANGE = (
    'mutation { transitionOrderToState(state:"ArrangingPayment"){ ... on Order { state }'
    " ... on OrderStateTransitionError { errorCode message } } }"
)
PAY = (
    'mutation { addPaymentToOrder(input:{ method:"dummy", metadata:{} }){ ... on Order { code'
    " state couponCodes } " + _ERR + " } }"
)


@dataclass
class Outcome:
    placed: bool
    coupon_kept: bool = False
    refused_at: str = ""  # the step that refused
    reason: str = ""  # Vendure's error code, or the message of the error it raised
    code: str = ""


def place_order(
    client: httpx.Client, variant_id: int, *, email: str, location: str | None, coupon: str = ""
) -> Outcome:
    """One guest order of one unit, its stock allocated at `location` (None: wherever Vendure's
    own strategy takes it), through the Shop API on a new session."""
    g = Graph(client)
    fields = {"stockLocationName": location} if location else None
    steps: list[tuple[str, str, dict[str, Any] | None]] = [
        ("addItemToOrder", ADD, {"v": str(variant_id), "q": 1, "cf": fields}),
    ]
    if coupon:
        steps.append(("applyCouponCode", COUPON, {"c": coupon}))
    steps += [
        ("setCustomerForOrder", CUSTOMER, {"e": email}),
        ("setOrderShippingMethod", SHIPPING, None),
        ("transitionOrderToState", ARRANGE, None),
        ("addPaymentToOrder", PAY, None),
    ]
    result: dict[str, Any] = {}
    for name, query, variables in steps:
        try:
            result = g.q(query, variables)[name]
        except GraphError as exc:
            return Outcome(False, refused_at=name, reason=str(exc))
        if result.get("errorCode"):
            return Outcome(False, refused_at=name, reason=str(result["errorCode"]))
    placed = result.get("state") == "PaymentSettled"
    kept = coupon.upper() in [c.upper() for c in result.get("couponCodes") or []]
    return Outcome(placed, coupon_kept=placed and kept, code=str(result.get("code", "")))


STOCK_QUERY = (
    "query($id:ID!){ productVariant(id:$id){ sku stockLevels{ stockLocationId"
    " stockLocation{ name } stockOnHand stockAllocated } } }"
)


def create_coupon(g: Graph, code: str) -> None:
    """A promotion with a coupon code that can be used once, by anyone (usageLimit 1)."""
    made = g.q(
        "mutation($i:CreatePromotionInput!){ createPromotion(input:$i){ __typename "
        + _ERR
        + " } }",
        {
            "i": {
                "enabled": True,
                "couponCode": code,
                "usageLimit": 1,
                "conditions": [],
                "actions": [
                    {
                        "code": "order_percentage_discount",
                        "arguments": [{"name": "discount", "value": "10"}],
                    }
                ],
                "translations": [{"languageCode": "en", "name": f"Single-use {code}"}],
            }
        },
    )["createPromotion"]
    if made["__typename"] != "Promotion":
        raise PeerError(f"createPromotion: {made}")


# --- the data: Reyon's bench data set, copied -------------------------------------------


def _admin_sql(statement: str) -> None:
    with psycopg.connect(f"{PG_DSN}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def ensure_loaded(reyon_url: str, log_dir: Path, *, seeded_at: str) -> dict[str, Any]:
    """`reyon_peer_vendure`, made once: Vendure creates its schema on a first start, its own
    Admin API adds the reference data an order needs (a zone, a tax rate, a shipping method,
    the dummy payment method), then the bench data set is copied in from `reyon_url`. Later
    runs find it and reuse it, unless the peer's lock file or Reyon's seeding (`seeded_at`)
    changed since. How long the load took, now or when it was made."""
    try:
        record: dict[str, Any] = json.loads(LOADED.read_text())
    except (OSError, ValueError):
        record = {}
    same = record.get("lock") == _lock_digest() and record.get("reyon_seeded_at") == seeded_at
    if same and _database_exists(DB_NAME):
        return {"loaded_now": False, **record}
    log("  loading the bench data set into Vendure (first run only) ...")
    started = time.perf_counter()
    _admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    _admin_sql(f'CREATE DATABASE "{DB_NAME}"')
    server = start(DB_NAME, log_dir=log_dir, synchronize=True)
    try:
        setup = subprocess.run(
            ["node", "setup-admin.js", "0"],
            cwd=HOME,
            env={**os.environ, "VENDURE_URL": server.url, "SUPERADMIN_PASSWORD": PASSWORD},
            capture_output=True,
            text=True,
        )
        if setup.returncode != 0:
            raise PeerError(f"setup-admin.js failed:\n{(setup.stdout + setup.stderr)[-3000:]}")
    finally:
        server.stop()
    counts = _copy_bench_data(reyon_url)
    record = {
        "lock": _lock_digest(),
        "reyon_seeded_at": seeded_at,
        "seconds": round(time.perf_counter() - started, 1),
        "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        **counts,
    }
    LOADED.write_text(json.dumps(record, indent=2))
    return {"loaded_now": True, **record}


def _database_exists(name: str) -> bool:
    with psycopg.connect(f"{PG_DSN}/postgres", autocommit=True) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            is not None
        )


# Reyon's rows, as Vendure's tables take them (same ids: no map to keep).
_EXPORTS = {
    "locations": "COPY (SELECT id, code FROM location ORDER BY id) TO STDOUT",
    "products": "COPY (SELECT id, name_en FROM product ORDER BY id) TO STDOUT",
    "variants": "COPY (SELECT id, product_id, sku, price_kurus FROM variant ORDER BY id) TO STDOUT",
    "stock": "COPY (SELECT variant_id, location_id, on_hand, reserved FROM stocklevel"
    " ORDER BY variant_id, location_id) TO STDOUT",
}
_STAGING = {
    "locations": "CREATE TEMP TABLE s_location (id int, code text)",
    "products": "CREATE TEMP TABLE s_product (id int, name text)",
    "variants": "CREATE TEMP TABLE s_variant (id int, product_id int, sku text, price int)",
}
_IMPORTS = {
    "locations": "COPY s_location FROM STDIN",
    "products": "COPY s_product FROM STDIN",
    "variants": "COPY s_variant FROM STDIN",
    "stock": 'COPY stock_level ("productVariantId", "stockLocationId", "stockOnHand",'
    ' "stockAllocated") FROM STDIN',
}
_FILL = [
    # Vendure's first start made "Default Stock Location" (id 1): it becomes Reyon's first.
    'DELETE FROM stock_location_channels_channel WHERE "stockLocationId" <> 1',
    "DELETE FROM stock_location WHERE id <> 1",
    "UPDATE stock_location SET name = (SELECT code FROM s_location WHERE id = 1) WHERE id = 1",
    "INSERT INTO stock_location (id, name, description) SELECT id, code, '' FROM s_location WHERE id <> 1",
    'INSERT INTO stock_location_channels_channel ("stockLocationId", "channelId")'
    " SELECT id, %(channel)s FROM s_location WHERE id <> 1",
    "INSERT INTO product (id, enabled) SELECT id, true FROM s_product",
    'INSERT INTO product_translation ("languageCode", name, slug, description, "baseId")'
    " SELECT 'en', name, 'p-' || id, '', id FROM s_product",
    'INSERT INTO product_channels_channel ("productId", "channelId") SELECT id, %(channel)s FROM s_product',
    'INSERT INTO product_variant (id, sku, "productId", "taxCategoryId", enabled)'
    " SELECT id, sku, product_id, %(tax)s, true FROM s_variant",
    'INSERT INTO product_variant_translation ("languageCode", name, "baseId")'
    " SELECT 'en', sku, id FROM s_variant",
    'INSERT INTO product_variant_channels_channel ("productVariantId", "channelId")'
    " SELECT id, %(channel)s FROM s_variant",
    'INSERT INTO product_variant_price ("currencyCode", "channelId", price, "variantId")'
    " SELECT %(currency)s, %(channel)s, price, id FROM s_variant",
]


def _copy_bench_data(reyon_url: str) -> dict[str, int]:
    source = reyon_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(source) as src, psycopg.connect(f"{PG_DSN}/{DB_NAME}") as dst:
        channel, currency = dst.execute(
            "SELECT id, \"defaultCurrencyCode\" FROM channel WHERE code = '__default_channel__'"
        ).fetchone() or (None, None)
        tax = dst.execute(
            'SELECT id FROM tax_category WHERE "isDefault" ORDER BY id LIMIT 1'
        ).fetchone()
        if channel is None or tax is None:
            raise PeerError("Vendure's reference data is missing (setup-admin.js)")
        for name in ("locations", "products", "variants"):
            dst.execute(_STAGING[name])
            _pipe(src, dst, name)
        params = {"channel": channel, "currency": currency, "tax": tax[0]}
        for statement in _FILL:
            dst.execute(statement, params)
        _pipe(src, dst, "stock")
        for table in ("stock_location", "product", "product_variant"):
            dst.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        counts = {
            name: int(dst.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]
            for name, table in (
                ("locations", "stock_location"),
                ("products", "product"),
                ("variants", "product_variant"),
                ("stock_rows", "stock_level"),
            )
        }
    with psycopg.connect(f"{PG_DSN}/{DB_NAME}", autocommit=True) as dst:
        dst.execute("VACUUM ANALYZE")
    return counts


def _pipe(src: psycopg.Connection[Any], dst: psycopg.Connection[Any], name: str) -> None:
    with src.cursor().copy(_EXPORTS[name]) as out, dst.cursor().copy(_IMPORTS[name]) as into:
        for block in out:
            into.write(block)


def working_copy() -> str:
    """A fresh copy of the loaded database for one run (orders and coupons never reach the
    loaded one); its name."""
    _admin_sql(f'DROP DATABASE IF EXISTS "{RUN_DB}" WITH (FORCE)')
    _admin_sql(f'CREATE DATABASE "{RUN_DB}" TEMPLATE "{DB_NAME}"')
    return RUN_DB


def drop_working_copy() -> None:
    _admin_sql(f'DROP DATABASE IF EXISTS "{RUN_DB}" WITH (FORCE)')


def sql(
    database: str, statement: str, params: dict[str, Any] | tuple[Any, ...] = ()
) -> list[tuple[Any, ...]]:
    """One statement on a Vendure database, committed; its rows (none for a write)."""
    with psycopg.connect(f"{PG_DSN}/{database}") as conn:
        cur = conn.execute(statement, params)
        return list(cur.fetchall()) if cur.description else []
