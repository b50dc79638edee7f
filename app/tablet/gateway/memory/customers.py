"""The in-memory gateway's customers: search, view, wishlist, try-ons, notes, consent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from app.contracts.customers import (
    Consent,
    ConsentChallengeOut,
    Consents,
    CustomerSearchResult,
    CustomerView,
    ItemRef,
    NoteCreate,
    NoteOut,
    TryOnCreate,
    TryOnOut,
    WishlistAdd,
    WishlistItem,
)
from app.tablet.gateway import Author, Submitted, checked
from app.tablet.gateway.memory.base import MemoryBase, utcnow
from app.tablet.problem import ApiProblem


class MemoryCustomers(MemoryBase):
    def search_customers(self, field: str, text: str) -> CustomerSearchResult:
        self._need_online()
        attr = {"phone": "phone", "email": "email", "loyalty": "loyalty_number"}[field]
        hits = [v for v in self.customers.values() if (getattr(v.profile, attr) or "").lower() == text.strip().lower()]  # fmt: skip
        return CustomerSearchResult(items=[self._summary(v) for v in hits])

    def customer(self, customer_id: int) -> CustomerView:
        if not self.online:
            cached = self._cached.get(customer_id)
            if cached is None:
                raise ApiProblem(0, "offline", "The API cannot be reached")
            return cached.model_copy(deep=True)
        view = self._visible(customer_id)
        self._cached[customer_id] = view
        return view.model_copy(deep=True)

    def cached_customer(self, customer_id: int) -> CustomerView | None:
        cached = self._cached.get(customer_id)
        return cached.model_copy(deep=True) if cached is not None else None

    def forget_customer(self, customer_id: int) -> None:
        self._cached.pop(customer_id, None)

    def add_wishlist(self, by: Author, customer_id: int, sku: str, *, key: str, item: ItemRef | None) -> Submitted:  # fmt: skip
        body = checked(lambda: WishlistAdd(sku=sku))
        row = lambda: WishlistItem(id=next(self._ids), item=self._item(body.sku), channel="store", location_code=by.store_code, created_at=utcnow())  # noqa: E731  # fmt: skip
        return self._submit(by, "wishlist", key, sku, customer_id, lambda: self._amend(customer_id, lambda v: v.wishlist.insert(0, row())))  # fmt: skip

    def add_try_on(self, by: Author, customer_id: int, sku: str, outcome: str, *, key: str, item: ItemRef | None) -> Submitted:  # fmt: skip
        body = checked(lambda: TryOnCreate.model_validate({"sku": sku, "outcome": outcome}))
        row = lambda: TryOnOut(id=next(self._ids), item=self._item(body.sku), outcome=body.outcome, note="", location_code=by.store_code, associate_name=by.associate_name, tried_at=utcnow())  # noqa: E731  # fmt: skip
        return self._submit(by, "try_on", key, f"{sku} · {outcome}", customer_id, lambda: self._amend(customer_id, lambda v: v.try_ons.insert(0, row())))  # fmt: skip

    def add_note(self, by: Author, customer_id: int, note: str, *, key: str) -> Submitted:
        body = checked(lambda: NoteCreate(body=note))
        row = lambda: NoteOut(id=next(self._ids), body=body.body, associate_name=by.associate_name, location_code=by.store_code, created_at=utcnow())  # noqa: E731  # fmt: skip
        return self._submit(by, "note", key, note[:60], customer_id, lambda: self._amend(customer_id, lambda v: v.notes.insert(0, row())))  # fmt: skip

    def send_consent_code(self, customer_id: int, channel: str, lang: str) -> ConsentChallengeOut:
        self._need_online()
        p = self.customers[customer_id].profile
        to = p.phone if channel == "sms" else p.email
        if not to:
            raise ApiProblem(422, "consent-contact-missing", "No contact on file")
        challenge = next(self._ids)
        self._challenges[challenge] = customer_id
        return ConsentChallengeOut(id=challenge, channel=channel, sent_to="***" + to[-4:], expires_at=utcnow() + timedelta(minutes=10))  # fmt: skip

    def _consent(self, customer_id: int, channels: Sequence[str] = ()) -> None:
        """Clienteling, and the message channels chosen; the others stay as they were."""
        given = Consent(given=True, at=utcnow(), source="store")
        was = self.customers[customer_id].profile.consents
        self.customers[customer_id].profile.consents = Consents(clienteling=given, **{c: given if c in channels else getattr(was, c) for c in ("email", "sms", "whatsapp")})  # fmt: skip

    def record_consent_by_code(self, customer_id: int, challenge_id: int, code: str, channels: Sequence[str] = ()) -> None:  # fmt: skip
        self._need_online()
        if self._challenges.get(challenge_id) != customer_id:
            raise ApiProblem(403, "consent-code-expired", "Unknown or expired code")
        if code != self.consent_code:
            raise ApiProblem(403, "consent-code-wrong", "Wrong code", extra={"tries_left": 2})
        del self._challenges[challenge_id]  # a code is good once
        self._consent(customer_id, channels)

    def record_consent_by_visit(self, customer_id: int, channels: Sequence[str] = ()) -> None:
        self._need_online()
        if customer_id not in self._visits:
            raise ApiProblem(403, "consent-proof-required", "No identity scan here")
        self._consent(customer_id, channels)
