"""Which customers each tablet holds, so that the change feed sends a customer's changes only to
the tablets that have that customer in their offline cache: personal data goes no further
than it must, and a tablet does not download every customer's notes and orders.

A tablet holds a customer from the moment it opens their single customer view or identifies
them by QR code, until housekeeping forgets the pair after `device_customer_keep_days` without
another opening. Tablets are told apart by the device id they log in with (the token's `dev`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Select, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from app.server.db import Database, core_table, utcnow
from app.server.sync.models import DeviceCustomer

log = logging.getLogger("reyon.api")
_HELD = core_table(DeviceCustomer)


def hold_customer(
    session: Session, *, device_id: str, customer_id: int, at: datetime | None = None
) -> None:
    """This tablet holds the customer (again) as of `at`: one INSERT ... ON CONFLICT DO UPDATE,
    so concurrent openings on several API processes never collide."""
    dialect_insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    stmt = dialect_insert(_HELD).values(
        device_id=device_id, customer_id=customer_id, last_opened_at=at or utcnow()
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["device_id", "customer_id"],
            set_={"last_opened_at": stmt.excluded.last_opened_at},
        )
    )


def note_opened(db: Database, *, device_id: str, customer_id: int) -> bool:
    """`hold_customer` in its own short write after a read-only request (the single customer
    view); whether it was written. Never raises: the associate already has the view, and a lost
    refresh only means the tablet's copy of this customer may lag until the next opening."""
    try:
        with db.write() as session:
            hold_customer(session, device_id=device_id, customer_id=customer_id)
    except Exception:
        log.exception("could not record that device %r opened customer %s", device_id, customer_id)
        return False
    return True


# The opening's date only tells housekeeping when to forget the pair, `device_customer_keep_days`
# (at least one day) later: a refresh up to this late changes nothing a tablet receives.
RENOTE_SECONDS = 300.0
MAX_NOTED = 10_000  # a bound on memory; forgetting them all only costs a write each


class OpenedCustomers:
    """The pairs this API process wrote lately, so that a tablet opening the same customer
    again within `RENOTE_SECONDS` writes nothing and the single customer view stays a read.
    The write was a transaction of its own, with a commit that waits for the disk, on every
    opening; associates reopen the customer in front of them many times in a visit."""

    def __init__(
        self,
        db: Database,
        renote_seconds: float = RENOTE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._renote = renote_seconds
        self._clock = clock
        self._noted: dict[tuple[str, int], float] = {}

    def note(self, *, device_id: str, customer_id: int) -> None:
        pair = (device_id, customer_id)
        now = self._clock()
        noted = self._noted.get(pair)
        if noted is not None and now - noted < self._renote:
            return
        if note_opened(self._db, device_id=device_id, customer_id=customer_id):
            if len(self._noted) >= MAX_NOTED:
                self._noted = {}  # a new dict, not clear(): other threads may be reading it
            self._noted[pair] = now


def held_customers(device_id: str) -> Select[tuple[int]]:
    """The customer ids a tablet holds, as a subquery for the change feed."""
    return select(_HELD.c.customer_id).where(_HELD.c.device_id == device_id)


def forget_idle(session: Session, *, opened_before: datetime) -> int:
    """Forget every pair not opened since `opened_before`; how many were forgotten."""
    result = session.execute(delete(_HELD).where(_HELD.c.last_opened_at < opened_before))
    return int(getattr(result, "rowcount", 0) or 0)
