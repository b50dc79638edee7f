"""Who is using the tablet and which scene is showing: the one object every scene shares.
Scenes hold their own state and actions (one per scene, in this package); they meet here to
say what changed, to move to another scene, and to learn who is logged in."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.contracts.auth import LoginResponse
from app.tablet.gateway import Author, Gateway
from app.tablet.i18n import LOCAL as STORE_TIME  # the store's calendar day
from app.tablet.i18n.problems import problem_words_for
from app.tablet.problem import ApiProblem
from app.tablet.state.notice import Notice

log = logging.getLogger("reyon.tablet")
# With `reyon tablet --trace-redraws`, each action's start and end and how many are running in
# this process (Flet handles one session's taps one at a time; the background sync runs beside
# them): a browser test reads "0 running" as "the taps handled so far have drawn what they
# will draw" (a slow tap's redraw otherwise comes after the test has moved on).
actions = logging.getLogger("reyon.tablet.redraws")
_running = [0]
_running_lock = threading.Lock()

SCREENS = (
    "enrol",
    "login",
    "home",
    "customer",
    "look",
    "client_book",
    "tasks",
    "appointments",
    "product",
    "order",
    "prepare",
    "transfers",
    "returns",
    "basket",
    "till",
    "manager",
    "team",
    "settings",
    "sync",
)


def _no_memory(key: str, value: str) -> None:
    """Where the tablet keeps nothing between runs (tests)."""


def _store_today() -> date:
    return datetime.now(STORE_TIME).date()


def _nothing() -> None:
    pass


@dataclass
class Session:
    # The tablet's enrolment (a manager's one-time code -> id and secret, kept in the
    # device's storage); without it the tablet shows the enrolment scene and cannot log in.
    device_id: str = ""
    device_secret: str = ""
    lang: str = "tr"
    screen: str = "login"
    who: LoginResponse | None = None  # the associate logged in, and their store
    offline_session: bool = False  # logged in from this tablet's own record, API unreachable
    notice: Notice | None = None  # a message on top of the current scene
    # A confirmation that something was done ("Deneme kaydedildi."): shown once, briefly,
    # over whatever scene follows, then gone (a snack bar).
    toast: Notice | None = None
    # (phase, rows) while the tablet's cache syncs: the tablet's, not the associate's, so a
    # first sync still running after a log-out shows its progress to the next associate.
    sync_progress: tuple[str, int] | None = None
    # Keeps a preference on this tablet across runs (language, store, API address); the
    # view layer gives the device's own storage.
    remember: Callable[[str, str], None] = field(default=_no_memory, repr=False)
    today: Callable[[], date] = field(default=_store_today, repr=False)
    # Set by the tablet: ends the session (log-out, or the API no longer knows the token).
    end: Callable[[], None] = field(default=_nothing, repr=False)
    _listeners: list[Callable[[], None]] = field(default_factory=list, repr=False)
    # Told when only the connection and queue figures changed (the top bar redraws itself;
    # a whole new scene every few seconds would wipe what the associate is typing).
    _status_listeners: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @property
    def enrolled(self) -> bool:
        return bool(self.device_id and self.device_secret)

    @property
    def device(self) -> tuple[str, str]:
        return self.device_id, self.device_secret

    @property
    def store_id(self) -> int:
        return self.who.associate.store.id if self.who else 0

    @property
    def role(self) -> str | None:
        return self.who.associate.role if self.who else None

    @property
    def is_cashier(self) -> bool:
        return self.role in ("cashier", "manager")

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    @property
    def author(self) -> Author:
        """Who a write is made by (a queued one is sent later with their own session)."""
        a = self.who.associate if self.who else None
        return Author(
            store_code=a.store.code if a else "",
            associate_code=a.code if a else "",
            associate_name=a.name if a else "",
        )

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def on_status(self, listener: Callable[[], None]) -> None:
        self._status_listeners.append(listener)

    def changed(self) -> None:
        for listener in self._listeners:
            listener()

    def status_changed(self) -> None:
        if self.screen == "sync":
            self.changed()
            return
        for listener in self._status_listeners:
            listener()

    def show(self, screen: str) -> None:
        assert screen in SCREENS, screen
        self.screen = screen

    def say(
        self, key: str | None, values: dict[str, object] | None = None, *, error: bool = False
    ) -> None:
        self.notice = Notice(key, values or {}, error=error) if key else None

    def confirm(self, key: str, values: dict[str, object] | None = None) -> None:
        """Say briefly that something was done; the view shows it once and drops it."""
        self.toast = Notice(key, values or {})

    def take_toast(self) -> Notice | None:
        toast, self.toast = self.toast, None
        return toast


def guarded(action: Callable[..., None]) -> Callable[..., None]:
    """The error boundary around an action a tap or a scan starts: whatever goes wrong, the
    associate sees words in their language, the failure is logged with its trace, and the
    scene stays usable (never Flet's red "Error running app")."""

    @functools.wraps(action)
    def run(self: Any, *args: Any, **kwargs: Any) -> None:
        _count(+1, "start", action)
        try:
            action(self, *args, **kwargs)
        except Exception:
            log.exception("tablet action %s failed", action.__qualname__)
            session: Session = self.session
            session.say("unexpected_error", error=True)
            session.changed()
        finally:
            _count(-1, "end", action)

    run.__guarded__ = True  # type: ignore[attr-defined]
    return run


def _count(step: int, what: str, action: Callable[..., None]) -> None:
    with _running_lock:
        _running[0] += step
        if actions.isEnabledFor(logging.DEBUG):  # inside the lock: the lines keep the order
            actions.debug("%s %s, %d running", what, action.__qualname__, _running[0])


def guard_actions(cls: type) -> None:
    """Every public action of the class (a method that returns nothing) behind the boundary."""
    for name, member in list(vars(cls).items()):
        if (
            not name.startswith("_")
            and callable(member)
            and not isinstance(member, (staticmethod, classmethod, property))
            and not getattr(member, "__guarded__", False)
            and getattr(member, "__annotations__", {}).get("return", "?") in ("None", None)
        ):
            setattr(cls, name, guarded(member))


@dataclass
class Scene:
    """What every scene has: the gateway it reads and writes through, and the session. Its
    public actions run inside the error boundary."""

    gateway: Gateway = field(repr=False)
    session: Session = field(repr=False)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        guard_actions(cls)

    def refused(self, exc: ApiProblem) -> None:
        """A problem no scene has words of its own for."""
        if exc.status == 401:
            self.session.end()  # the API no longer knows this session
            return
        if exc.offline:
            self.session.say("offline", {"detail": ""}, error=True)
        else:
            self.session.say("problem", {"text": self.words(exc)}, error=True)
        self.session.changed()

    def words(self, exc: ApiProblem) -> str:
        """The problem in the associate's language: never the API's English detail."""
        return problem_words_for(self.session.lang, exc)
