"""The customers this tablet holds: kept, shown offline as the API would, amended, forgotten."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, select, text, update
from sqlmodel import col

from app.contracts.customers import CustomerView
from app.tablet.cache.engine import CacheBase, aware, utcnow
from app.tablet.cache.models import CachedCustomer

# How long a customer who scanned their QR may be shown from the cache: the API's visit grant.
VISIT_HOURS = timedelta(hours=4)


class CacheCustomers(CacheBase):
    def keep_customer(
        self, view: CustomerView, *, opened: bool = True, conn: Connection | None = None
    ) -> None:
        """opened: an associate opened them now (the retention period starts again); a
        refresh from the feed keeps the time they were last opened."""
        values = {"i": view.profile.id, "v": view.model_dump_json(), "t": utcnow()}
        keep_time = "excluded.opened_at" if opened else "customer.opened_at"
        statement = text(
            "INSERT INTO customer(id, view, opened_at, stale) VALUES (:i, :v, :t, 0) "
            f"ON CONFLICT(id) DO UPDATE SET view = excluded.view, opened_at = {keep_time}, "
            "stale = 0"
        )
        if conn is not None:
            conn.execute(statement, values)
            return
        with self.write() as c:
            c.execute(statement, values)

    def customer(self, customer_id: int, *, allowed_offline: bool = False) -> CustomerView | None:
        """allowed_offline: only what the API would show now: a customer with standing
        consent, or one identified by QR whose visit is not over (VISIT_HOURS)."""
        with self.read() as conn:
            row = conn.execute(
                select(col(CachedCustomer.view), col(CachedCustomer.opened_at)).where(
                    col(CachedCustomer.id) == customer_id
                )
            ).first()
        if row is None:
            return None
        view = CustomerView.model_validate_json(row[0])
        visiting = view.access == "visit" and utcnow() - aware(row[1]) <= VISIT_HOURS
        if allowed_offline and view.access != "consent" and not visiting:
            return None
        return view

    @staticmethod
    def amend_customer(
        conn: Connection, customer_id: int, change: Callable[[CustomerView], None]
    ) -> None:
        """An optimistic effect of a queued write on the cached view of the customer, in the
        outbox's own transaction (nothing if the customer is not cached here)."""
        raw = conn.execute(
            select(col(CachedCustomer.view)).where(col(CachedCustomer.id) == customer_id)
        ).scalar()
        if raw is None:
            return
        view = CustomerView.model_validate_json(raw)
        change(view)
        conn.execute(
            update(CachedCustomer)
            .where(col(CachedCustomer.id) == customer_id)
            .values(view=view.model_dump_json())
        )

    def customer_ids(self) -> list[int]:
        with self.read() as conn:
            return [int(i) for i in conn.execute(select(col(CachedCustomer.id))).scalars()]

    def stale_customers(self) -> list[int]:
        with self.read() as conn:
            return [
                int(i)
                for i in conn.execute(
                    select(col(CachedCustomer.id)).where(col(CachedCustomer.stale).is_(True))
                ).scalars()
            ]

    def forget_customer(self, customer_id: int) -> None:
        with self.write() as conn:
            conn.execute(delete(CachedCustomer).where(col(CachedCustomer.id) == customer_id))

    def purge_customers(self, keep_days: int, now: datetime | None = None) -> int:
        """Forget customers not opened here within `keep_days` (KVKK: personal data only as
        long as it is needed)."""
        cutoff = (now or utcnow()) - timedelta(days=keep_days)
        with self.write() as conn:
            gone = conn.execute(
                delete(CachedCustomer).where(col(CachedCustomer.opened_at) < cutoff)
            ).rowcount
        return int(gone or 0)
