"""Enrolling this tablet in a store: the manager makes a one-time code on their tablet, it is
typed (or scanned) here, and the tablet gets the id and secret it logs in with from then on."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.tablet.problem import ApiProblem
from app.tablet.state.login import LoginScene
from app.tablet.state.session import Scene

CODE_MAX = 32  # what the API takes; a scanner that types more is cut here, not refused later


@dataclass
class EnrolScene(Scene):
    login: LoginScene = field(repr=False, kw_only=True)
    code: str = ""
    name: str = ""
    error: str | None = None  # an i18n key: enrol_code_needed | enrol_code_invalid | offline ...
    busy: bool = False

    def start(self) -> None:
        """From the log-in scene, when the API says this tablet is not enrolled in the store
        (revoked, or the store code is another store's): enrol it again."""
        self.session.show("enrol")
        self.error = None
        self.session.changed()

    def enrol(self) -> None:
        """Spend the manager's one-time code; the tablet keeps what it gets."""
        code = self.code.strip()[:CODE_MAX]
        if not code:
            self.error = "enrol_code_needed"
            self.session.changed()
            return
        self.busy = True
        try:
            credential = self.gateway.enrol(code, self.name.strip()[:80] or None)
        except ApiProblem as exc:
            self.error = {
                "enrolment-code-invalid": "enrol_code_invalid",
                "too-many-requests": "too_many",
                "offline": "offline",
            }.get(exc.kind, "enrol_failed")
            self.session.changed()
            return
        finally:
            self.busy = False
        self.code, self.name, self.error = "", "", None
        s = self.session
        s.device_id, s.device_secret = credential.device_id, credential.device_secret
        s.remember("enrolled_device_id", credential.device_id)
        s.remember("device_secret", credential.device_secret)
        self.login.store_code = credential.store_code
        s.remember("store_code", credential.store_code)
        s.show("login")
        s.changed()
