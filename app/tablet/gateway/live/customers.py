"""The live gateway's customers: search, view, wishlist, try-ons, notes and consent."""

from __future__ import annotations

from collections.abc import Sequence

from app.contracts.customers import (
    CodeProof,
    ConsentChallengeOut,
    CustomerSearchResult,
    CustomerView,
    ItemRef,
    NoteCreate,
    NoteOut,
    TryOnCreate,
    TryOnOut,
    VisitProof,
    WishlistAdd,
    WishlistItem,
)
from app.domain.consent import TEXT_VERSION
from app.tablet.gateway import Author, Submitted, checked
from app.tablet.gateway.live.base import LiveBase, placeholder_id, utcnow


class LiveCustomers(LiveBase):
    # -- reads -----------------------------------------------------------------------------

    def search_customers(self, field: str, text: str) -> CustomerSearchResult:
        return self.client.search_customers(**{field: text})

    def customer(self, customer_id: int) -> CustomerView:
        """Online the view is kept in the cache (the customer consented or scanned their
        code); offline the last one seen here is shown."""

        def ask() -> CustomerView:
            view = self.client.customer(customer_id)
            if self.offline is not None:
                self.offline.cache.keep_customer(view)
            return view

        return self._read(ask, lambda cache: cache.customer(customer_id, allowed_offline=True))

    def cached_customer(self, customer_id: int) -> CustomerView | None:
        return self.offline.cache.customer(customer_id) if self.offline is not None else None

    def forget_customer(self, customer_id: int) -> None:
        if self.offline is not None:
            self.offline.cache.forget_customer(customer_id)

    # -- writes that may wait in the queue ---------------------------------------------------

    def add_wishlist(
        self, by: Author, customer_id: int, sku: str, *, key: str, item: ItemRef | None
    ) -> Submitted:
        def saved(view: CustomerView) -> None:
            if item is not None and all(w.item.sku != sku for w in view.wishlist):
                view.wishlist.insert(
                    0,
                    WishlistItem(
                        id=placeholder_id(),
                        item=item,
                        channel="store",
                        location_code=by.store_code,
                        created_at=utcnow(),
                    ),
                )

        return self._write(
            by,
            kind="wishlist",
            path=f"/v1/customers/{customer_id}/wishlist",
            body=checked(lambda: WishlistAdd(sku=sku, channel="store")),
            key=key,
            customer_id=customer_id,
            label=sku,
            change=saved,
        )

    def add_try_on(
        self,
        by: Author,
        customer_id: int,
        sku: str,
        outcome: str,
        *,
        key: str,
        item: ItemRef | None,
    ) -> Submitted:
        body = checked(lambda: TryOnCreate.model_validate({"sku": sku, "outcome": outcome}))

        def tried(view: CustomerView) -> None:
            if item is not None:
                view.try_ons.insert(
                    0,
                    TryOnOut(
                        id=placeholder_id(),
                        item=item,
                        outcome=body.outcome,
                        note="",
                        location_code=by.store_code,
                        associate_name=by.associate_name,
                        tried_at=utcnow(),
                    ),
                )

        return self._write(
            by,
            kind="try_on",
            path=f"/v1/customers/{customer_id}/try-ons",
            body=body,
            key=key,
            customer_id=customer_id,
            label=f"{sku} · {outcome}",
            change=tried,
        )

    def add_note(self, by: Author, customer_id: int, note: str, *, key: str) -> Submitted:
        def noted(view: CustomerView) -> None:
            view.notes.insert(
                0,
                NoteOut(
                    id=placeholder_id(),
                    body=note,
                    associate_name=by.associate_name,
                    location_code=by.store_code,
                    created_at=utcnow(),
                ),
            )

        return self._write(
            by,
            kind="note",
            path=f"/v1/customers/{customer_id}/notes",
            body=checked(lambda: NoteCreate(body=note)),
            key=key,
            customer_id=customer_id,
            label=note[:60],
            change=noted,
        )

    # -- consent: the API's word now ------------------------------------------------------

    def send_consent_code(self, customer_id: int, channel: str, lang: str) -> ConsentChallengeOut:
        return self.client.send_consent_code(customer_id, channel, lang)

    def record_consent_by_code(
        self, customer_id: int, challenge_id: int, code: str, channels: Sequence[str] = ()
    ) -> None:
        proof = CodeProof(kind="code", challenge_id=challenge_id, code=code)
        self.client.record_consent(
            customer_id, proof=proof, text_version=TEXT_VERSION, channels=channels
        )

    def record_consent_by_visit(self, customer_id: int, channels: Sequence[str] = ()) -> None:
        self.client.record_consent(
            customer_id,
            proof=VisitProof(kind="visit"),
            text_version=TEXT_VERSION,
            channels=channels,
        )
