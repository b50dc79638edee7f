"""The tablet's whole screen state, with no Flet in it: what is shown, and the actions that
change it. Views read it and call its actions; it calls the client."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.contracts.customers import CustomerSummary, CustomerView
from app.contracts.scan import ScanResult
from app.qr.images import decode_one
from app.tablet.client import ApiProblem, ReyonClient
from app.tablet.state.basket import Alternative, BasketState
from app.tablet.state.manager import ManagerState
from app.tablet.state.product import ProductState
from app.tablet.state.session import LoginState
from app.tablet.state.settings import SettingsState
from app.tablet.state.till import TillState

RECENT_MAX = 8
STORE_TIME = ZoneInfo("Europe/Istanbul")  # the store's calendar day, for the manager's view


def _no_memory(key: str, value: str) -> None:
    """Where the tablet keeps nothing between runs (tests)."""


def _store_today() -> date:
    return datetime.now(STORE_TIME).date()


@dataclass
class Notice:
    key: str  # i18n key
    values: dict[str, object] = field(default_factory=dict)
    error: bool = False


@dataclass
class TabletState:
    client: ReyonClient
    device_id: str
    lang: str = "tr"
    screen: str = "login"  # login | home | customer | product | basket | till | manager | settings
    login: LoginState = field(default_factory=LoginState)
    scan_text: str = ""
    search_text: str = ""
    search_results: list[CustomerSummary] = field(default_factory=list)
    recent: list[CustomerSummary] = field(default_factory=list)
    customer: CustomerView | None = None
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
        if self.login.log_in(self.client, self.device_id):
            self.remember("store_code", self.login.store_code)
            self.screen = "home"
            self.notice = None
        self.changed()

    def log_out(self) -> None:
        self.login.log_out(self.client)
        self.screen = "login"
        # A shared tablet: nothing of this session's customers is left for the next one.
        self.customer = None
        self.recent.clear()
        self.search_results = []
        self.products = ProductState()
        self.basket = BasketState()
        self.till = TillState()
        self.manager = ManagerState()
        self.changed()

    def submit_scan(self, payload: str | None = None) -> None:
        """Camera, hardware scanner (types the code and Enter) or typed: one way in."""
        text = (payload if payload is not None else self.scan_text).strip()
        self.scan_text = ""
        if not text:
            return
        try:
            result = self.client.scan(text)
        except ApiProblem as exc:
            self._problem(exc)
            return
        self._scanned(result, text)

    @staticmethod
    def read_code(image: bytes) -> str | None:
        """The code in a camera frame or a photo (QR, EAN-13 or Code 128), if one is readable."""
        try:
            # Imported here: a build without zxing-cpp (no Android wheel yet) still runs, with
            # the hardware scanner and typed codes.

            found = decode_one(image)
        except ImportError:
            return None
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
            self.customer = self.client.customer(customer_id)
        except ApiProblem as exc:
            self._problem(exc)
            return
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
            self.client.add_note(customer_id, text.strip()[:2000], key=str(uuid.uuid4()))
            self.customer = self.client.customer(customer_id)
        except ApiProblem as exc:
            self._problem(exc)
            return
        self.notice = Notice("note_added")
        self.changed()

    # -- products (scenes 4 and 5) ---------------------------------------------------------

    @property
    def store_id(self) -> int:
        session = self.login.session
        return session.associate.store.id if session else 0

    def show_products(self) -> None:
        self.products.product = None
        self.screen = "product"
        self.changed()

    def search_products(self) -> None:
        self.products.product = None
        self.products.search(self.client)
        self.screen = "product"
        self.changed()

    def open_product(self, product_id: int, sku: str | None = None) -> None:
        try:
            self.products.open(self.client, product_id, sku, self.store_id)
        except ApiProblem as exc:
            self._problem(exc)
            return
        self.screen = "product"
        self.notice = None
        self.changed()

    def select_variant(self, sku: str) -> None:
        self._product_action(lambda: self.products.select(self.client, sku, self.store_id))

    def save_for_customer(self) -> None:
        if self.customer is not None:
            customer_id = self.customer.profile.id
            self._product_action(lambda: self.products.save_for(self.client, customer_id))

    def record_try_on(self, outcome: str) -> None:
        if self.customer is not None:
            customer_id = self.customer.profile.id
            self._product_action(lambda: self.products.tried_on(self.client, customer_id, outcome))

    # -- endless aisle (scene 6) ------------------------------------------------------------

    def add_to_basket(self) -> None:
        ps = self.products
        v, p = ps.variant, ps.product
        if v is None or p is None:
            return
        name = p.name_tr if self.lang == "tr" else p.name_en
        self.basket.add(v.sku, f"{name} · {v.size} · {v.colour}", v.price_kurus)
        ps.done = "added_to_basket"
        self.changed()

    def show_basket(self) -> None:
        self.screen = "basket"
        self.changed()

    def change_quantity(self, sku: str, delta: int) -> None:
        self.basket.change(sku, delta)
        if self.basket.fulfilment == "reserve_in_store":
            self._find_stores()  # another quantity: other stores may (not) hold it all
        self.changed()

    def choose_fulfilment(self, fulfilment: str) -> None:
        self.basket.choose(fulfilment)
        if fulfilment == "reserve_in_store":
            self._find_stores()
        self.changed()

    def _find_stores(self) -> None:
        try:
            self.basket.find_stores(self.client, self.store_id)
        except ApiProblem:
            self.basket.store_options = []  # offline: reserve here, the server decides

    def choose_address(self, address_id: int) -> None:
        self.basket.choose_address(address_id)
        self.changed()

    def choose_store(self, location_id: int | None) -> None:
        self.basket.choose_store(location_id)
        self.changed()

    def take_alternative(self, alternative: Alternative) -> None:
        self.basket.take_alternative(alternative)
        self.changed()

    def place_order(self) -> None:
        if self.customer is None:
            return
        if self.basket.place(self.client, self.customer):
            # The new order shows in the customer's orders at once.
            self.customer = self.client.customer(self.customer.profile.id)
        self.changed()

    # -- the till (scene 7) ----------------------------------------------------------------

    @property
    def is_cashier(self) -> bool:
        session = self.login.session
        return session is not None and session.associate.role in ("cashier", "manager")

    def show_till(self) -> None:
        self.screen = "till"
        self.changed()

    def till_scan(self, payload: str) -> None:
        """At the till one field takes both: the items of the sale and the coupon."""
        text = payload.strip()
        if not text:
            return
        try:
            result = self.client.scan(text)
        except ApiProblem as exc:
            self._problem(exc)
            return
        if result.kind == "coupon":
            self.till.set_coupon(text)
        elif result.product is not None and result.product.sku:
            self.till.add_item(result.product.sku)
        else:
            self.till.set_coupon(text)  # a printed campaign code, typed at the till
        self.changed()

    def _customer_id(self) -> int | None:
        return self.customer.profile.id if self.customer is not None else None

    def check_coupon(self) -> None:
        self.till.validate(self.client, self._customer_id())
        self.changed()

    def redeem_coupon(self) -> None:
        self.till.redeem(self.client, self.store_id, self._customer_id())
        self.changed()

    def void_coupon(self) -> None:
        self.till.void(self.client)
        self.changed()

    def new_sale(self) -> None:
        self.till.new_sale()
        self.changed()

    # -- the manager's day (scene 8) --------------------------------------------------------

    @property
    def is_manager(self) -> bool:
        session = self.login.session
        return session is not None and session.associate.role == "manager"

    def show_manager(self) -> None:
        if not self.is_manager:
            return
        self.screen = "manager"
        self.manager.load(self.client, self.today())
        self.changed()

    def report_day(self, day: date) -> None:
        self.manager.choose_day(self.client, day, self.today())
        self.changed()

    def report_step(self, days: int) -> None:
        self.manager.step(self.client, days, self.today())
        self.changed()

    def report_period(self, period: int) -> None:
        self.manager.choose_period(self.client, period, self.today())
        self.changed()

    # -- settings (scene 9) -----------------------------------------------------------------

    def show_settings(self) -> None:
        self.settings.api_url = self.client.base_url
        self.settings.error, self.settings.saved = None, False
        self.settings.check(self.client)
        self.screen = "settings"
        self.changed()

    def apply_api_url(self, text: str) -> None:
        self.settings.api_url = text
        before = self.client.base_url
        if self.settings.apply(self.client):
            self.remember("api_url", self.client.base_url)
            if self.client.base_url != before and self.login.session is not None:
                self.log_out()  # logged in on the old API: that session means nothing here
                self.screen = "settings"
        self.changed()

    def _product_action(self, action: Callable[[], None]) -> None:
        try:
            action()
        except ApiProblem as exc:
            self._problem(exc)
            return
        self.changed()

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
