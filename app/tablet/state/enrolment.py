"""Enrolling this tablet in a store: the manager makes a one-time code on their tablet, it is
typed (or scanned) here, and the tablet gets the id and secret it logs in with from then on."""

from __future__ import annotations

from dataclasses import dataclass

from app.contracts.devices import DeviceCredential
from app.tablet.client import ApiProblem, ReyonClient

CODE_MAX = 32  # what the API takes; a scanner that types more is cut here, not refused later


@dataclass
class EnrolmentState:
    code: str = ""
    name: str = ""
    error: str | None = None  # an i18n key: enrol_code_needed | enrol_code_invalid | offline ...
    busy: bool = False

    def enrol(self, client: ReyonClient) -> DeviceCredential | None:
        code = self.code.strip()[:CODE_MAX]
        if not code:
            self.error = "enrol_code_needed"
            return None
        self.busy = True
        try:
            credential = client.enrol(code, self.name.strip()[:80] or None)
        except ApiProblem as exc:
            self.error = {
                "enrolment-code-invalid": "enrol_code_invalid",
                "too-many-requests": "too_many",
                "offline": "offline",
            }.get(exc.kind, "enrol_failed")
            return None
        finally:
            self.busy = False
        self.code, self.name, self.error = "", "", None
        return credential
