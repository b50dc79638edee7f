"""The live gateway's queue and sync: the outbox as seen, dismissing, and sync with till rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.tablet.cache.store import Cache
from app.tablet.gateway import Progress, QueuedWork
from app.tablet.gateway.live.base import LiveBase
from app.tablet.offline import Offline
from app.tablet.problem import ApiProblem

TILL_RULES_EVERY = timedelta(minutes=10)


class LiveSync(LiveBase):
    @property
    def queued(self) -> int:
        return self.offline.queued if self.offline is not None else 0

    @property
    def failed(self) -> int:
        return self.offline.failed if self.offline is not None else 0

    @property
    def last_sync(self) -> str | None:
        return self.offline.last_sync if self.offline is not None else None

    def waiting(self) -> list[QueuedWork]:
        if self.offline is None:
            return []
        return [
            QueuedWork(
                id=c.id or 0,
                kind=c.kind,
                label=c.label,
                associate_code=c.associate_code,
                customer_id=c.customer_id,
                status=c.status,
                error_kind=c.error_kind,
                error_detail=c.error_detail,
                created_at=c.created_at,
            )
            for c in self.offline.outbox.waiting()
        ]

    def dismiss(self, command_id: int) -> None:
        if self.offline is not None:
            self.offline.outbox.dismiss(command_id)

    def sync(self, store_id: int, *, till_rules: bool, progress: Progress | None = None) -> None:
        kit = self.offline
        if kit is None:
            return
        try:
            if not kit.puller.locations:
                kit.follow_store(store_id)
            kit.drain()
            pulled = kit.sync(progress)  # None: another sync was under way
            # The pull got through: whatever waited only for the network goes now.
            if pulled is not None and kit.queued and kit.outbox.wake():
                kit.drain()
        except ApiProblem as exc:
            kit.saw(exc)
        if kit.online and till_rules:
            self._till_rules(kit, store_id)

    @staticmethod
    def _till_rules(kit: Offline, store_id: int) -> None:
        """The offline coupon limit and the coupon keys, fetched again every ten minutes."""
        fetched = kit.cache.state("coupon_policy_at")
        now = datetime.now(UTC)
        if fetched and now - datetime.fromisoformat(fetched) < TILL_RULES_EVERY:
            return
        try:
            kit.refresh_till_rules(store_id)
        except ApiProblem as exc:
            kit.saw(exc)
            return
        with kit.cache.write() as conn:
            Cache.set_state(conn, "coupon_policy_at", now.isoformat())
