"""Fixtures: a real database (SQLite file, and PostgreSQL where it runs), the real API in its
own process on loopback, and the small shared world from tests/factories.py."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from app.contracts.devices import DeviceCredential
from app.server.db import Database, make_engine
from app.server.migrate import upgrade
from app.server.request_log import HANDLER_NAME
from tests import factories
from tests.factories import Base, build_base
from tests.server import HANG_S, ApiProcess, start_api

PG_ADMIN_URL = os.environ.get(
    "REYON_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(autouse=True)
def _no_hidden_tablet_failures(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """The tablet's error boundary keeps a failing action from breaking the app; in a test it
    must not hide a bug either: an action that failed fails the test (unless the test is about
    the boundary itself)."""
    yield
    if request.node.get_closest_marker("tablet_failure_expected"):
        return
    failed = [
        r.getMessage()
        for r in caplog.get_records("call")
        if r.name == "reyon.tablet" and r.levelname == "ERROR"
    ]
    assert not failed, f"a tablet action failed inside the error boundary: {failed}"


def _postgres_problem() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}"


def _need_postgres() -> None:
    problem = _postgres_problem()
    if problem is None:
        return
    if IN_CI:
        pytest.fail(f"{problem} (PostgreSQL tests are mandatory in CI)")
    pytest.skip(problem)


@pytest.fixture(scope="session")
def fresh_database(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A factory of empty, migrated databases of either kind; dropped at the end."""
    created: list[str] = []

    def make(kind: str) -> str:
        if kind == "sqlite":
            path = tmp_path_factory.mktemp("db") / "reyon.db"
            url = f"sqlite:///{path}"
        else:
            _need_postgres()
            name = f"reyon_t_{uuid.uuid4().hex[:12]}"
            admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            created.append(name)
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        upgrade(url)
        return url

    yield make

    if created:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class World:
    """A running API over a database holding the shared base data."""

    kind: str
    url: str
    database_url: str
    db: Database
    base: Base
    api: ApiProcess
    log_dir: Path
    _tokens: dict[str, str] = field(default_factory=dict)
    _tablets: dict[str, DeviceCredential] = field(default_factory=dict)

    def tablet(self, store: str = "IST01") -> DeviceCredential:
        """The enrolled tablet the tests of `store` share (make a new one with
        factories.tablet where a test needs a tablet of its own)."""
        if store not in self._tablets:
            self._tablets[store] = factories.tablet(self.db, store)
        return self._tablets[store]

    def login(self, associate: str, *, store: str | None = None, **kw) -> httpx.Response:  # type: ignore[no-untyped-def]
        store = store or ("ANK01" if associate.startswith("t-ank") else "IST01")
        return httpx.post(
            f"{self.url}/v1/auth/login",
            json=factories.login_body(self.tablet(store), associate, **kw),
            timeout=HANG_S,
        )

    def client(self, associate: str | None = "t-associate", **kw) -> httpx.Client:  # type: ignore[no-untyped-def]
        headers = {}
        if associate is not None:
            headers["Authorization"] = f"Bearer {self.token(associate)}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=HANG_S, **kw)

    def token(self, associate: str) -> str:
        if associate not in self._tokens:
            r = self.login(associate)
            r.raise_for_status()
            self._tokens[associate] = r.json()["access_token"]
        return self._tokens[associate]


def _world(kind: str, fresh_database, tmp_path_factory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    database_url = fresh_database(kind)
    db = Database(make_engine(database_url, pool_size=5))
    base = build_base(db)
    log_dir = tmp_path_factory.mktemp(f"api-{kind}")
    api = start_api(database_url, log_dir=log_dir)
    try:
        yield World(
            kind=kind,
            url=api.url,
            database_url=database_url,
            db=db,
            base=base,
            api=api,
            log_dir=log_dir,
        )
    finally:
        api.stop()
        db.dispose()


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(request, fresh_database, tmp_path_factory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """Every test using this runs on SQLite and on PostgreSQL."""
    yield from _world(request.param, fresh_database, tmp_path_factory)


@dataclass
class DemoWorld:
    """The API over the seeded demo retailer (what `make demo` serves)."""

    kind: str
    url: str
    database_url: str
    api: ApiProcess
    tablet: DeviceCredential

    def token(self, associate: str = "demo-manager") -> str:
        r = httpx.post(
            f"{self.url}/v1/auth/login",
            json=factories.login_body(self.tablet, associate, pin="1234"),
            timeout=HANG_S,
        )
        r.raise_for_status()
        return str(r.json()["access_token"])


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def demo_world(request, fresh_database, tmp_path_factory) -> Iterator[DemoWorld]:  # type: ignore[no-untyped-def]
    from app.server.seed import seed

    database_url = fresh_database(request.param)
    seed(database_url, "demo", progress=lambda _: None)
    api = start_api(database_url, log_dir=tmp_path_factory.mktemp(f"demo-{request.param}"))
    try:
        db = Database(make_engine(database_url, pool_size=1))
        try:
            tablet = factories.tablet(db, "IST01", name="Demo tablet")
        finally:
            db.dispose()
        yield DemoWorld(
            kind=request.param, url=api.url, database_url=database_url, api=api, tablet=tablet
        )
    finally:
        api.stop()


@pytest.fixture(scope="session")
def pg_world(fresh_database, tmp_path_factory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    yield from _world("postgres", fresh_database, tmp_path_factory)


@pytest.fixture
def our_logging() -> Iterator[None]:
    """create_app sets up logging in this process too: undone afterwards."""
    names = ("reyon", "uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {n: (logging.getLogger(n).level, logging.getLogger(n).propagate) for n in names}
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
    for n, (level, propagate) in saved.items():
        logging.getLogger(n).setLevel(level)
        logging.getLogger(n).propagate = propagate
    logging.captureWarnings(False)
