"""Scene 1, log in: store code (remembered), associate code, PIN pad; the role after log-in;
a clear message for a wrong PIN and for a lock-out."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.contracts.auth import LoginResponse
from app.tablet.cache.people import OfflineLoginError, People
from app.tablet.client import ApiProblem, ReyonClient

PIN_LENGTH = 8  # the API accepts 4-8 digits


@dataclass
class LoginState:
    store_code: str = ""
    associate_code: str = ""
    pin: str = ""
    error: str | None = None  # an i18n key: wrong_pin | locked | offline | fill_all
    busy: bool = False
    session: LoginResponse | None = field(default=None, repr=False)
    # Logged in from this tablet's own record while the API could not be reached.
    offline_session: bool = False
    # The PIN of an offline log-in, in memory only, until the API answers again: then the
    # tablet logs in online with it (the remembered token may have been ended by a log-out)
    # and forgets it.
    _resume_pin: str | None = field(default=None, repr=False)

    def press_digit(self, digit: str) -> None:
        if digit.isdigit() and len(digit) == 1 and len(self.pin) < PIN_LENGTH:
            self.pin += digit
            self.error = None

    def clear_pin(self) -> None:
        self.pin = ""

    def log_in(
        self,
        client: ReyonClient,
        device: tuple[str, str],
        people: People | None = None,
    ) -> bool:
        """Online against the API; when it cannot be reached, against this tablet's record of
        associates who logged in here before (`people`)."""
        store, code = self.store_code.strip().upper(), self.associate_code.strip()
        if not store or not code or len(self.pin) < 4:
            self.error = "fill_all"
            return False
        self.busy = True
        try:
            self.session = client.login(store, code, self.pin, *device)
            if people is not None:
                people.remember(store, self.pin, self.session)
            self.offline_session = False
            self.store_code = store  # remembered for the next log-in on this tablet
            self.error = None
            return True
        except ApiProblem as exc:
            if exc.offline and people is not None:
                return self._offline(client, people, store, code)
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

    def _offline(self, client: ReyonClient, people: People, store: str, code: str) -> bool:
        try:
            self.session = people.log_in(store, code, self.pin)
        except OfflineLoginError as exc:
            self.error = {
                "unknown": "offline_unknown",
                "too_old": "offline_too_old",
                "locked": "locked",
            }.get(exc.reason, "wrong_pin")
            return False
        client.token = self.session.access_token  # may have run out: then reads fall back
        self.offline_session = True
        self._resume_pin = self.pin
        self.store_code = store
        self.error = None
        return True

    def resume_online(
        self, client: ReyonClient, device: tuple[str, str], people: People | None
    ) -> bool:
        """After an offline log-in, once the API answers: a session of the server's own.
        False while it cannot be reached, or when the server refuses (the associate was
        deactivated meanwhile): then their queued work waits for a log-in online."""
        if not self.offline_session or self._resume_pin is None or self.session is None:
            return False
        store, code = self.store_code, self.session.associate.code
        try:
            fresh = client.login(store, code, self._resume_pin, *device)
        except ApiProblem as exc:
            if not exc.offline:
                self._resume_pin = None
            return False
        if people is not None:
            people.remember(store, self._resume_pin, fresh)
        self._resume_pin = None
        self.session, self.offline_session = fresh, False
        return True

    def log_out(self, client: ReyonClient) -> None:
        self.session = None
        self.offline_session = False
        self._resume_pin = None
        self.associate_code = ""
        self.pin = ""
        self.error = None  # the last person's message is not the next one's
        client.log_out()
