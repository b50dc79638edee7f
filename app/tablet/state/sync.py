"""Scene 8 of the brief, the offline side: the connection, what waits in the queue and what
the API refused, and syncing the cache; run every few seconds by the app and at once when the
associate asks."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.tablet.gateway import QueuedWork
from app.tablet.state.customer import CustomerScene
from app.tablet.state.session import Scene

__all__ = ["QueuedWork", "SyncScene"]  # the queue as the sync scene shows it


@dataclass
class SyncScene(Scene):
    customer: CustomerScene = field(repr=False, kw_only=True)

    @property
    def progress(self) -> tuple[str, int] | None:
        """(phase, rows) while a sync runs."""
        return self.session.sync_progress

    @progress.setter
    def progress(self, value: tuple[str, int] | None) -> None:
        self.session.sync_progress = value

    @property
    def keeps_cache(self) -> bool:
        return self.gateway.keeps_cache

    @property
    def online(self) -> bool:
        return self.gateway.online

    @property
    def queued(self) -> int:
        return self.gateway.queued

    @property
    def failed(self) -> int:
        return self.gateway.failed

    @property
    def last_sync(self) -> str | None:
        return self.gateway.last_sync

    @property
    def waiting(self) -> list[QueuedWork]:
        return self.gateway.waiting()

    def show(self) -> None:
        self.session.show("sync")
        self.session.changed()

    def dismiss(self, command_id: int) -> None:
        self.gateway.dismiss(command_id)
        self.session.changed()

    def sync_now(self) -> None:
        """Send what is queued, then pull what changed. Quiet when nothing changed."""
        g, s = self.gateway, self.session
        who = s.who
        if not g.keeps_cache or who is None:
            return
        before = (g.online, g.queued, g.failed)
        mine: tuple[str, int] | None = None  # this round's last progress

        def progress(phase: str, done: int) -> None:
            nonlocal mine
            mine = self.progress = (phase, done)
            s.status_changed()

        if s.offline_session:
            fresh = g.resume_online(s.device)
            if fresh is not None:
                # Back online with a session of its own: what was queued under the
                # remembered token (ended by the last log-out) goes now.
                s.who, s.offline_session = fresh, False
                who = fresh
        try:
            g.sync(who.associate.store.id, till_rules=s.is_cashier, progress=progress)
        finally:
            # Only this round's bar: not that of a sync this round left alone, nor that of
            # a round that began while this one finished its customers and queue.
            if mine is not None and self.progress is mine:
                self.progress = None
        # The sync refreshed the cached customers; show the fresh view only if that customer
        # is still the one on screen (the associate may have moved on meanwhile). Other
        # scenes take it at their next redraw: a redraw from under the associate's finger
        # could drop a character typed into another scene's field.
        # (A customer the sync forgot, consent withdrawn, leaves the screen at the associate's
        # next action, which meets the API's 403: never from under their finger.)
        shown = self.customer.customer_id
        if shown is not None and g.online and s.who is who:
            fresh_view = g.cached_customer(shown)
            if (
                fresh_view is not None
                and self.customer.take_fresh(fresh_view)
                and s.screen == "customer"
            ):
                s.changed()
        if (g.online, g.queued, g.failed) != before or s.screen == "sync":
            s.status_changed()
