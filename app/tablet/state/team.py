"""The manager's tablets and staff (one scene): enrol a new tablet with a one-time code,
revoke a lost one, lift a PIN lock-out, deactivate someone who left. Its own state and
actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.contracts.auth import StaffMember
from app.contracts.devices import DeviceOut, EnrolmentCodeOut
from app.tablet.gateway import Gateway
from app.tablet.problem import ApiProblem
from app.tablet.state.session import Scene


@dataclass
class TeamScene(Scene):
    devices: list[DeviceOut] = field(default_factory=list)
    staff: list[StaffMember] = field(default_factory=list)
    code: EnrolmentCodeOut | None = None  # shown once, until the scene is left
    # What the manager is asked to confirm before it is done: ("revoke", id) | ("deactivate", id)
    confirming: tuple[str, str] | None = None
    error: str | None = None  # an i18n key
    done: str | None = None  # an i18n key: what just happened

    @property
    def store_id(self) -> int:
        return self.session.store_id

    def show(self) -> None:
        """The manager's tablets and staff."""
        if not self.session.is_manager:
            return
        self.session.show("team")
        self.code = None
        self.load()

    def _act(self, action: Callable[[Gateway], object], done: str | None = None) -> bool:
        try:
            action(self.gateway)
            self.error, self.done = None, done
            return True
        except ApiProblem as exc:
            self.error = "offline" if exc.offline else "team_refused"
            self.done = None
            return False
        finally:
            self.session.changed()

    def load(self) -> None:
        def fetch(gateway: Gateway) -> None:
            self.devices = gateway.devices().items
            self.staff = gateway.staff(self.store_id).items

        self._act(fetch)

    def make_code(self) -> None:
        def make(client: Gateway) -> None:
            self.code = client.enrolment_code()

        self._act(make, "team_code_made")

    def ask(self, what: str, ident: str) -> None:
        self.confirming = (what, ident)
        self.session.changed()

    def cancel(self) -> None:
        self.confirming = None
        self.session.changed()

    def confirm(self) -> None:
        if self.confirming is None:
            return
        what, ident = self.confirming
        self.confirming = None

        def run(client: Gateway) -> None:
            if what == "revoke":
                client.revoke_device(ident)
            else:
                client.set_associate_active(int(ident), active=False)
            self.devices = client.devices().items
            self.staff = client.staff(self.store_id).items

        self._act(run, "team_revoked" if what == "revoke" else "team_deactivated")

    def unlock(self, associate_id: int) -> None:
        def run(client: Gateway) -> None:
            client.unlock_associate(associate_id)
            self.staff = client.staff(self.store_id).items

        self._act(run, "team_unlocked")

    def activate(self, associate_id: int) -> None:
        def run(client: Gateway) -> None:
            client.set_associate_active(associate_id, active=True)
            self.staff = client.staff(self.store_id).items

        self._act(run, "team_activated")
