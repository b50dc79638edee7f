"""Scene 1, log in: store code (remembered), associate code, PIN pad; the role after log-in;
a clear message for a wrong PIN and for a lock-out."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.contracts.auth import LoginResponse
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

    def press_digit(self, digit: str) -> None:
        if digit.isdigit() and len(digit) == 1 and len(self.pin) < PIN_LENGTH:
            self.pin += digit
            self.error = None

    def clear_pin(self) -> None:
        self.pin = ""

    def log_in(self, client: ReyonClient, device_id: str) -> bool:
        store, code = self.store_code.strip().upper(), self.associate_code.strip()
        if not store or not code or len(self.pin) < 4:
            self.error = "fill_all"
            return False
        self.busy = True
        try:
            self.session = client.login(store, code, self.pin, device_id)
            self.store_code = store  # remembered for the next log-in on this tablet
            self.error = None
            return True
        except ApiProblem as exc:
            self.error = {423: "locked", 0: "offline"}.get(exc.status, "wrong_pin")
            return False
        finally:
            self.pin = ""  # never kept, right or wrong
            self.busy = False

    def log_out(self, client: ReyonClient) -> None:
        self.session = None
        self.associate_code = ""
        self.pin = ""
        client.token = None
