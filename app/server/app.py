"""The central commerce API: one FastAPI app, routers aggregated here."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.resources
import logging
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import delete, text
from sqlmodel import col
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import app.server.models  # noqa: F401  (every table registered before first use)
from app import __version__
from app.contracts.common import PROBLEM_MEDIA_TYPE
from app.contracts.sync import Health
from app.server import errors
from app.server.auth.gate import SessionGate
from app.server.auth.routes import router as auth_router
from app.server.brand.orders import router as brand_orders_router
from app.server.brand.routes import router as brand_router
from app.server.catalog.directory import LocationDirectory
from app.server.catalog.routes import router as catalog_router
from app.server.clienteling.look_booking_routes import router as look_appointment_router
from app.server.clienteling.routes import router as clienteling_router
from app.server.customer_view.routes import router as customer_view_router
from app.server.customers.identity import purge_used_codes
from app.server.customers.routes import router as customers_router
from app.server.db import Database, make_engine, utcnow
from app.server.deps import DbDep, current_principal
from app.server.devices.routes import router as devices_router
from app.server.idempotency.models import IdempotencyRecord
from app.server.inventory.routes import router as inventory_router
from app.server.inventory.transfer_routes import router as transfers_router
from app.server.media.routes import router as media_router
from app.server.messaging.service import Messaging
from app.server.orders import fulfilment_notices
from app.server.orders.fulfilment_routes import brand_router as pickup_code_router
from app.server.orders.fulfilment_routes import router as pickups_router
from app.server.orders.routes import router as orders_router
from app.server.orders.service import expire_holds
from app.server.outreach.routes import router as outreach_router
from app.server.promotions.routes import router as promotions_router
from app.server.ratelimit import RateLimits
from app.server.recommend.routes import router as recommend_router
from app.server.reports.routes import router as reports_router
from app.server.request_log import RequestLog, configure_logging
from app.server.returns.routes import router as returns_router
from app.server.scanning.routes import router as scanning_router
from app.server.slow_clients import BodyTimeout
from app.server.snapshots.routes import router as snapshots_router
from app.server.storefront.look_routes import router as look_page_router
from app.server.storefront.routes import router as storefront_router
from app.server.sync import scope as sync_scope
from app.server.sync import service as sync_service
from app.server.sync.changelog import NUMBER_BATCH, number_committed
from app.server.sync.routes import router as sync_router
from app.settings import ApiSettings, get_api_settings

log = logging.getLogger("reyon.api")


class BodyLimit:
    """Refuse a declared Content-Length over the limit with 413 problem+json before reading a
    byte. Bodies streamed without a length are counted by FastAPI's own `max_body_size`, whose
    413 goes through our problem handler."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"content-length" and (
                    not value.isdigit() or int(value) > self.max_bytes
                ):
                    await self._refuse(send)
                    return
        await self.app(scope, receive, send)

    async def _refuse(self, send: Send) -> None:
        err = errors.ApiError(
            413,
            "payload-too-large",
            "Request body too large",
            f"Bodies are limited to {self.max_bytes} bytes.",
        )
        body = errors.problem_response(err).body
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class ServerTiming:
    """`Server-Timing: app;dur=<ms>`: the time spent inside the API, which the benchmark reads
    to report server time apart from the client and the network."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - start) * 1000
                message["headers"] = [
                    *message.get("headers", []),
                    (b"server-timing", f"app;dur={ms:.3f}".encode()),
                ]
            await send(message)

        await self.app(scope, receive, timed_send)


PRUNE_BATCH = 10_000


def housekeeping(
    db: Database, settings: ApiSettings, messaging: Messaging | None = None
) -> dict[str, int]:
    """Expire unclaimed in-store holds; send the "ready to collect" notices that waited (for
    consent, or for a sender that was down); forget old idempotency keys, identity-code uses
    and which tablet holds which customer; prune the change log."""
    with db.write() as session:
        expired = expire_holds(session)
    # Every API process runs this: each notice is claimed before it is sent, so none twice.
    notices = fulfilment_notices.send_pending(db, messaging) if messaging is not None else 0
    with db.write() as session:
        cutoff = utcnow() - timedelta(hours=settings.idempotency_ttl_hours)
        purged = session.execute(
            delete(IdempotencyRecord).where(col(IdempotencyRecord.created_at) < cutoff)
        ).rowcount  # type: ignore[attr-defined]
    with db.write() as session:
        keep = timedelta(minutes=settings.identity_code_keep_minutes)
        purged_codes = purge_used_codes(session, keep)
    with db.write() as session:
        idle = utcnow() - timedelta(days=settings.device_customer_keep_days)
        forgotten = sync_scope.forget_idle(session, opened_before=idle)
    # In batches, each its own short write: the first pruning of a long log must not hold
    # SQLite's one writer lock (or PostgreSQL row locks) for long.
    # Rows no tablet has read yet are numbered first: pruning goes by number.
    while number_committed(db) == NUMBER_BATCH:
        pass
    pruned = 0
    changes_cutoff = utcnow() - timedelta(days=settings.changelog_keep_days)
    while True:
        with db.write() as session:
            batch = sync_service.prune_changes(
                db_session=session, cutoff=changes_cutoff, max_rows=PRUNE_BATCH
            )
        pruned += batch
        if batch < PRUNE_BATCH:
            break
    return {
        "expired_holds": expired,
        "sent_notices": notices,
        "purged_keys": purged,
        "purged_identity_codes": purged_codes,
        "forgotten_device_customers": forgotten,
        "pruned_changes": pruned,
    }


async def _housekeeping_loop(db: Database, settings: ApiSettings) -> None:
    messaging = Messaging.from_settings(settings)
    while True:
        await asyncio.sleep(settings.housekeeping_interval_seconds)
        try:
            await run_in_threadpool(housekeeping, db, settings, messaging)
        except Exception:  # keep the loop alive; the next round retries
            log.exception("housekeeping failed")


def _serve_docs_offline(app: FastAPI) -> None:
    """/docs with Swagger UI 5 (it renders OpenAPI 3.1) from a pinned package, not a CDN."""
    static = importlib.resources.files("swagger_ui") / "static"
    app.mount("/docs-static", StaticFiles(directory=str(static)), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Reyon commerce API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon-32x32.png",
        )


def create_app(settings: ApiSettings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_api_settings()
    # Here rather than in `reyon api`: however the app is served (uvicorn --factory, the
    # tests, another ASGI server), its lines are the same.
    configure_logging(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = database or Database(
            make_engine(
                settings.database_url,
                pool_size=settings.db_pool_size,
                max_overflow=settings.db_max_overflow,
                application_name=settings.db_application_name,
            )
        )
        app.state.db = db
        app.state.session_gate = SessionGate(db, settings.session_recheck_seconds)
        app.state.opened_customers = sync_scope.OpenedCustomers(db)
        task = asyncio.create_task(_housekeeping_loop(db, settings))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            if database is None:
                db.dispose()

    app = FastAPI(
        title="Reyon commerce API",
        version=__version__,
        summary="Endless aisle and clienteling for omnichannel retail",
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
        docs_url=None,  # served below from local files: stores and CI have no CDN
        redoc_url=None,
    )
    _serve_docs_offline(app)
    app.state.settings = settings
    app.state.signing_key = settings.signing_key()
    app.state.key_ring = settings.key_ring()
    app.state.locations = LocationDirectory()
    app.state.rate_limits = RateLimits(settings.redis_url)
    if database is not None:
        app.state.db = database
        app.state.session_gate = SessionGate(database, settings.session_recheck_seconds)
        app.state.opened_customers = sync_scope.OpenedCustomers(database)

    errors.install(app)

    public = APIRouter(tags=["health"])

    @public.get("/v1/health", response_model=Health)
    def health(db: DbDep) -> dict[str, Any]:
        with db.session() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok", "database": db.dialect, "version": __version__}

    # The tablets' routers first, the busiest first (every tablet asks for the change feed every
    # few seconds; then stock, the customer, orders): FastAPI 0.165 tries a request's path
    # against the routes in turn, about 20,000 instructions each: walking all hundred cost
    # 2.1 M, nearly as much as an availability answer's own work (2.7 M). No path of one
    # route is taken by another (tests/unit/test_route_order.py).
    protected: list[APIRouter] = [
        sync_router,
        inventory_router,
        customer_view_router,
        orders_router,
        catalog_router,
        customers_router,
        transfers_router,
        pickups_router,
        promotions_router,
        snapshots_router,
        scanning_router,
        reports_router,
        returns_router,
        outreach_router,
        clienteling_router,
        recommend_router,
    ]
    for router in protected:
        app.include_router(router, dependencies=[Depends(current_principal)])
    app.include_router(public)
    app.include_router(auth_router)
    app.include_router(devices_router)  # enrolling a tablet needs no log-in (it has none yet)
    app.include_router(storefront_router)  # customers' phones: no associate log-in
    app.include_router(look_page_router)  # a look's page and opt-out: the signed link is the key
    app.include_router(look_appointment_router)  # booking from a look's page: the same key
    app.include_router(media_router)  # product pictures: public, no customer data
    app.include_router(brand_router)  # the brand app's backend, with its own credential
    app.include_router(brand_orders_router)  # web and app orders, the same credential
    app.include_router(pickup_code_router)  # pickup codes for the app, the same credential
    if settings.demo_mode:
        from app.server.demo.routes import router as demo_router

        app.include_router(demo_router)

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(BodyTimeout, timeout_s=settings.body_timeout_s)
    app.add_middleware(ServerTiming)
    # Outermost of ours: the 413 above and every other answer get the id and an access line.
    app.add_middleware(RequestLog)
    return app
