"""Which customers each tablet holds, so that the change feed sends a customer's changes only to
the tablets that have that customer in their offline cache: personal data goes no further
than it must, and a tablet does not download every customer's notes and orders.

A tablet holds a customer from the moment it opens their single customer view or identifies
them by QR code, until housekeeping forgets the pair after `device_customer_keep_days` without
another opening. Tablets are told apart by the device id they log in with (the token's `dev`).
"""

from __future__ import annotations

import logging
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


def note_opened(db: Database, *, device_id: str, customer_id: int) -> None:
    """`hold_customer` in its own short write after a read-only request (the single customer
    view). Never raises: the associate already has the view, and a lost refresh only means the
    tablet's copy of this customer may lag until the next opening."""
    try:
        with db.write() as session:
            hold_customer(session, device_id=device_id, customer_id=customer_id)
    except Exception:
        log.exception("could not record that device %r opened customer %s", device_id, customer_id)


def held_customers(device_id: str) -> Select[tuple[int]]:
    """The customer ids a tablet holds, as a subquery for the change feed."""
    return select(_HELD.c.customer_id).where(_HELD.c.device_id == device_id)


def forget_idle(session: Session, *, opened_before: datetime) -> int:
    """Forget every pair not opened since `opened_before`; how many were forgotten."""
    result = session.execute(delete(_HELD).where(_HELD.c.last_opened_at < opened_before))
    return int(getattr(result, "rowcount", 0) or 0)
