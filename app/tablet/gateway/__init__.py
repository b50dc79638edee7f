"""Everything the tablet reads and writes, behind one interface (like the `DataStore` Flet's
trolli example hands its app). State objects are given a `Gateway` and know nothing else:
not HTTP, not the cache, not SQL.

Two implement it: `live.LiveGateway`, the API with the offline cache and the durable outbox
behind it, and `memory.MemoryGateway`, a small store in memory for fast state tests and for
trying a scene without a server. Failures come as `ApiProblem` (app/tablet/problem.py), with
status 0 when the API could not be reached."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError

from app.contracts.auth import LoginResponse, StaffList
from app.contracts.catalog import ProductDetail, ProductPage, ProductQuery
from app.contracts.clienteling import (
    AppointmentCreate,
    AppointmentDay,
    AppointmentOut,
    ClientBook,
    Colleague,
    TaskCreate,
    TaskList,
)
from app.contracts.customers import (
    ConsentChallengeOut,
    CustomerSearchResult,
    CustomerView,
    ItemRef,
)
from app.contracts.devices import DeviceCredential, DeviceList, DeviceOut, EnrolmentCodeOut
from app.contracts.exchanges import ExchangeCreate, ExchangeOut
from app.contracts.fulfilment import (
    HandOverOut,
    PackOut,
    PickOut,
    PickupQueue,
    ReadyOut,
    ShipOut,
)
from app.contracts.inventory import Availability, ProductStock
from app.contracts.looks import LookCreate, LookOut
from app.contracts.orders import OrderCreate, OrderOut, PayLinkOut
from app.contracts.promotions import CouponValidation, OfflineCouponPolicy, RedemptionOut
from app.contracts.recommendations import CustomerRecommendations, ProductRecommendations
from app.contracts.reports import StoreReport
from app.contracts.returns import ReturnCreate, ReturnLookup
from app.contracts.scan import ScanResult
from app.contracts.sync import Health
from app.contracts.transfers import TransferCreate, TransferList, TransferOut
from app.tablet.problem import ApiProblem

# Told (phase, rows so far) while a sync runs.
Progress = Callable[[str, int], None]
T = TypeVar("T")


def checked(make: Callable[[], T]) -> T:
    """A request the contract refuses is refused here as the API would (422), never sent:
    a scanner that types 5,000 characters is bad input, not a crash. Both gateways build
    their requests through this."""
    try:
        return make()
    except ValidationError as exc:
        fields = ", ".join(str(e["loc"][-1]) for e in exc.errors() if e.get("loc"))
        raise ApiProblem(422, "validation", "Invalid input", fields or None) from None


@dataclass
class Submitted:
    """What became of a write: sent (with the API's answer), queued (sent when the network
    returns), or refused by the API (with its problem)."""

    status: str  # sent | queued | failed
    answer: Any = None
    problem: ApiProblem | None = None


@dataclass(frozen=True)
class Author:
    """Who makes a write, so a queued one is sent later with that associate's own session."""

    store_code: str
    associate_code: str
    associate_name: str


@dataclass(frozen=True)
class SignedIn:
    """A log-in: the API's session, or (offline) the one this tablet remembered."""

    session: LoginResponse
    offline: bool = False


@dataclass(frozen=True)
class QueuedWork:
    """A write still waiting for the API, or refused by it, as the associate sees it."""

    id: int
    kind: str  # order | try_on | wishlist | note | redemption | return | look | task
    label: str
    associate_code: str
    customer_id: int | None
    status: str  # pending | sending | failed
    error_kind: str | None
    error_detail: str | None
    created_at: datetime


@dataclass(frozen=True)
class TillFacts:
    """What a till needs to decide on a coupon with no network: the store's limit, the keys
    that sign coupons, the basket at its cached prices (None: an item is not cached) and what
    this till already redeemed offline today (count, discount)."""

    policy: OfflineCouponPolicy | None
    coupon_keys: dict[str, bytes]
    basket_total_kurus: int | None
    used_today: tuple[int, int]


@dataclass(frozen=True)
class BookQuery:
    """One page of the client book as asked for: the filters combine (AND)."""

    q: str = ""
    tiers: tuple[str, ...] = ()
    birth_month: int | None = None
    back_in_stock: bool | None = None
    not_visited_days: int | None = None
    sort: str = "last_visit"
    offset: int = 0
    limit: int = 25


