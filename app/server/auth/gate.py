"""Is the session behind a token still open? Checked on every authenticated request.

A token stays valid until it expires, so log-out, deactivating an associate and revoking a
tablet are recorded in the database, and each API process asks it. Asking on every request
would add a round trip to the hot paths (stock, scans), so each process remembers an open
session for `recheck_seconds`: an end made through this process is seen at once, one made
through another process within that many seconds."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select
from sqlmodel import col

from app.server.auth.models import Associate, AuthSession
from app.server.db import Database, utcnow
from app.server.devices.models import Device

# Enough for every associate of a large chain at once; past it the memory starts over
# (each session then costs one query again), it never grows without bound.
MAX_REMEMBERED = 50_000


class SessionGate:
    def __init__(self, db: Database, recheck_seconds: float) -> None:
        self._db = db
        self._recheck = recheck_seconds
        self._open_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def known_open(self, session_id: str) -> bool:
        """Open by what this process remembers (checked less than `recheck_seconds` ago):
        the answer for nearly every request, without the database."""
        until = self._open_until.get(session_id)
        return until is not None and time.monotonic() < until

    def is_open(self, session_id: str) -> bool:
        now = time.monotonic()
        until = self._open_until.get(session_id)
        if until is not None and now < until:
            return True
        open_ = self._ask(session_id)
        with self._lock:
            if not open_:
                self._open_until.pop(session_id, None)
            else:
                if len(self._open_until) >= MAX_REMEMBERED:
                    self._open_until.clear()
                self._open_until[session_id] = now + self._recheck
        return open_

    def forget(self, session_id: str | None = None) -> None:
        """A session (or every session: after a deactivation or a revoked tablet) ended
        through this process: ask the database next time."""
        with self._lock:
            if session_id is None:
                self._open_until.clear()
            else:
                self._open_until.pop(session_id, None)

    def _ask(self, session_id: str) -> bool:
        with self._db.session() as session:
            row = session.execute(
                select(
                    col(AuthSession.ended_at),
                    col(AuthSession.expires_at),
                    col(Associate.active),
                    col(Device.revoked_at),
                )
                .join(Associate, col(Associate.id) == col(AuthSession.associate_id))
                .join(Device, col(Device.id) == col(AuthSession.device_id))
                .where(col(AuthSession.id) == session_id)
            ).first()
        if row is None:
            return False
        ended_at, expires_at, active, revoked_at = row
        return ended_at is None and revoked_at is None and bool(active) and expires_at > utcnow()
