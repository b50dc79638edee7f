"""What the state objects read and write through. Reads ask the API and, when it cannot be
reached, answer from the offline cache (what this tablet synced and the customers it
opened). Writes are commands through the durable outbox: sent at once when the API answers,
queued when it does not, with their optimistic effect on the cached customer in the same
local transaction. Without a cache (tests of the online paths) the same calls go straight to
the API."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, text

from app.contracts.catalog import ProductDetail, ProductPage
from app.contracts.customers import (
    CustomerView,
    ItemRef,
    NoteCreate,
    NoteOut,
    TryOnCreate,
    TryOnOut,
    WishlistAdd,
    WishlistItem,
)
from app.contracts.inventory import Availability
from app.contracts.orders import OrderCreate, OrderOut
from app.contracts.scan import ScannedProduct, ScanResult
from app.tablet.cache.outbox import NewCommand
from app.tablet.client import ApiProblem, ReyonClient
from app.tablet.offline import Offline, Submitted

T = TypeVar("T")


def _now() -> datetime:
    return datetime.now(UTC)


def _placeholder_id() -> int:
    """Rows shown before the API has them get negative ids: never a real one."""
    return -random.randint(1, 2**31 - 1)


class Backend:
    def __init__(self, client: ReyonClient, offline: Offline | None = None) -> None:
        self.client = client
        self.offline = offline
        self.store_code = ""
        self.associate_code = ""
        self.associate_name = ""

    @property
    def online(self) -> bool:
        return self.offline.online if self.offline is not None else True

    def _read(self, ask: Callable[[], T], from_cache: Callable[[], T | None]) -> T:
        try:
            answer = ask()
        except ApiProblem as exc:
            if self.offline is None:
                raise
            self.offline.saw(exc)
            if not exc.offline:
                raise
            cached = from_cache()
            if cached is None:
                raise
            return cached
        if self.offline is not None:
            self.offline.online = True
        return answer

    # -- reads -----------------------------------------------------------------------------

    def search_products(self, q: str, limit: int = 20) -> ProductPage:
        cache = self.offline.cache if self.offline else None
        return self._read(
            lambda: self.client.search_products(q, limit),
            lambda: ProductPage(items=cache.search(q, limit), next_cursor=None) if cache else None,
        )

    def product(self, product_id: int) -> ProductDetail:
        cache = self.offline.cache if self.offline else None
        return self._read(
            lambda: self.client.product(product_id),
            lambda: cache.product(product_id) if cache else None,
        )

    def availability(self, sku: str, near: int | None = None) -> Availability:
        cache = self.offline.cache if self.offline else None
        return self._read(
            lambda: self.client.availability(sku, near=near),
            lambda: cache.availability(sku, near) if cache else None,
        )

    def scan(self, payload: str) -> ScanResult:
        """Offline, product codes are still found in the cache; signed codes need the API."""

        def from_cache() -> ScanResult | None:
            if self.offline is None:
                return None
            found = self.offline.cache.find_code(payload)
            if found is None:
                return None
            kind = "ean13" if payload.strip().isdigit() else "sku"
            return ScanResult(
                kind=kind,
                valid=True,
                product=ScannedProduct(product_id=found[0], sku=found[1], store_code=None),
            )

        return self._read(lambda: self.client.scan(payload), from_cache)

    def customer(self, customer_id: int) -> CustomerView:
        """Online the view is kept in the cache (the customer consented or scanned their
        code); offline the last one seen here is shown."""

        def ask() -> CustomerView:
            view = self.client.customer(customer_id)
            if self.offline is not None:
                self.offline.cache.keep_customer(view)
            return view

        def from_cache() -> CustomerView | None:
            if self.offline is None:
                return None
            return self.offline.cache.customer(customer_id, allowed_offline=True)

        return self._read(ask, from_cache)

    # -- writes -----------------------------------------------------------------------------

    def _write(
        self,
        *,
        kind: str,
        path: str,
        body: BaseModel,
        key: str,
        customer_id: int | None,
        label: str,
        effect: Callable[[Connection], None] | None = None,
    ) -> Submitted:
        if self.offline is None:
            token = self.client.token or ""
            try:
                _, answer = self.client.send(
                    "POST", path, body.model_dump_json(), key=key, token=token
                )
            except ApiProblem as exc:
                if exc.offline or exc.status == 401:
                    raise
                return Submitted("failed", problem=exc)
            return Submitted("sent", answer)
        command = NewCommand(
            kind=kind,
            path=path,
            body=body,
            key=key,
            store_code=self.store_code,
            associate_code=self.associate_code,
            customer_id=customer_id,
            label=label,
        )
        return self.offline.submit(command, effect)

    def _amend(
        self, customer_id: int, change: Callable[[CustomerView], None]
    ) -> Callable[[Connection], None]:
        """An optimistic effect: the cached view of the customer, changed in the outbox's
        own transaction."""

        def effect(conn: Connection) -> None:
            raw = conn.execute(
                text("SELECT view FROM customer WHERE id = :i"), {"i": customer_id}
            ).scalar()
            if raw is None:
                return
            view = CustomerView.model_validate_json(raw)
            change(view)
            conn.execute(
                text("UPDATE customer SET view = :v WHERE id = :i"),
                {"v": view.model_dump_json(), "i": customer_id},
            )

        return effect

    def add_wishlist(
        self, customer_id: int, sku: str, *, key: str, item: ItemRef | None = None
    ) -> Submitted:
        def saved(view: CustomerView) -> None:
            if item is not None and all(w.item.sku != sku for w in view.wishlist):
                view.wishlist.insert(
                    0,
                    WishlistItem(
                        id=_placeholder_id(),
                        item=item,
                        channel="store",
                        location_code=self.store_code,
                        created_at=_now(),
                    ),
                )

        return self._write(
            kind="wishlist",
            path=f"/v1/customers/{customer_id}/wishlist",
            body=WishlistAdd(sku=sku, channel="store"),
            key=key,
            customer_id=customer_id,
            label=sku,
            effect=self._amend(customer_id, saved),
        )

    def add_try_on(
        self, customer_id: int, sku: str, outcome: str, *, key: str, item: ItemRef | None = None
    ) -> Submitted:
        body = TryOnCreate.model_validate({"sku": sku, "outcome": outcome})

        def tried(view: CustomerView) -> None:
            if item is not None:
                view.try_ons.insert(
                    0,
                    TryOnOut(
                        id=_placeholder_id(),
                        item=item,
                        outcome=body.outcome,
                        note="",
                        location_code=self.store_code,
                        associate_name=self.associate_name,
                        tried_at=_now(),
                    ),
                )

        return self._write(
            kind="try_on",
            path=f"/v1/customers/{customer_id}/try-ons",
            body=body,
            key=key,
            customer_id=customer_id,
            label=f"{sku} · {outcome}",
            effect=self._amend(customer_id, tried),
        )

    def add_note(self, customer_id: int, note: str, *, key: str) -> Submitted:
        def noted(view: CustomerView) -> None:
            view.notes.insert(
                0,
                NoteOut(
                    id=_placeholder_id(),
                    body=note,
                    associate_name=self.associate_name,
                    location_code=self.store_code,
                    created_at=_now(),
                ),
            )

        return self._write(
            kind="note",
            path=f"/v1/customers/{customer_id}/notes",
            body=NoteCreate(body=note),
            key=key,
            customer_id=customer_id,
            label=note[:60],
            effect=self._amend(customer_id, noted),
        )

    def place_order(self, body: OrderCreate, *, key: str, label: str) -> Submitted:
        """The order as it was when the associate tapped; offline it waits in the queue and
        the API reserves the stock (or refuses it) when it arrives."""
        submitted = self._write(
            kind="order",
            path="/v1/orders",
            body=body,
            key=key,
            customer_id=body.customer_id,
            label=label,
        )
        if submitted.status == "sent":
            submitted.answer = OrderOut.model_validate(submitted.answer)
        return submitted
