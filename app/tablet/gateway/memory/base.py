"""The in-memory gateway's core: what it holds, the API's common rules, the one write path."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from app.contracts.auth import LoginResponse
from app.contracts.catalog import ProductDetail, VariantOut
from app.contracts.customers import CustomerSummary, CustomerView, ItemRef
from app.contracts.devices import DeviceOut
from app.contracts.fulfilment import PickupOrder
from app.contracts.orders import OrderOut
from app.contracts.promotions import OfflineCouponPolicy, RedemptionOut
from app.contracts.returns import ReturnableOrder
from app.contracts.transfers import TransferOut
from app.qr.keys import KeyRing
from app.tablet.gateway import Author, Submitted
from app.tablet.gateway.memory_world import Associate, Coupon, Location
from app.tablet.problem import ApiProblem

T = TypeVar("T")
LOCK_AFTER = 5  # wrong PINs on one tablet, as the API counts them


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Work:
    """A queued write: what the live outbox stores, with the write itself as a closure."""

    id: int
    kind: str
    label: str
    by: Author
    customer_id: int | None
    send: Callable[[], Any]
    created_at: datetime
    status: str = "pending"
    problem: ApiProblem | None = None
    till_id: str | None = None
    amount_kurus: int = 0


class MemoryBase:
    def __init__(self) -> None:
        self.online = True  # the switch tests flip
        self.keeps_cache = True
        self.api_url = "http://reyon.test"
        self.reachable = {"http://reyon.test", "http://backup.reyon.test"}
        self.prefetched: list[str] = []  # picture URLs scenes asked for ahead of drawing
        self.last_sync: str | None = None
        self.consent_code = "123456"  # what the customer "receives"
        self.locations: dict[int, Location] = {}
        self.distance: dict[frozenset[int], float] = {}
        self.associates: dict[tuple[str, str], Associate] = {}  # (store code, code)
        self.devices_: dict[str, tuple[str, str, DeviceOut]] = {}  # id -> secret, store, row
        self.enrol_codes: dict[str, str] = {}  # one-time code -> store code
        self.products: dict[int, ProductDetail] = {}
        self.stock: dict[tuple[str, int], list[int]] = {}  # (sku, location) -> [on hand, reserved]
        self.customers: dict[int, CustomerView] = {}
        self.identity_codes: dict[str, int] = {}  # a customer's app QR -> customer id
        self.coupons: dict[str, Coupon] = {}
        self.policy: dict[int, OfflineCouponPolicy] = {}
        self.ring = KeyRing({"A": b"memory-gateway-demo-key"}, "A")
        self.orders: dict[int, OrderOut] = {}
        self.redemptions: dict[int, RedemptionOut] = {}
        self.pickups: dict[int, PickupOrder] = {}  # click & collect orders, by order id
        self.returnables: dict[int, ReturnableOrder] = {}  # received orders, as returns see them
        self.moves: dict[int, TransferOut] = {}  # transfers between locations, by id
        # Online-only steps (pickups, transfers): idempotency key -> the first answer.
        self._step_answers: dict[str, object] = {}
        self._ids = itertools.count(1000)
        self._who: LoginResponse | None = None
        self._resume: tuple[str, str, str] | None = None
        self._remembered: dict[tuple[str, str], tuple[str, LoginResponse]] = {}
        self._cached: dict[int, CustomerView] = {}  # customers this tablet opened online
        self._synced = False  # the catalogue and stock are cached after follow_store/sync
        self._visits: set[int] = set()  # customers who scanned their identity QR here
        self._challenges: dict[int, int] = {}  # challenge id -> customer id
        self._answers: dict[str, Submitted] = {}  # idempotency key -> what it got
        self._queue: list[_Work] = []

    # -- helpers -----------------------------------------------------------------------------------

    def _need_online(self) -> None:
        if not self.online:
            raise ApiProblem(0, "offline", "The API cannot be reached")

    def _once(self, key: str, make: Callable[[], T]) -> T:
        """One answer per idempotency key, as the API's store gives a retry the first."""
        self._need_online()
        if key not in self._step_answers:
            self._step_answers[key] = make()
        return cast(T, self._step_answers[key])

    def _need_manager(self) -> LoginResponse:
        self._need_online()
        if self._who is None or self._who.associate.role != "manager":
            raise ApiProblem(403, "forbidden", "Managers only")
        return self._who

    def _variant(self, sku: str) -> tuple[ProductDetail, VariantOut]:
        for p in self.products.values():
            for v in p.variants:
                if sku in (v.sku, v.ean13):
                    return p, v
        raise ApiProblem(404, "not-found", "No such product", sku)

    def _item(self, sku: str) -> ItemRef:
        p, v = self._variant(sku)
        return ItemRef(sku=v.sku, product_id=p.id, name_tr=p.name_tr, name_en=p.name_en, brand=p.brand, size=v.size, colour=v.colour, colour_en=v.colour_en, price_kurus=v.price_kurus)  # fmt: skip

    def _km(self, near: int | None, loc: int) -> float | None:
        return None if near is None else 0.0 if near == loc else self.distance[frozenset({near, loc})]  # fmt: skip

    def _available(self, sku: str, loc: int) -> int:
        on_hand, reserved = self.stock.get((sku, loc), [0, 0])
        return on_hand - reserved

    def _visible(self, customer_id: int) -> CustomerView:
        """The customer as the API shows them: consent, a visit grant, or 403."""
        view = self.customers.get(customer_id)
        if view is None:
            raise ApiProblem(404, "not-found", "No such customer")
        if view.profile.consents.clienteling.given:
            access = "consent"
        elif customer_id in self._visits:
            access = "visit"
        else:
            raise ApiProblem(403, "consent-required", "The customer has not consented")
        return view.model_copy(update={"access": access}, deep=True)

    def _summary(self, view: CustomerView) -> CustomerSummary:
        p, masked = view.profile, not view.profile.consents.clienteling.given
        hide = (lambda s: s[:1] + "***") if masked else (lambda s: s)
        return CustomerSummary(id=p.id, loyalty_number=p.loyalty_number, first_name=hide(p.first_name), last_name=hide(p.last_name), phone=hide(p.phone or ""), email=hide(p.email or ""), tier=p.tier, masked=masked)  # fmt: skip

    def _cached_read(self, ask: Callable[[], T]) -> T:
        """Offline, the catalogue and stock answer only once this tablet synced them."""
        if not self.online and not self._synced:
            raise ApiProblem(0, "offline", "The API cannot be reached")
        return ask()

    def _submit(self, by: Author, kind: str, key: str, label: str, customer_id: int | None, send: Callable[[], Any], **extra: Any) -> Submitted:  # fmt: skip
        """The outbox in short: one answer per key; sent now when online (a refusal is the
        associate's to see at once), else queued for sync()."""
        if key in self._answers:
            return self._answers[key]
        if self.online:
            try:
                answer = Submitted("sent", send())
            except ApiProblem as exc:
                return Submitted("failed", problem=exc)
        else:
            self._queue.append(_Work(next(self._ids), kind, label, by, customer_id, send, utcnow(), **extra))  # fmt: skip
            answer = Submitted("queued")
        self._answers[key] = answer
        return answer

    def _amend(self, customer_id: int, change: Callable[[CustomerView], None]) -> None:
        """A write to a customer, as the API applies it (consent or visit needed)."""
        self._visible(customer_id)
        change(self.customers[customer_id])
        self._cached[customer_id] = self._visible(customer_id)
