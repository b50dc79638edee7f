"""The tablet's whole screen state, with no Flet in it: what is shown, and the actions that
change it. Views read it and call its actions; it calls the client."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from app.contracts.customers import CustomerSummary, CustomerView
from app.contracts.scan import ScanResult
from app.qr.images import decode_one
from app.tablet.client import ApiProblem, ReyonClient
from app.tablet.i18n import LOCAL as STORE_TIME  # the store's calendar day
from app.tablet.offline import Offline
from app.tablet.state.backend import Backend
from app.tablet.state.basket import BasketState
from app.tablet.state.consent import ConsentActions, ConsentState
from app.tablet.state.enrolment import EnrolmentState
from app.tablet.state.manager import ManagerState
from app.tablet.state.notice import Notice
from app.tablet.state.office_actions import OfficeActions
from app.tablet.state.product import ProductState
from app.tablet.state.sale_actions import SaleActions
from app.tablet.state.session import LoginState
from app.tablet.state.settings import SettingsState
from app.tablet.state.team import TeamState
from app.tablet.state.till import TillState

RECENT_MAX = 8
log = logging.getLogger("reyon.tablet")


def _no_memory(key: str, value: str) -> None:
    """Where the tablet keeps nothing between runs (tests)."""


def _store_today() -> date:
    return datetime.now(STORE_TIME).date()


@dataclass
class TabletState(SaleActions, OfficeActions, ConsentActions):
    client: ReyonClient
    # The tablet's enrolment (a manager's one-time code -> id and secret, kept in the
    # device's storage); without it the tablet shows the enrolment scene and cannot log in.
    device_id: str = ""
    device_secret: str = ""
    # The offline cache and outbox; None runs the tablet online only (tests of the API paths).
    offline: Offline | None = None
    lang: str = "tr"
    screen: str = "login"  # login | home | customer | product | basket | till | manager | settings
    login: LoginState = field(default_factory=LoginState)
    scan_text: str = ""
    search_text: str = ""
    search_results: list[CustomerSummary] = field(default_factory=list)
    recent: list[CustomerSummary] = field(default_factory=list)
    customer: CustomerView | None = None
    # A customer found by search who has not consented: their data stays masked until they
    # say yes here with proof (a code sent to them, KVKK), or scan their app's QR code.
    needs_consent: CustomerSummary | None = None
    consent: ConsentState = field(default_factory=ConsentState)
    products: ProductState = field(default_factory=ProductState)
    basket: BasketState = field(default_factory=BasketState)
    till: TillState = field(default_factory=TillState)
    manager: ManagerState = field(default_factory=ManagerState)
    settings: SettingsState = field(default_factory=SettingsState)
    notice: Notice | None = None
    busy: bool = False
    # Keeps a preference on this tablet across runs (language, store, API address); the
    # view layer gives the device's own storage.
    remember: Callable[[str, str], None] = field(default=_no_memory, repr=False)
    today: Callable[[], date] = field(default=_store_today, repr=False)
    _listeners: list[Callable[[], None]] = field(default_factory=list, repr=False)
    # Told when only the connection and queue figures changed (the top bar redraws itself;
    # a whole new scene every few seconds would wipe what the associate is typing).
    _status_listeners: list[Callable[[], None]] = field(default_factory=list, repr=False)
    sync_progress: tuple[str, int] | None = None  # (phase, rows) while a sync runs
    backend: Backend = field(init=False, repr=False)

    enrolment: EnrolmentState = field(default_factory=EnrolmentState)
    team: TeamState = field(default_factory=TeamState)

    def __post_init__(self) -> None:
        self.backend = Backend(self.client, self.offline)
        self.till.till_id = self.device_id[:40]  # each tablet is its own till
        self.team.client, self.team.changed = self.client, self.changed
        if not self.enrolled:
            self.screen = "enrol"

    @property
    def enrolled(self) -> bool:
        return bool(self.device_id and self.device_secret)

    # -- plumbing ------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def changed(self) -> None:
        for listener in self._listeners:
            listener()

    # -- actions -------------------------------------------------------------------------

    def set_language(self, lang: str) -> None:
        self.lang = lang if lang in ("tr", "en") else "tr"
        self.remember("lang", self.lang)
        self.changed()

    def log_in(self) -> None:
        people = self.offline.people if self.offline is not None else None
        if self.login.log_in(self.client, (self.device_id, self.device_secret), people):
            self.remember("store_code", self.login.store_code)
            session = self.login.session
            assert session is not None
            b = self.backend
            b.store_code, b.associate_code = self.login.store_code, session.associate.code
            b.associate_name = session.associate.name
            if self.offline is not None:
                self.offline.online = not self.login.offline_session
                if not self.login.offline_session:
                    with contextlib.suppress(ApiProblem):  # the next sync tries again
                        self.offline.follow_store(session.associate.store.id)
            self.screen = "home"
            self.notice = Notice("offline_login") if self.login.offline_session else None
        self.changed()

    def start_enrolment(self) -> None:
        """From the log-in scene, when the API says this tablet is not enrolled in the store
        (revoked, or the store code is another store's): enrol it again."""
        self.screen = "enrol"
        self.enrolment.error = None
        self.changed()

    def enrol(self) -> None:
        """Spend the manager's one-time code; the tablet keeps what it gets."""
        credential = self.enrolment.enrol(self.client)
        if credential is not None:
            self.device_id, self.device_secret = credential.device_id, credential.device_secret
            self.remember("enrolled_device_id", credential.device_id)
            self.remember("device_secret", credential.device_secret)
            self.till.till_id = self.device_id[:40]
            self.login.store_code = credential.store_code
            self.remember("store_code", credential.store_code)
            self.screen = "login"
        self.changed()

    def show_team(self) -> None:
        """The manager's tablets and staff."""
        session = self.login.session
        if session is None or session.associate.role != "manager":
            return
        self.screen = "team"
        self.team.code = None
        self.team.load(session.associate.store.id)

    def log_out(self) -> None:
        self.login.log_out(self.client)
        self.screen = "login"
        # A shared tablet: nothing of this session's customers is left for the next one.
        self.customer = None
        self.needs_consent = None
        self.consent = ConsentState()
        self.recent.clear()
        self.search_results = []
        self.products = ProductState()
        self.basket = BasketState()
        self.till = TillState(till_id=self.device_id[:40])
        self.manager = ManagerState()
        self.team = TeamState(client=self.client, changed=self.changed)
        self.changed()

    def submit_scan(self, payload: str | None = None) -> None:
        """Camera, hardware scanner (types the code and Enter) or typed: one way in."""
        text = (payload if payload is not None else self.scan_text).strip()
        self.scan_text = ""
        if not text:
            return
        try:
            result = self.backend.scan(text)
        except ApiProblem as exc:
            self._problem(exc)
            return
        self._scanned(result, text)

    @staticmethod
    def read_code(image: bytes) -> str | None:
        """The code in a camera frame or a photo (QR, EAN-13 or Code 128), if one is readable."""
        try:
            found = decode_one(image)
        except ValueError:
            return None  # not a picture at all
        return found.text if found is not None else None

    def take_code(self, text: str) -> None:
        """A code read off a picture goes the same way as a typed one."""
        if self.screen == "till":
            self.till_scan(text)
        else:
            self.submit_scan(text)

    def scan_image(self, image: bytes) -> bool:
        text = self.read_code(image)
        if text is None:
            return False
        self.take_code(text)
        return True

    def image_without_code(self) -> None:
        self.notice = Notice("no_code_in_image", error=True)
        self.changed()

    def _scanned(self, result: ScanResult, payload_text: str = "") -> None:
        if not result.valid:
            key = "scan_unknown" if result.kind == "unknown" else "scan_refused"
            self.notice = Notice(key, {"detail": result.detail or ""}, error=True)
        elif result.kind == "identity" and result.customer is not None:
            self.open_customer(result.customer.id, summary=result.customer)
            return
        elif result.coupon is not None and self.is_cashier:
            self.till.set_coupon(payload_text)
            self.screen = "till"
        elif result.coupon is not None:
            self.notice = Notice(
                "scan_coupon", {"campaign": result.coupon.campaign, "code": result.coupon.code}
            )
        elif result.product is not None:
            self.open_product(result.product.product_id, result.product.sku)
            return
        elif result.order_id is not None:
            self.notice = Notice("scan_pay_link", {"order": result.order_id})
        self.changed()

    def search(self) -> None:
        text = self.search_text.strip()
        if not text:
            self.search_results = []
            self.changed()
            return
        field_name = (
            "email" if "@" in text else "loyalty" if text.upper().startswith("RY") else "phone"
        )
        try:
            self.search_results = self.client.search_customers(**{field_name: text}).items
            self.notice = None if self.search_results else Notice("no_match")
        except ApiProblem as exc:
            self._problem(exc)
            return
        self.changed()

    def open_customer(self, customer_id: int, summary: CustomerSummary | None = None) -> None:
        try:
            self.customer = self.backend.customer(customer_id)
        except ApiProblem as exc:
            if exc.kind == "consent-required":
                known = [c for c in self.search_results if c.id == customer_id]
                self.needs_consent = summary or (known[0] if known else None)
                self.consent = ConsentState()
                self.notice = Notice("consent_needed", error=True)
                self.changed()
                return
            self._problem(exc)
            return
        self.needs_consent = None
        if summary is None:
            p = self.customer.profile
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
        self.screen = "customer"
        self.notice = None
        self.changed()

    def add_note(self, text: str) -> None:
        """A note for every store's associates; the key is made at the tap."""
        if self.customer is None or not text.strip():
            return
        customer_id = self.customer.profile.id
        try:
            submitted = self.backend.add_note(
                customer_id, text.strip()[:2000], key=str(uuid.uuid4())
            )
            if submitted.status == "failed" and submitted.problem is not None:
                raise submitted.problem
        except ApiProblem as exc:
            self._problem(exc)
            return
        self._refresh_customer()
        self.notice = Notice("note_added" if submitted.status == "sent" else "note_queued")
        self.changed()

    def _refresh_customer(self) -> None:
        """The customer as the API has them now, or as this tablet's queue leaves them."""
        if self.customer is None:
            return
        customer_id = self.customer.profile.id
        try:
            self.customer = self.backend.customer(customer_id)
        except ApiProblem as exc:
            if exc.status in (403, 404):  # consent withdrawn, visit over: off the screen
                log.info("customer %s no longer visible here (%s)", customer_id, exc.kind)
                if self.offline is not None:
                    self.offline.cache.forget_customer(customer_id)
                self.customer, self.screen = None, "home"
                self.notice = Notice("consent_needed", error=True)
            elif self.offline is not None:
                self.customer = self.offline.cache.customer(customer_id) or self.customer

    def go_back_to_customer(self) -> None:
        self.screen = "customer" if self.customer is not None else "home"
        self.changed()

    def go_home(self) -> None:
        self.screen = "home" if self.login.session else "login"
        self.notice = None
        self.changed()

    def _problem(self, exc: ApiProblem) -> None:
        if exc.status == 401:
            self.log_out()
            return
        key = "offline" if exc.offline else "scan_refused"
        self.notice = Notice(key, {"detail": exc.detail or exc.title}, error=True)
        self.changed()
