"""Associates who logged in on this tablet, for logging in again while the Wi-Fi is down, and
for sending their queued work with their own session when it is back.

Only a slow salted hash of the PIN is kept (scrypt, as on the server); wrong PINs lock out
here as they do on the server, with the same rule (app/domain/lockout.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlmodel import col

from app.contracts.auth import LoginResponse
from app.domain import lockout
from app.domain.pins import hash_pin, verify_pin
from app.tablet.cache.engine import aware, utcnow
from app.tablet.cache.models import KnownAssociate
from app.tablet.cache.store import Cache
from app.tablet.problem import OfflineLoginError

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
# Logging in offline needs an online log-in on this tablet this recently: someone deactivated
# at head office cannot go on giving discounts offline for ever.
OFFLINE_LOGIN_DAYS = timedelta(days=7)


class People:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    def remember(self, store_code: str, pin: str, session: LoginResponse) -> None:
        """After an online log-in: this associate may log in here offline next time."""
        code = session.associate.code
        with self.cache.write() as conn:
            conn.execute(
                text(
                    "INSERT INTO associate(store_code, associate_code, pin_hash, failed_pins, "
                    "session, last_login_at) VALUES (:s, :c, :h, 0, :j, :t) "
                    "ON CONFLICT(store_code, associate_code) DO UPDATE SET "
                    "pin_hash = excluded.pin_hash, failed_pins = 0, "
                    "failed_window_started_at = NULL, locked_until = NULL, "
                    "session = excluded.session, last_login_at = excluded.last_login_at"
                ),
                {
                    "s": store_code,
                    "c": code,
                    "h": hash_pin(pin),
                    "j": session.model_dump_json(),
                    "t": utcnow(),
                },
            )

    def _row(self, store_code: str, associate_code: str) -> KnownAssociate | None:
        with self.cache.read() as conn:
            row = (
                conn.execute(
                    select(KnownAssociate.__table__).where(  # type: ignore[attr-defined]
                        col(KnownAssociate.store_code) == store_code,
                        col(KnownAssociate.associate_code) == associate_code,
                    )
                )
                .mappings()
                .first()
            )
        return KnownAssociate.model_validate(dict(row)) if row else None

    def log_in(
        self, store_code: str, associate_code: str, pin: str, now: datetime | None = None
    ) -> LoginResponse:
        """The last session of an associate who logged in here before, if the PIN is theirs.
        Its token may have run out: the tablet then works from the cache and queues, and the
        queue waits for their next online log-in."""
        now = now or utcnow()
        known = self._row(store_code, associate_code)
        if known is None:
            raise OfflineLoginError("unknown")
        state = lockout.PinState(
            known.failed_pins,
            aware(known.failed_window_started_at) if known.failed_window_started_at else None,
            aware(known.locked_until) if known.locked_until else None,
        )
        if lockout.is_locked(state, now):
            raise OfflineLoginError("locked")
        if now - aware(known.last_login_at) > OFFLINE_LOGIN_DAYS:
            raise OfflineLoginError("too_old")
        if not verify_pin(pin, known.pin_hash):
            after = lockout.after_failure(
                state, now, max_failures=MAX_FAILURES, window=WINDOW, lock=LOCK
            )
            self._save(store_code, associate_code, after)
            raise OfflineLoginError("locked" if after.locked_until else "wrong_pin")
        self._save(store_code, associate_code, lockout.after_success())
        return LoginResponse.model_validate_json(known.session)

    def _save(self, store_code: str, associate_code: str, state: lockout.PinState) -> None:
        with self.cache.write() as conn:
            conn.execute(
                text(
                    "UPDATE associate SET failed_pins = :f, failed_window_started_at = :w, "
                    "locked_until = :l WHERE store_code = :s AND associate_code = :c"
                ),
                {
                    "f": state.failures,
                    "w": state.window_started_at,
                    "l": state.locked_until,
                    "s": store_code,
                    "c": associate_code,
                },
            )

    def expire(self, store_code: str, associate_code: str) -> None:
        """The API refused this associate's token (signed out, secret rotated): it is not
        offered again until they log in online."""
        known = self._row(store_code, associate_code)
        if known is None:
            return
        session = LoginResponse.model_validate_json(known.session)
        session.expires_at = utcnow() - timedelta(seconds=1)
        with self.cache.write() as conn:
            conn.execute(
                text(
                    "UPDATE associate SET session = :j "
                    "WHERE store_code = :s AND associate_code = :c"
                ),
                {"j": session.model_dump_json(), "s": store_code, "c": associate_code},
            )

    def token_for(self, store_code: str, associate_code: str) -> str | None:
        """A session token of this associate that has not run out, to send their commands."""
        known = self._row(store_code, associate_code)
        if known is None:
            return None
        session = LoginResponse.model_validate_json(known.session)
        if aware(session.expires_at) <= utcnow() + timedelta(seconds=30):
            return None
        return session.access_token
