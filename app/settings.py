"""Settings for each Reyon process, read from `REYON_*` environment variables and `.env`."""

from __future__ import annotations

import contextlib
import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.qr.keys import KeyRing

VAR_DIR = Path("var")


class ApiSettings(BaseSettings):
    """The central commerce API (`reyon api`, `reyon seed`)."""

    model_config = SettingsConfigDict(env_prefix="REYON_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{VAR_DIR / 'reyon.db'}",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs bearer tokens and server-made QR tokens. Every API process behind one "
        "load balancer must share it. When unset, one is generated once into var/secret.key.",
    )
    token_ttl_minutes: int = 12 * 60
    timezone: str = "Europe/Istanbul"
    max_body_bytes: int = 256 * 1024
    db_pool_size: int = 10
    db_max_overflow: int = 10
    # Shown in PostgreSQL's pg_stat_activity; name each API host or process group apart.
    db_application_name: str = "reyon-api"
    reservation_hold_hours: int = 48
    idempotency_ttl_hours: int = 48
    idempotency_stale_seconds: int = 60
    redis_url: str | None = Field(
        default=None,
        description="Redis for counters every API process shares (rate limits): set it when "
        "more than one process serves. Unset: each process counts in its own memory.",
    )
    login_limit_per_client: str = Field(
        default="20/minute", description="Log-in attempts per client address (limits syntax)."
    )
    login_limit_per_device: str = Field(
        default="10/minute", description="Log-in attempts per tablet (its device id)."
    )
    shelf_scan_limit_per_client: str = Field(
        default="30/minute",
        description="New phones (no Reyon cookie yet) whose shelf scans are recorded, per "
        "client address; a phone with its cookie counts once per label in 30 minutes.",
    )

    @field_validator(
        "login_limit_per_client", "login_limit_per_device", "shelf_scan_limit_per_client"
    )
    @classmethod
    def _a_rate(cls, value: str) -> str:
        # Refused at start-up, not at the first log-in (limits syntax: "10/minute").
        from limits import parse

        parse(value)
        return value

    pin_max_failures: int = 5
    pin_lock_minutes: int = 15
    visit_grant_hours: int = 4
    demo_mode: bool = False
    qr_keys: dict[str, SecretStr] | None = Field(
        default=None,
        description="QR key ring as JSON, key id (one letter A-Z or digit 2-7) to secret: "
        '{"A": "...", "B": "..."}. Codes name their key, so old keys keep verifying while '
        "they stay here. When unset, key A is derived from the secret key.",
    )
    qr_active_key: str | None = Field(
        default=None, description="The key id that signs new codes (default: the last id)."
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where customers' phones reach the storefront pages (/p/..., /pay/...): "
        "printed into shelf labels and pay links. HTTPS in production.",
    )
    brand_app_key: SecretStr | None = Field(
        default=None,
        description="Bearer credential of the brand app's backend for /v1/brand/... (device "
        "keys, coupon codes). Unset: those endpoints refuse every call.",
    )
    identity_code_keep_minutes: int = 10
    changelog_keep_days: int = Field(
        default=7,
        ge=1,
        description="Housekeeping deletes older change-log rows; a tablet further behind gets "
        "must_refetch and takes a fresh snapshot.",
    )
    device_customer_keep_days: int = Field(
        default=30,
        ge=1,
        description="A tablet stops getting a customer's changes this long after it last "
        "opened or identified them.",
    )
    housekeeping_interval_seconds: float = 60.0

    def key_ring(self) -> KeyRing:
        if self.qr_keys:
            secrets_ = {k: v.get_secret_value().encode() for k, v in self.qr_keys.items()}
            return KeyRing(secrets_, self.qr_active_key or sorted(secrets_)[-1])
        return KeyRing({"A": self.signing_key()}, "A")

    def signing_key(self) -> bytes:
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        return _local_secret()


@lru_cache(maxsize=1)
def _local_secret() -> bytes:
    """A per-machine secret for trying Reyon without configuring one.

    Kept in var/ so that several API processes on one machine (and restarts) agree.
    """
    path = VAR_DIR / "secret.key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        tmp = VAR_DIR / f"secret.key.{os.getpid()}.tmp"
        tmp.write_text(secrets.token_urlsafe(48))
        # link() fails if another process won the race; then everyone reads the winner's key.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
        tmp.unlink()
    return path.read_text().strip().encode()


class TabletSettings(BaseSettings):
    """The tablet app (`reyon tablet`, and `app/main.py` in a packaged build)."""

    model_config = SettingsConfigDict(env_prefix="REYON_TABLET_", env_file=".env", extra="ignore")

    api_url: str = Field(
        default="http://127.0.0.1:8000",
        # REYON_API_URL too: the name the build scripts and packaged apps use.
        validation_alias=AliasChoices("REYON_TABLET_API_URL", "REYON_API_URL"),
        description="The central API; the address saved in the app's settings wins.",
    )
    data_dir: Path = Field(
        default=VAR_DIR / "tablet",
        description="Where the offline cache lives: one SQLite file per tablet (device id).",
    )
    customer_keep_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="Customers opened on this tablet are forgotten this long after (KVKK).",
    )
    sync_seconds: float = Field(
        default=5.0, ge=1.0, le=300.0, description="How often the cache syncs while online."
    )


@lru_cache(maxsize=1)
def get_api_settings() -> ApiSettings:
    return ApiSettings()
