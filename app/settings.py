"""Settings for each Reyon process, read from `REYON_*` environment variables and `.env`."""

from __future__ import annotations

import contextlib
import os
import secrets
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.domain.loyalty import EarnAt
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
    # Slow clients (app/server/slow_clients.py); the reverse proxy in front has its own.
    header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="A request's line and headers must arrive within this many seconds of the "
        "connection opening (or of the request's first byte); slower ones are closed.",
    )
    body_timeout_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="A request's whole body must arrive within this many seconds of its "
        "headers; slower ones get 408 and are closed.",
    )
    max_connections: int = Field(
        default=1000,
        ge=1,
        description="Open connections per API process; a request arriving over it gets 503.",
    )
    db_pool_size: int = 10
    db_max_overflow: int = 10
    # Shown in PostgreSQL's pg_stat_activity; name each API host or process group apart.
    db_application_name: str = "reyon-api"
    reservation_hold_hours: int = 48
    loyalty_earn_at: EarnAt = Field(
        default=EarnAt.PAID,
        description="When an order's loyalty points can be spent: paid (the default), "
        "collected or delivered (either: the goods in the customer's hands). Until then they "
        "show as pending; a cancelled order drops them.",
    )

    @field_validator("loyalty_earn_at", mode="before")
    @classmethod
    def _earn_at_any_case(cls, value: object) -> object:
        # REYON_LOYALTY_EARN_AT=Paid works, an empty value means the default; anything but
        # the three is refused at start-up.
        if not isinstance(value, str):
            return value
        return value.strip().lower() or EarnAt.PAID

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
    enrol_limit_per_client: str = Field(
        default="10/minute",
        description="Tablet enrolment attempts (one-time codes) per client address.",
    )
    session_recheck_seconds: float = Field(
        default=5.0,
        ge=0,
        le=300,
        description="How long an API process trusts that a session is still open before it "
        "asks the database again: a log-out, deactivation or revoked tablet made through "
        "another process takes effect within this time (through the same process at once).",
    )
    shelf_scan_limit_per_client: str = Field(
        default="30/minute",
        description="New phones (no Reyon cookie yet) whose shelf scans are recorded, per "
        "client address; a phone with its cookie counts once per label in 30 minutes.",
    )

    @field_validator(
        "login_limit_per_client",
        "login_limit_per_device",
        "enrol_limit_per_client",
        "shelf_scan_limit_per_client",
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
    log_format: Literal["json", "text"] | None = Field(
        default=None,
        description="json: one JSON object per line on stderr, for a log shipper (the "
        "default); text: one readable line each (the default with REYON_DEMO_MODE).",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] | None = Field(
        default=None,
        description="Reyon's loggers; INFO has an access line per request. Default INFO "
        "(WARNING with REYON_DEMO_MODE: security events and errors only).",
    )

    @field_validator("log_format", "log_level", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        # REYON_LOG_LEVEL=info works as well as INFO; an empty value means the default.
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return None
        return text.lower() if text.lower() in ("json", "text") else text.upper()

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
    # A consent code costs a text message and disturbs the customer: few per customer, and an
    # associate cannot spray codes over a whole customer list.
    consent_challenge_limit_per_customer: str = Field(
        default="3/15minutes", description="Consent codes sent to one customer (limits syntax)."
    )
    consent_challenge_limit_per_associate: str = Field(
        default="30/hour", description="Consent codes one associate has sent."
    )

    @field_validator(
        "consent_challenge_limit_per_customer", "consent_challenge_limit_per_associate"
    )
    @classmethod
    def _a_consent_rate(cls, value: str) -> str:
        from limits import parse

        parse(value)  # refused at start-up, not when the first code is asked for
        return value

    # Consent codes (and, later, clienteling outreach) go out by e-mail and SMS; see
    # app/server/messaging.
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server for e-mail. Unset: sending e-mail answers 503 "
        "messaging-unavailable (SMS still works).",
    )
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_from: str | None = Field(
        default=None, description='Sender, "Reyon <noreply@example.com>"; needed with a host.'
    )
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = Field(
        default=True, description="Upgrade to TLS before anything is sent (off: a local relay)."
    )
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    sms_provider: Literal["file"] = Field(
        default="file",
        description="Who sends text messages. file: appended as JSON lines to the outbox file "
        "(what the demo and the tests read); any other name refuses to start.",
    )
    sms_outbox_file: Path = Field(
        default=VAR_DIR / "sms-outbox.jsonl", description="The file provider's outbox."
    )

    @field_validator("smtp_host", "smtp_from", "smtp_user", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # REYON_SMTP_HOST= in an env file means "no SMTP", not a host named "".
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _smtp_complete(self) -> ApiSettings:
        # Refused at start-up, not at the first e-mail a customer waits for.
        if self.smtp_host is not None:
            if self.smtp_from is None or "@" not in parseaddr(self.smtp_from)[1]:
                raise ValueError("REYON_SMTP_FROM (an e-mail address) is needed with SMTP_HOST")
            if (self.smtp_user is None) != (self.smtp_password is None):
                raise ValueError("REYON_SMTP_USER and REYON_SMTP_PASSWORD go together")
        return self

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
    worker_poll_seconds: float = Field(
        default=5.0,
        gt=0,
        le=3600,
        description="How often `reyon worker` looks for messages to send (a round that finds "
        "a full batch starts the next at once).",
    )
    task_generation_minutes: float = Field(
        default=15.0,
        gt=0,
        le=24 * 60,
        description="How often `reyon worker` makes the follow-up tasks the data calls for "
        "(after a purchase, a birthday, a cart left online, ...); each is made once however "
        "many workers run.",
    )
    recommendation_minutes: float = Field(
        default=60.0,
        ge=5,  # a worker leaves the table alone when another learnt it 5 minutes ago
        le=7 * 24 * 60,
        description="How often `reyon worker` learns again what is bought together from the "
        'order history (the tablet\'s "complete the look" and "for this customer"); one '
        "worker does it at a time.",
    )
    demo_mail_dir: Path = Field(
        default=VAR_DIR / "demo-mail",
        description="`reyon demo` only: its SMTP server keeps every message here as an .eml "
        "file, shown at /demo/mail.",
    )

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
