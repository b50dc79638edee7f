"""Scene 3, the customer in front of the associate, as one person across every channel; and
the way to them: a customer found by search who has not consented stays masked until they
say yes here with proof (a code sent to their own phone or e-mail address, KVKK), or scan
their app's QR code. The other scenes (product, basket, till) serve this customer."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from app.contracts.customers import ConsentChallengeOut, CustomerSummary, CustomerView
from app.contracts.recommendations import Recommendation
from app.domain import consent
from app.tablet.gateway import QueuedWork
from app.tablet.problem import ApiProblem
from app.tablet.state.session import Scene

CHANNELS = ("email", "sms", "whatsapp")  # message channels a customer opts into one by one
RECENT_MAX = 8
NOTE_MAX = 2000  # characters, as the API takes them (NoteCreate)
_SIX_DIGITS = re.compile(r"[0-9]{6}")
log = logging.getLogger("reyon.tablet")

# The API's problem types about consent, and the words the associate sees for each.
_CONSENT_PROBLEMS = {
    "consent-code-expired": "consent_code_expired",
    "consent-code-used": "consent_code_expired",
    "consent-code-exhausted": "consent_code_exhausted",
    "consent-proof-required": "consent_proof_required",
    "consent-contact-missing": "consent_no_contact",
    "messaging-unavailable": "consent_cannot_send",
    "too-many-requests": "consent_too_many",
}
_DEAD_CODE = ("consent-code-expired", "consent-code-used", "consent-code-exhausted")


@dataclass
class ConsentState:
    """The code sent to the customer in `needs_consent`, and what was typed back."""

    challenge: ConsentChallengeOut | None = None
    code: str = ""
    tries_left: int | None = None
    # The message channels (email, sms, whatsapp) the customer also opts into: none unless
    # they say so (İYS: a box ticked for them is no consent).
    channels: set[str] = field(default_factory=set)

    @property
    def text_version(self) -> str:
        return consent.TEXT_VERSION

    def text(self, lang: str) -> str:
        """The words the customer is shown before they agree."""
        return consent.consent_text(lang, self.text_version)


@dataclass
class CustomerScene(Scene):
    view: CustomerView | None = None  # the customer being served
    recent: list[CustomerSummary] = field(default_factory=list)
    # Found by search, not consented: masked until they agree here with proof.
    needs_consent: CustomerSummary | None = None
    consent: ConsentState = field(default_factory=ConsentState)
    # Told when a customer consented here: search results that showed them masked are stale.
    consented: Callable[[], None] = field(default=lambda: None, repr=False)
    # Told the id of each customer opened here (the look scene reads their looks).
    opened: Callable[[int], None] = field(default=lambda _: None, repr=False)
    # The note being typed: kept when the scene is redrawn (a sync, a language switch).
    note_draft: str = ""
    # The lists (wishlist, try_ons, cart, orders) the associate asked to see in full.
    showing_all: set[str] = field(default_factory=set)
    # "For this customer": read when they are opened; empty offline (the API learns them).
    suggestions: list[Recommendation] = field(default_factory=list)

    @property
    def customer_id(self) -> int | None:
        return self.view.profile.id if self.view is not None else None

    def open(self, customer_id: int, summary: CustomerSummary | None = None) -> None:
        if customer_id != self.customer_id:
            self.note_draft = ""  # another customer: not their note
            if self.needs_consent is None or self.needs_consent.id != customer_id:
                self.consent = ConsentState()  # nor their choice of channels
            self.showing_all = set()
        try:
            self.view = self.gateway.customer(customer_id)
        except ApiProblem as exc:
            if exc.kind == "consent-required":
                self.needs_consent = summary
                self.consent = ConsentState()
                self.session.say("consent_needed", error=True)
                self.session.changed()
                return
            self.refused(exc)
            return
        self.needs_consent = None
        if summary is None:
            p = self.view.profile
            summary = CustomerSummary(
                id=p.id,
                loyalty_number=p.loyalty_number,
                first_name=p.first_name,
                last_name=p.last_name,
                phone=p.phone,
                email=p.email,
                tier=p.tier,
                masked=False,
            )
        self.recent = [summary, *[c for c in self.recent if c.id != customer_id]][:RECENT_MAX]
        v = self.view
        self.gateway.prefetch_pictures(
            item.thumb_url
            for item in (
                *(w.item for w in v.wishlist),
                *(t.item for t in v.try_ons),
                *((line.item for line in v.cart.lines) if v.cart else ()),
            )
        )
        self.opened(customer_id)
        self._suggest(customer_id)
        self.session.show("customer")
        self.session.say(None)
        self.session.changed()

    def _suggest(self, customer_id: int) -> None:
        """Quietly: offline or refused, the scene goes without suggestions."""
        try:
            self.suggestions = self.gateway.customer_recommendations(customer_id).items
        except ApiProblem:
            self.suggestions = []
            return
        self.gateway.prefetch_pictures(r.product.thumb_url for r in self.suggestions)

    def show(self) -> None:
        """Back to the customer being served (home when there is none)."""
        self.session.show("customer" if self.view is not None else "home")
        self.session.changed()

    def refresh(self) -> None:
        """The customer as the API has them now, or as this tablet's queue leaves them."""
        customer_id = self.customer_id
        if customer_id is None:
            return
        try:
            self.view = self.gateway.customer(customer_id)
        except ApiProblem as exc:
            if exc.status in (403, 404):  # consent withdrawn, visit over: off the screen
                log.info("customer %s no longer visible here (%s)", customer_id, exc.kind)
                self.gateway.forget_customer(customer_id)
                self.view = None
                self.session.show("home")
                self.session.say("consent_needed", error=True)
            else:
                self.view = self.gateway.cached_customer(customer_id) or self.view

    def take_fresh(self, fresh: CustomerView) -> bool:
        """The sync's newer view of the customer on screen; False if they are not on it (the
        associate moved on meanwhile) or nothing changed."""
        if self.view is None or self.view.profile.id != fresh.profile.id or fresh == self.view:
            return False
        self.view = fresh
        return True

    @property
    def queued_orders(self) -> list[QueuedWork]:
        """Orders this tablet placed for this customer that wait for the network."""
        customer_id = self.customer_id
        return [
            w
            for w in self.gateway.waiting()
            if w.kind == "order" and w.customer_id == customer_id and w.status != "failed"
        ]

    def show_all(self, kind: str) -> None:
        """The whole list, not only its latest entries."""
        self.showing_all.add(kind)
        self.session.changed()

    def shown(self, kind: str, latest: int) -> int | None:
        """How many entries of a list to show: the latest few, or all (None)."""
        return None if kind in self.showing_all else latest

    @staticmethod
    def note_room(text: str) -> int:
        """How many more characters the note may have."""
        return max(0, NOTE_MAX - len(text.strip()))

    def keep_draft(self, text: str) -> None:
        self.note_draft = text

    def add_note(self, text: str) -> None:
        """A note for every store's associates; the key is made at the tap."""
        customer_id = self.customer_id
        self.note_draft = text
        if customer_id is None or not text.strip():
            return
        try:
            submitted = self.gateway.add_note(
                self.session.author, customer_id, text.strip()[:NOTE_MAX], key=str(uuid.uuid4())
            )
            if submitted.status == "failed" and submitted.problem is not None:
                raise submitted.problem
        except ApiProblem as exc:
            self.refused(exc)
            return
        self.note_draft = ""
        self.refresh()
        if submitted.status == "sent":
            self.session.say(None)
            self.session.confirm("note_added")
        else:  # worth reading until it is sent: it stays on the scene
            self.session.say("note_queued")
        self.session.changed()

    # -- consent, with proof ---------------------------------------------------------------

    @property
    def may_record_visit_consent(self) -> bool:
        """The customer on screen identified themselves by QR and has not consented yet."""
        c = self.view
        return c is not None and c.access == "visit" and not c.profile.consents.clienteling.given

    @property
    def consent_channels(self) -> list[str]:
        """The message channels the customer being asked may opt into: those with an address
        on file (an e-mail address; a phone for SMS and WhatsApp)."""
        who = self.needs_consent
        if who is not None:
            email, phone = who.email, who.phone
        elif self.view is not None:
            email, phone = self.view.profile.email, self.view.profile.phone
        else:
            return []
        return [c for c in CHANNELS if (email if c == "email" else phone)]

    def toggle_consent_channel(self, channel: str) -> None:
        if channel in self.consent.channels:
            self.consent.channels.discard(channel)
        elif channel in self.consent_channels:
            self.consent.channels.add(channel)
        self.session.changed()

    def send_consent_code(self, channel: str) -> None:
        """Send a code to the customer's own phone (sms) or e-mail address on file."""
        who = self.needs_consent
        if who is None:
            return
        try:
            challenge = self.gateway.send_consent_code(who.id, channel, self.session.lang)
        except ApiProblem as exc:
            self._consent_problem(exc)
            return
        self.consent = ConsentState(challenge=challenge, channels=self.consent.channels)
        self.session.say("consent_code_sent", {"to": challenge.sent_to})
        self.session.changed()

    def new_consent_code(self) -> None:
        """Back to choosing how to send a code (the customer did not get it, or it died)."""
        self.consent = ConsentState(channels=self.consent.channels)
        self.session.say(None)
        self.session.changed()

    def confirm_consent_code(self, code: str | None = None) -> None:
        """The customer read back the code: record their consent with it as proof."""
        who, challenge = self.needs_consent, self.consent.challenge
        if who is None or challenge is None:
            return
        text = (code if code is not None else self.consent.code).strip()
        self.consent.code = text
        if not _SIX_DIGITS.fullmatch(text):
            self.session.say("consent_code_format", error=True)
            self.session.changed()
            return
        try:
            self.gateway.record_consent_by_code(
                who.id, challenge.id, text, sorted(self.consent.channels)
            )
        except ApiProblem as exc:
            self._consent_problem(exc)
            return
        self.consent = ConsentState()
        self.consented()
        self.open(who.id)

    def record_consent(self) -> None:
        """The customer on screen, identified by their QR code here a moment ago, agrees: the
        scan is the proof."""
        customer_id = self.customer_id
        if not self.may_record_visit_consent or customer_id is None:
            return
        try:
            self.gateway.record_consent_by_visit(customer_id, sorted(self.consent.channels))
        except ApiProblem as exc:
            self._consent_problem(exc)
            return
        self.consent = ConsentState()
        self.refresh()
        self.session.say("consent_recorded")
        self.session.changed()

    def _consent_problem(self, exc: ApiProblem) -> None:
        if exc.kind == "consent-code-wrong":
            left = exc.extra.get("tries_left")
            self.consent.tries_left = left if isinstance(left, int) else None
            self.session.say("consent_code_wrong", {"n": self.consent.tries_left}, error=True)
        elif exc.kind in _CONSENT_PROBLEMS:
            if exc.kind in _DEAD_CODE:
                # That code is dead: offer to send another (the channels chosen stay).
                self.consent = ConsentState(channels=self.consent.channels)
            wait = exc.extra.get("retry_after", "")
            self.session.say(_CONSENT_PROBLEMS[exc.kind], {"s": wait}, error=True)
        else:
            self.refused(exc)
            return
        self.session.changed()
