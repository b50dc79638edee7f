"""Scene 1, log in: store code (remembered), associate code, PIN pad; the role after log-in;
a clear message for a wrong PIN and for a lock-out. Offline, the gateway checks the PIN
against this tablet's own record of who logged in here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.tablet.problem import ApiProblem, OfflineLoginError
from app.tablet.state.session import Scene

PIN_LENGTH = 8  # the API accepts 4-8 digits
PIN_MIN = 4


@dataclass
class LoginScene(Scene):
    store_code: str = ""
    associate_code: str = ""
    pin: str = ""
    error: str | None = None  # an i18n key: wrong_pin | locked | offline | fill_all
    busy: bool = False
    # Told once someone logged in (the home scene's "Today" card is read then).
    signed_in: Callable[[], None] = field(default=lambda: None, repr=False)

    def press_digit(self, digit: str) -> None:
        if digit.isdigit() and len(digit) == 1 and len(self.pin) < PIN_LENGTH:
            self.pin += digit
            self.error = None

    def complete(self) -> bool:
        """Store, associate code and a whole PIN: what a log-in needs before it is tried."""
        return (
            bool(self.store_code.strip() and self.associate_code.strip())
            and len(self.pin) >= PIN_MIN
        )

    def clear_pin(self) -> None:
        self.pin = ""

    def log_in(self) -> None:
        if self._log_in():
            s = self.session
            self.session.remember("store_code", self.store_code)
            if not s.offline_session:
                self.gateway.follow_store(s.store_id)
            s.show("home")
            s.say("offline_login" if s.offline_session else None)
            self.signed_in()
        self.session.changed()

    def _log_in(self) -> bool:
        store, code = self.store_code.strip().upper(), self.associate_code.strip()
        if not store or not code or len(self.pin) < PIN_MIN:
            self.error = "fill_all"
            return False
        self.busy = True
        try:
            signed_in = self.gateway.log_in(store, code, self.pin, self.session.device)
        except OfflineLoginError as exc:
            self.error = {
                "unknown": "offline_unknown",
                "too_old": "offline_too_old",
                "locked": "locked",
            }.get(exc.reason, "wrong_pin")
            return False
        except ApiProblem as exc:
            if exc.kind == "device-not-enrolled":
                self.error = "device_not_enrolled"
            else:
                self.error = {423: "locked", 0: "offline", 429: "too_many"}.get(
                    exc.status, "wrong_pin"
                )
            return False
        finally:
            self.pin = ""  # never kept, right or wrong
            self.busy = False
        self.session.who, self.session.offline_session = signed_in.session, signed_in.offline
        self.store_code = store  # remembered for the next log-in on this tablet
        self.error = None
        return True

    def forget(self) -> None:
        """After a log-out: the last person's code and message are not the next one's."""
        self.associate_code, self.pin, self.error = "", "", None
