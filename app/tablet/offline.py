"""The tablet's way of working with flaky Wi-Fi: the offline cache, the outbox and the people
who logged in here, behind a few calls the state objects use. Writes always go through the
outbox (sent at once when the API answers, queued when it does not); reads fall back to the
cache when the API cannot be reached."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from app.contracts.promotions import OfflineCouponPolicy
from app.domain.geo import nearest_first
from app.tablet.cache.outbox import LEASE, DrainReport, NewCommand, Outbox
from app.tablet.cache.people import People
from app.tablet.cache.pictures import Pictures
from app.tablet.cache.pull import Progress, Puller, SyncReport
from app.tablet.cache.store import Cache
from app.tablet.client import ReyonClient
from app.tablet.gateway import Submitted
from app.tablet.problem import ApiProblem

NEARBY_STORES = 5  # besides its own: the stores whose stock a tablet keeps for offline use
CUSTOMER_KEEP_DAYS = 30


@dataclass
class Offline:
    client: ReyonClient
    cache: Cache
    customer_keep_days: int = CUSTOMER_KEEP_DAYS
    online: bool = True
    puller: Puller = field(init=False)
    outbox: Outbox = field(init=False)
    people: People = field(init=False)
    pictures: Pictures = field(init=False)
    # One sync and one drain at a time in this process; other processes are kept apart by
    # the cache's own locking and the outbox's leases.
    # Apart, so an order tapped during a long first sync is sent at once, not after it.
    _drain_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _sync_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # The locations last asked for (follow_store) and not yet applied: taken once, by
    # follow_store itself or, when a sync held the lock, by the next round.
    _following: list[int] | None = field(default=None, repr=False)
    _following_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    lease: timedelta = LEASE

    def __post_init__(self) -> None:
        self.puller = Puller(self.client, self.cache)
        self.outbox = Outbox(self.cache, lease=self.lease)
        self.people = People(self.cache)
        self.pictures = Pictures(self.cache)

    @classmethod
    def open(cls, client: ReyonClient, path: str | Path, **kw: Any) -> Offline:
        return cls(client=client, cache=Cache(path), **kw)

    def close(self) -> None:
        self.cache.close()

    def saw(self, exc: ApiProblem | None) -> None:
        """Every call tells us whether the API is reachable."""
        self.online = exc is None or not exc.offline

    # -- writes ------------------------------------------------------------------------------

    def submit(
        self, command: NewCommand, effect: Callable[[Connection], None] | None = None
    ) -> Submitted:
        """Store the command (and its optimistic effect) durably, then try to send the queue
        up to it. A refusal met right now is the associate's to see at once, so it does not
        also wait in the failed list."""
        with self.cache.write() as conn:
            command_id = Outbox.enqueue(conn, command)
            if effect is not None:
                effect(conn)
        self.drain()
        cmd = self.outbox.get(command_id)
        assert cmd is not None
        if cmd.status == "sent":
            return Submitted("sent", json.loads(cmd.response or "null"))
        if cmd.status == "failed":
            extra = json.loads(cmd.response or "{}")
            problem = ApiProblem(
                int(extra.pop("status", 400)),
                cmd.error_kind or "refused",
                str(extra.pop("title", "")),
                cmd.error_detail,
                extra,
            )
            self.outbox.dismiss(command_id)
            return Submitted("failed", problem=problem)
        return Submitted("queued")

    def drain(self) -> DrainReport:
        with self._drain_lock:
            report = self.outbox.drain(
                self.client, self.people.token_for, on_unauthorized=self.people.expire
            )
        # A command waiting with nothing sent means the API did not answer (or backs off).
        if report.sent or report.failed:
            self.online = True
        elif report.waiting:
            head = next(iter(self.outbox.waiting()), None)
            self.online = head is None or head.error_kind not in ("offline",)
        return report

    # -- reads and sync ----------------------------------------------------------------------

    def follow_store(self, store_id: int) -> None:
        """Keep the stock of this store, its nearest stores and every warehouse."""
        places = self.client.locations()
        origin = next((p for p in places if p.id == store_id), None)
        if origin is None:
            return
        ordered = [p for p, _ in nearest_first(origin, places)]
        stores = [p.id for p in ordered if p.kind == "store"][: NEARBY_STORES + 1]
        warehouses = [p.id for p in ordered if p.kind == "warehouse"]
        with self._following_lock:
            self._following = stores + warehouses
        # Never under a snapshot still walking the old set, and never waiting for one: a
        # log-in asks for this, and a first sync can run for minutes. The next round takes it.
        if self._sync_lock.acquire(blocking=False):
            try:
                self._take_following()
            finally:
                self._sync_lock.release()

    def _take_following(self) -> None:
        """Under the sync lock: the latest set asked for, applied once (the same set as the
        cache's is no change). Once, because another app on the same cache file may follow
        another store: applied every round, two would undo each other's snapshot."""
        with self._following_lock:
            wanted, self._following = self._following, None
        if wanted is not None:
            self.puller.follow(wanted)

    def sync(self, progress: Progress | None = None) -> SyncReport | None:
        """Pull what changed; None, at once, when a sync is already under way (it brings what
        changed, or the next round does, seconds later): a tap on "sync now" during a first
        sync must not hold one of the app's few event threads for minutes (enough such taps
        and no tap is handled)."""
        if not self._sync_lock.acquire(blocking=False):
            return None
        try:
            self._take_following()
            try:
                report = self.puller.step(progress) if progress is not None else self.puller.step()
            except ApiProblem as exc:
                self.saw(exc)
                raise
        finally:
            self._sync_lock.release()
        self.online = True
        self.refresh_customers()
        self.cache.purge_customers(self.customer_keep_days)
        return report

    def refresh_customers(self) -> None:
        """Customers the feed says changed, fetched again; one this tablet may no longer see
        (consent withdrawn, the visit's grant over) is forgotten here."""
        for customer_id in self.cache.stale_customers():
            try:
                self.cache.keep_customer(self.client.customer(customer_id), opened=False)
            except ApiProblem as exc:
                if exc.offline:
                    self.saw(exc)
                    return
                if exc.status in (403, 404):
                    self.cache.forget_customer(customer_id)

    # -- what a till needs to redeem offline ---------------------------------------------------

    def refresh_till_rules(self, store_id: int) -> None:
        """The store's offline coupon limit and the keys that sign coupons, kept for when the
        network is gone."""
        policy = self.client.offline_coupon_policy(store_id)
        keys = self.client.qr_keys()
        with self.cache.write() as conn:
            Cache.set_state(conn, "coupon_policy", policy.model_dump_json())
            Cache.set_state(conn, "coupon_keys", json.dumps(keys.coupon_keys))

    def coupon_policy(self) -> OfflineCouponPolicy | None:
        raw = self.cache.state("coupon_policy")
        return OfflineCouponPolicy.model_validate_json(raw) if raw else None

    def coupon_keys(self) -> dict[str, bytes]:
        raw = json.loads(self.cache.state("coupon_keys", "{}") or "{}")
        return {kid: base64.b64decode(key) for kid, key in raw.items()}

    def basket_total(self, items: dict[str, int]) -> int | None:
        """The till's items at their cached prices; None if one is not in the cache."""
        total = 0
        for sku, quantity in items.items():
            found = self.cache.find_code(sku)
            product = self.cache.product(found[0]) if found else None
            variant = next((v for v in product.variants if v.sku == sku), None) if product else None
            if variant is None:
                return None
            total += variant.price_kurus * quantity
        return total

    @property
    def queued(self) -> int:
        counts = self.outbox.counts()
        return counts.get("pending", 0) + counts.get("sending", 0)

    @property
    def failed(self) -> int:
        return self.outbox.counts().get("failed", 0)

    @property
    def last_sync(self) -> str | None:
        return self.cache.state("last_sync")
