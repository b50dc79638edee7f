"""The tablet's actions around a sale (scenes 4 to 7): products and stock, the fitting room,
the endless-aisle basket and the till. Mixed into TabletState."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from app.contracts.customers import CustomerView
from app.contracts.promotions import RedemptionCreate, RedemptionOut
from app.tablet.cache.outbox import NewCommand
from app.tablet.client import ApiProblem, ReyonClient
from app.tablet.i18n import LOCAL as STORE_TIME  # a till's day is the store's day
from app.tablet.offline import Offline
from app.tablet.state.backend import Backend
from app.tablet.state.basket import Alternative, BasketState
from app.tablet.state.notice import Notice
from app.tablet.state.offline_till import offline_offer
from app.tablet.state.product import ProductState
from app.tablet.state.session import LoginState
from app.tablet.state.till import TillState


class SaleActions:
    client: ReyonClient
    offline: Offline | None
    backend: Backend
    lang: str
    screen: str
    login: LoginState
    customer: CustomerView | None
    products: ProductState
    basket: BasketState
    till: TillState
    notice: Notice | None

    def changed(self) -> None: ...
    def _problem(self, exc: ApiProblem) -> None: ...
    def _refresh_customer(self) -> None: ...

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
        self.products.search(self.backend)
        self.screen = "product"
        self.changed()

    def open_product(self, product_id: int, sku: str | None = None) -> None:
        try:
            self.products.open(self.backend, product_id, sku, self.store_id)
        except ApiProblem as exc:
            self._problem(exc)
            return
        self.screen = "product"
        self.notice = None
        self.changed()

    def select_variant(self, sku: str) -> None:
        self._product_action(lambda: self.products.select(self.backend, sku, self.store_id))

    def save_for_customer(self) -> None:
        if self.customer is not None:
            customer_id = self.customer.profile.id
            self._product_action(lambda: self.products.save_for(self.backend, customer_id))

    def record_try_on(self, outcome: str) -> None:
        if self.customer is not None:
            customer_id = self.customer.profile.id
            self._product_action(lambda: self.products.tried_on(self.backend, customer_id, outcome))

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
            self.basket.find_stores(self.backend, self.store_id)
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
        if self.basket.place(self.backend, self.customer):
            # The new order shows in the customer's orders at once.
            self._refresh_customer()
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
            result = self.backend.scan(text)  # items are found in the cache offline too
        except ApiProblem as exc:
            if exc.offline and text.upper().startswith("RY1C"):
                self.till.set_coupon(text)  # a coupon QR: checked offline at redemption
                self.changed()
                return
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
        kit = self.offline
        if self.till.message == "coupon_offline" and kit is not None:
            since = datetime.now(STORE_TIME).replace(hour=0, minute=0, second=0, microsecond=0)
            offer, why = offline_offer(
                payload=self.till.coupon,
                public_keys=kit.coupon_keys(),
                policy=kit.coupon_policy(),
                basket_total_kurus=kit.basket_total(self.till.items),
                used=kit.outbox.offline_redemptions(self.till.till_id, since.astimezone(UTC)),
            )
            self.till.offline_offer = offer
            if offer is None and why != "offline_no_policy":
                self.till.message, self.till.detail = why, ""
        self.changed()

    def redeem_offline(self) -> None:
        """The cashier saw the risk and redeems anyway: queued, settled by the server later."""
        offer, kit = self.till.offline_offer, self.offline
        if offer is None or kit is None:
            return
        till = self.till
        body = RedemptionCreate.model_validate(
            {
                "token": till.coupon,
                "location_id": self.store_id,
                "till_id": till.till_id,
                "sale_ref": till.sale_ref,
                "basket": {
                    "lines": [{"sku": s, "quantity": q} for s, q in till.items.items()],
                    "customer_id": self._customer_id(),
                    "channel": "store",
                },
                "offline_at": datetime.now(UTC).isoformat(),
            }
        )
        submitted = kit.submit(
            NewCommand(
                kind="redemption",
                path="/v1/redemptions",
                body=body,
                key=str(uuid.uuid4()),
                store_code=self.backend.store_code,
                associate_code=self.backend.associate_code,
                customer_id=self._customer_id(),
                label=f"{offer.campaign} · {till.sale_ref}",
                till_id=till.till_id,
                amount_kurus=offer.discount_kurus,
            )
        )
        till.offline_offer = None
        if submitted.status == "failed" and submitted.problem is not None:
            # The network came back in time for the server to say no.
            till.message, till.error = "coupon_invalid", True
            till.detail = submitted.problem.detail or submitted.problem.title
        elif submitted.status == "sent":
            till.redemption = RedemptionOut.model_validate(submitted.answer)
            till.message, till.detail, till.error = "coupon_redeemed", "", False
        else:
            till.queued_offline = True
            till.message, till.detail, till.error = "coupon_redeemed_offline", "", False
        self.changed()

    def void_coupon(self) -> None:
        self.till.void(self.client)
        self.changed()

    def new_sale(self) -> None:
        self.till.new_sale()
        self.changed()

    def _product_action(self, action: Callable[[], None]) -> None:
        try:
            action()
        except ApiProblem as exc:
            self._problem(exc)
            return
        if self.products.done in (
            "saved_for_customer",
            "try_on_recorded",
            "saved_queued",
            "try_on_queued",
        ):
            self._refresh_customer()
        self.changed()