class Gateway(Protocol):
    # -- the connection ------------------------------------------------------------------
    @property
    def online(self) -> bool: ...
    @property
    def keeps_cache(self) -> bool:
        """Whether this tablet keeps an offline cache and a queue (False: online only)."""
        ...

    @property
    def api_url(self) -> str: ...
    def health(self) -> Health: ...
    def use_api(self, url: str) -> Health:
        """Switch to another API only if a Reyon API answers there (else raise, unchanged)."""
        ...

    # -- the tablet and who uses it --------------------------------------------------------
    def enrol(self, code: str, name: str | None) -> DeviceCredential: ...
    def log_in(
        self, store_code: str, associate_code: str, pin: str, device: tuple[str, str]
    ) -> SignedIn:
        """Online; when the API cannot be reached, against this tablet's own record of who
        logged in here (raises OfflineLoginError when it refuses)."""
        ...

    def resume_online(self, device: tuple[str, str]) -> LoginResponse | None:
        """After an offline log-in, once the API answers: a session of the server's own."""
        ...

    def log_out(self) -> None: ...
    def follow_store(self, store_id: int) -> None:
        """Keep this store's stock (and its neighbours') for offline use."""
        ...

    # -- reads (from the cache when the API cannot be reached) ---------------------------
    def scan(self, payload: str) -> ScanResult: ...
    def search_customers(self, field: str, text: str) -> CustomerSearchResult: ...
    def customer(self, customer_id: int) -> CustomerView: ...
    def cached_customer(self, customer_id: int) -> CustomerView | None: ...
    def forget_customer(self, customer_id: int) -> None: ...
    def search_products(self, query: ProductQuery) -> ProductPage: ...
    def product(self, product_id: int) -> ProductDetail: ...
    def availability(self, sku: str, near: int | None = None) -> Availability: ...
    def product_stock(self, product_id: int, near: int | None = None) -> ProductStock:
        """Every variant's stock at `near`, in the other stores and online (the grid)."""
        ...

    def product_recommendations(
        self, product_id: int, size: str | None = None
    ) -> ProductRecommendations:
        """What completes the product's look and, with `size`, similar products on this
        store's shelf in that size. Online only: a scene goes without them offline."""
        ...

    def customer_recommendations(self, customer_id: int) -> CustomerRecommendations:
        """For the customer being served, from what they saved, tried on and bought. Online
        only."""
        ...

    def order(self, order_id: int) -> OrderOut: ...
    def picture(self, url: str) -> bytes | None:
        """A product picture by its URL from the contracts (thumb_url, image_url): kept
        offline once seen; None when it is neither kept nor reachable now."""
        ...

    def prefetch_pictures(self, urls: Iterable[str | None]) -> None:
        """The pictures a scene is about to show, fetched several at once into the offline
        cache, so drawing the scene finds them there; never raises (a missing picture is a
        placeholder)."""
        ...

    def store_report(self, first_day: date, last_day: date) -> StoreReport: ...
    def pay_link(self, order_id: int) -> PayLinkOut: ...

    # -- writes that may wait in the queue: one path, an idempotency key each ---------------
    def add_wishlist(
        self, by: Author, customer_id: int, sku: str, *, key: str, item: ItemRef | None
    ) -> Submitted: ...
    def add_try_on(
        self,
        by: Author,
        customer_id: int,
        sku: str,
        outcome: str,
        *,
        key: str,
        item: ItemRef | None,
    ) -> Submitted: ...
    def add_note(self, by: Author, customer_id: int, note: str, *, key: str) -> Submitted: ...
    def place_order(self, by: Author, body: OrderCreate, *, key: str, label: str) -> Submitted: ...
    def redeem_offline(
        self, by: Author, body: dict[str, Any], *, key: str, label: str, discount_kurus: int
    ) -> Submitted: ...

    # -- writes that need the API's word now ------------------------------------------------
    def send_consent_code(
        self, customer_id: int, channel: str, lang: str
    ) -> ConsentChallengeOut: ...
    def record_consent_by_code(
        self, customer_id: int, challenge_id: int, code: str, channels: Sequence[str] = ()
    ) -> None:
        """Clienteling, and the message channels (email, sms, whatsapp) the customer also
        opted into; the others stay as they were."""
        ...

    def record_consent_by_visit(self, customer_id: int, channels: Sequence[str] = ()) -> None: ...
    def validate_coupon(self, body: dict[str, Any]) -> CouponValidation: ...
    def redeem_coupon(self, body: dict[str, Any], *, key: str) -> RedemptionOut: ...
    def void_redemption(self, redemption_id: int) -> RedemptionOut: ...
    def enrolment_code(self) -> EnrolmentCodeOut: ...
    def devices(self) -> DeviceList: ...
    def staff(self, store_id: int) -> StaffList: ...
    def revoke_device(self, device_id: str) -> DeviceOut: ...
    def set_associate_active(self, associate_id: int, *, active: bool) -> None: ...
    def unlock_associate(self, associate_id: int) -> None: ...
    def send_pay_link(self, order_id: int, channel: str, lang: str = "tr") -> None:
        """The order's pay link to its own customer's phone ("sms") or e-mail ("email") on
        file, in `lang`: the API's word now, never queued (a link sent hours late is no use)."""
        ...

    # -- the store's pickups: the API's word now (a hand-over trusted offline could hand one
    # order over twice, at two tablets) ------------------------------------------------------
    def to_prepare(self, store_id: int) -> PickupQueue:
        """The store's click & collect and reserve-in-store orders to pick, mark ready or
        hand over, oldest first."""
        ...

    def pick(self, order_id: int, barcode: str, *, key: str) -> PickOut: ...
    def pack(self, order_id: int, *, key: str) -> PackOut: ...
    def ship(self, order_id: int, lang: str, *, key: str) -> ShipOut: ...
    def mark_ready(self, order_id: int, lang: str, *, key: str) -> ReadyOut: ...
    def hand_over(self, order_id: int, code: str, *, key: str) -> HandOverOut:
        """Everything ready, against the customer's identity QR code or the order's pickup
        code."""
        ...

    # -- returns: found online (only the API knows what was bought and already returned);
    # taken back like an order, so a return confirmed as the Wi-Fi drops waits in the outbox --
    def find_return(
        self, *, code: str | None = None, customer_id: int | None = None
    ) -> ReturnLookup:
        """The order on a receipt (its number or QR `code`), or a customer's received
        orders, each line with what may still come back."""
        ...

    def take_return(
        self, by: Author, order_id: int, body: ReturnCreate, *, key: str, label: str
    ) -> Submitted:
        """Sent now, or queued when offline; the answer's `answer` is a ReturnOut when sent."""
        ...

    def exchange(self, order_id: int, body: ExchangeCreate, *, key: str) -> ExchangeOut:
        """Lines taken back and replaced in one step, the difference settled: the API's word
        now, never queued (whether the new size is on the shelf is only known now)."""
        ...

    # -- looks sent to a client (issue 15): a look composed as the Wi-Fi drops waits in the
    # outbox like an order and is made once (its key was made when the associate tapped Send);
    # the API checks the channel's consent when it takes it and again when it sends it --------
    def send_look(self, by: Author, body: LookCreate, *, key: str, label: str) -> Submitted:
        """Sent now, or queued when offline; `answer` is a LookOut when sent."""
        ...

    def looks_of(self, customer_id: int) -> list[LookOut]:
        """The customer's looks, newest first; offline, the ones last seen here (or none)."""
        ...

    # -- the client book and follow-up tasks (issue 15, scene 14): read online (the scenes keep
    # what they last read, for offline); a task's changes leave through the one write path,
    # so one made as the Wi-Fi drops waits in the outbox with the key made at the tap ----------
    def client_book(self, query: BookQuery) -> ClientBook: ...
    def tasks(self, scope: str) -> TaskList:
        """ "today" (due today or before), "open" or "overdue"; a manager's has `team`."""
        ...

    def colleagues(self) -> list[Colleague]:
        """The active associates of this store: whom a task may be handed over to."""
        ...

    def task_done(self, by: Author, task_id: int, *, key: str, label: str) -> Submitted: ...
    def snooze_task(
        self, by: Author, task_id: int, until: date, *, key: str, label: str
    ) -> Submitted: ...
    def hand_over_task(
        self, by: Author, task_id: int, associate_id: int, *, key: str, label: str
    ) -> Submitted: ...
    def add_task(self, by: Author, body: TaskCreate, *, key: str, label: str) -> Submitted:
        """`answer` is a TaskOut when sent."""
        ...

    # -- appointments (issue 15): the API's word now, never queued (the associate's time is
    # held there, and a colleague's tablet may be booking the same quarter-hour) ---------------
    def appointment_day(self, day: date) -> AppointmentDay:
        """The store's calendar of a local day, with each associate's taken quarter-hours."""
        ...

    def book_appointment(self, body: AppointmentCreate, *, key: str) -> AppointmentOut: ...
    def cancel_appointment(self, appointment_id: int, *, key: str) -> AppointmentOut: ...

    # -- transfers between stores: the API's word now (the units are held and counted there,
    # and two tablets may scan the same box) ---------------------------------------------------
    def transfers(self, store_id: int, direction: str) -> TransferList:
        """ "outgoing": what other stores asked of this one, still to send; "incoming": what
        this store asked for and what is on its way here; oldest first."""
        ...

    def request_transfer(self, body: TransferCreate, *, key: str) -> TransferOut: ...
    def send_transfer(self, transfer_id: int, scans: list[str], *, key: str) -> TransferOut:
        """What went into the box: one code (EAN-13 or SKU) per unit."""
        ...

    def receive_transfer(
        self, transfer_id: int, scans: list[str], damaged: list[str], *, key: str
    ) -> TransferOut:
        """What came out of the box, sound and damaged, one code per unit; the rest is
        recorded as short."""
        ...

    def close_transfer(self, transfer_id: int, how: str, *, key: str) -> TransferOut:
        """ "cancel" (the requesting store) or "refuse" (the sender), before it is sent."""
        ...

    # -- the queue and the cache --------------------------------------------------------------
    @property
    def queued(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def last_sync(self) -> str | None: ...
    def waiting(self) -> list[QueuedWork]: ...
    def dismiss(self, command_id: int) -> None: ...
    def sync(self, store_id: int, *, till_rules: bool, progress: Progress | None = None) -> None:
        """Send what is queued, pull what changed (and, for a till, its offline coupon rules);
        never raises for a network that is gone: `online` says so."""
        ...

    def till_facts(self, till_id: str, items: dict[str, int], since: datetime) -> TillFacts: ...
