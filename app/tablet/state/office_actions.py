"""The tablet's back office (scenes 8 and 9 of the issue, 8 of the brief): the manager's report,
settings, and the offline side: the connection, the queue, syncing the cache. Mixed into
TabletState."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from app.contracts.customers import CustomerView
from app.tablet.cache.store import Cache
from app.tablet.client import ApiProblem, ReyonClient
from app.tablet.offline import Offline
from app.tablet.state.backend import Backend
from app.tablet.state.manager import ManagerState
from app.tablet.state.session import LoginState
from app.tablet.state.settings import SettingsState

TILL_RULES_EVERY = timedelta(minutes=10)


class OfficeActions:
    client: ReyonClient
    device_id: str
    device_secret: str
    backend: Backend
    offline: Offline | None
    screen: str
    login: LoginState
    customer: CustomerView | None
    manager: ManagerState
    settings: SettingsState
    sync_progress: tuple[str, int] | None
    remember: Callable[[str, str], None]
    today: Callable[[], date]
    _status_listeners: list[Callable[[], None]]

    def changed(self) -> None: ...
    def log_out(self) -> None: ...
    def _refresh_customer(self) -> None: ...

    def on_status(self, listener: Callable[[], None]) -> None:
        self._status_listeners.append(listener)

    def _status_changed(self) -> None:
        if self.screen == "sync":
            self.changed()
            return
        for listener in self._status_listeners:
            listener()

    # -- offline: the connection, the queue, the cache (scene 8 of the brief) -------------

    @property
    def online(self) -> bool:
        return self.backend.online

    @property
    def queued(self) -> int:
        return self.offline.queued if self.offline is not None else 0

    @property
    def failed_commands(self) -> int:
        return self.offline.failed if self.offline is not None else 0

    def sync_now(self) -> None:
        """Send what is queued, then pull what changed; run every few seconds by the app and
        at once when the associate asks. Quiet when nothing changed."""
        kit = self.offline
        session = self.login.session
        if kit is None or session is None:
            return
        before = (kit.online, kit.queued, kit.failed)

        def progress(phase: str, done: int) -> None:
            self.sync_progress = (phase, done)
            self._status_changed()

        if self.login.offline_session and self.login.resume_online(
            self.client, (self.device_id, self.device_secret), kit.people
        ):
            # Back online with a session of its own: what was queued under the remembered
            # token (ended by the last log-out) goes now.
            session = self.login.session or session
            kit.online = True
            kit.outbox.wake()
        try:
            if not kit.puller.locations:
                kit.follow_store(session.associate.store.id)
            kit.drain()
            kit.sync(progress)
            # The pull got through: whatever waited only for the network goes now.
            if kit.queued and kit.outbox.wake():
                kit.drain()
        except ApiProblem as exc:
            kit.saw(exc)
        finally:
            self.sync_progress = None
        if kit.online and session.associate.role in ("cashier", "manager"):
            self._till_rules(kit, session.associate.store.id)
        # The sync refreshed the cached customers; show the fresh view only if that customer
        # is still the one on screen (the associate may have moved on meanwhile).
        # (A customer the sync forgot, consent withdrawn, leaves the screen at the associate's
        # next action, which meets the API's 403: never from under their finger.)
        shown = self.customer
        if shown is not None and kit.online and self.login.session is session:
            fresh = kit.cache.customer(shown.profile.id)
            if fresh is not None and self.customer is shown and fresh != shown:
                self.customer = fresh
                self.changed()
        if (kit.online, kit.queued, kit.failed) != before or self.screen == "sync":
            self._status_changed()

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

    def show_sync(self) -> None:
        self.screen = "sync"
        self.changed()

    def dismiss_command(self, command_id: int) -> None:
        if self.offline is not None:
            self.offline.outbox.dismiss(command_id)
        self.changed()

    # -- the manager's day (scene 8) --------------------------------------------------------

    @property
    def is_manager(self) -> bool:
        session = self.login.session
        return session is not None and session.associate.role == "manager"

    def show_manager(self) -> None:
        if not self.is_manager:
            return
        self.screen = "manager"
        self.manager.load(self.client, self.today())
        self.changed()

    def report_day(self, day: date) -> None:
        self.manager.choose_day(self.client, day, self.today())
        self.changed()

    def report_step(self, days: int) -> None:
        self.manager.step(self.client, days, self.today())
        self.changed()

    def report_period(self, period: int) -> None:
        self.manager.choose_period(self.client, period, self.today())
        self.changed()

    # -- settings (scene 9) -----------------------------------------------------------------

    def show_settings(self) -> None:
        self.settings.api_url = self.client.base_url
        self.settings.error, self.settings.saved = None, False
        self.settings.check(self.client)
        self.screen = "settings"
        self.changed()

    def apply_api_url(self, text: str) -> None:
        self.settings.api_url = text
        before = self.client.base_url
        if self.settings.apply(self.client):
            self.remember("api_url", self.client.base_url)
            if self.client.base_url != before and self.login.session is not None:
                self.log_out()  # logged in on the old API: that session means nothing here
                self.screen = "settings"
        self.changed()
