"""Asking a customer for their consent (KVKK), with proof that it is theirs: a one-time code
sent to the phone or e-mail address on file and read back, or, for a customer whose identity
QR code was just scanned, that scan. Mixed into TabletState."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.contracts.customers import (
    CodeProof,
    ConsentChallengeOut,
    CustomerSummary,
    CustomerView,
    VisitProof,
)
from app.domain import consent
from app.tablet.client import ApiProblem, ReyonClient
from app.tablet.state.notice import Notice

_SIX_DIGITS = re.compile(r"[0-9]{6}")

# The API's problem types about consent, and the words the associate sees for each.
_PROBLEM_KEYS = {
    "consent-code-expired": "consent_code_expired",
    "consent-code-used": "consent_code_expired",
    "consent-code-exhausted": "consent_code_exhausted",
    "consent-proof-required": "consent_proof_required",
    "consent-contact-missing": "consent_no_contact",
    "messaging-unavailable": "consent_cannot_send",
    "too-many-requests": "consent_too_many",
}


@dataclass
class ConsentState:
    """The code sent to the customer in `needs_consent`, and what was typed back."""

    challenge: ConsentChallengeOut | None = None
    code: str = ""
    tries_left: int | None = None

    @property
    def text_version(self) -> str:
        return consent.TEXT_VERSION

    def text(self, lang: str) -> str:
        """The words the customer is shown before they agree."""
        return consent.consent_text(lang, self.text_version)


class ConsentActions:
    client: ReyonClient
    lang: str
    customer: CustomerView | None
    needs_consent: CustomerSummary | None
    search_results: list[CustomerSummary]
    consent: ConsentState
    notice: Notice | None

    def changed(self) -> None: ...
    def open_customer(self, customer_id: int, summary: CustomerSummary | None = None) -> None: ...
    def _problem(self, exc: ApiProblem) -> None: ...
    def _refresh_customer(self) -> None: ...

    @property
    def may_record_visit_consent(self) -> bool:
        """The customer on screen identified themselves by QR and has not consented yet."""
        c = self.customer
        return c is not None and c.access == "visit" and not c.profile.consents.clienteling.given

    def send_consent_code(self, channel: str) -> None:
        """Send a code to the customer's own phone (sms) or e-mail address on file."""
        who = self.needs_consent
        if who is None:
            return
        try:
            challenge = self.client.send_consent_code(who.id, channel, self.lang)
        except ApiProblem as exc:
            self._consent_problem(exc)
            return
        self.consent = ConsentState(challenge=challenge)
        self.notice = Notice("consent_code_sent", {"to": challenge.sent_to})
        self.changed()

    def new_consent_code(self) -> None:
        """Back to choosing how to send a code (the customer did not get it, or it died)."""
        self.consent = ConsentState()
        self.notice = None
        self.changed()

    def confirm_consent_code(self, code: str | None = None) -> None:
        """The customer read back the code: record their consent with it as proof."""
        who, challenge = self.needs_consent, self.consent.challenge
        if who is None or challenge is None:
            return
        text = (code if code is not None else self.consent.code).strip()
        self.consent.code = text
        if not _SIX_DIGITS.fullmatch(text):
            self.notice = Notice("consent_code_format", error=True)
            self.changed()
            return
        proof = CodeProof(kind="code", challenge_id=challenge.id, code=text)
        try:
            self.client.record_consent(who.id, proof=proof, text_version=self.consent.text_version)
        except ApiProblem as exc:
            self._consent_problem(exc)
            return
        self.consent = ConsentState()
        self.search_results = []  # their masked summaries are out of date now
        self.open_customer(who.id)

    def record_consent(self) -> None:
        """The customer on screen, identified by their QR code here a moment ago, agrees: the
        scan is the proof."""
        if not self.may_record_visit_consent or self.customer is None:
            return
        customer_id = self.customer.profile.id
        try:
            self.client.record_consent(
                customer_id, proof=VisitProof(kind="visit"), text_version=consent.TEXT_VERSION
            )
        except ApiProblem as exc:
            self._consent_problem(exc)
            return
        self._refresh_customer()
        self.notice = Notice("consent_recorded")
        self.changed()

    def _consent_problem(self, exc: ApiProblem) -> None:
        if exc.kind == "consent-code-wrong":
            left = exc.extra.get("tries_left")
            self.consent.tries_left = left if isinstance(left, int) else None
            self.notice = Notice("consent_code_wrong", {"n": self.consent.tries_left}, error=True)
        elif exc.kind in _PROBLEM_KEYS:
            if exc.kind in ("consent-code-expired", "consent-code-used", "consent-code-exhausted"):
                self.consent = ConsentState()  # that code is dead: offer to send another
            wait = exc.extra.get("retry_after", "")
            self.notice = Notice(_PROBLEM_KEYS[exc.kind], {"s": wait}, error=True)
        else:
            self._problem(exc)
            return
        self.changed()
