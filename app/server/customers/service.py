"""Customers: search (masked until consent), identification by QR, and what associates record
about a visit: saved items, try-ons, notes. Consent (with the customer's proof) is in
consent.py; the single customer view, which gathers orders and coupons too, in customer_view/."""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.contracts.customers import (
    Consent,
    Consents,
    CustomerSearchResult,
    CustomerSummary,
    IdentifyResponse,
    NoteCreate,
    NoteOut,
    TryOnCreate,
    TryOnOut,
    WishlistAdd,
    WishlistItem,
)
from app.domain import masking
from app.domain.contact import normalize_email, normalize_phone
from app.domain.errors import Conflict, Invalid, NotFound
from app.server.auth.models import Associate
from app.server.catalog.directory import LocationDirectory
from app.server.catalog.models import Variant
from app.server.catalog.service import item_refs
from app.server.customers.access import access_level, accessible_customer
from app.server.customers.identity import accept_identity_code
from app.server.customers.models import (
    Customer,
    CustomerNote,
    TryOn,
    VisitGrant,
    WishlistEntry,
)
from app.server.db import utcnow
from app.server.deps import Principal
from app.server.sync import changelog, scope

SEARCH_LIMIT = 20


def _summary(c: Customer, masked: bool) -> CustomerSummary:
    return CustomerSummary(
        id=c.id,
        loyalty_number=c.loyalty_number,
        first_name=masking.mask_name(c.first_name) if masked else c.first_name,
        last_name=masking.mask_name(c.last_name) if masked else c.last_name,
        phone=masking.mask_phone(c.phone) if masked else c.phone,
        email=masking.mask_email(c.email) if masked else c.email,
        tier=c.tier,
        masked=masked,
    )


def search(
    *,
    db_session: Session,
    principal: Principal,
    phone: str | None,
    email: str | None,
    loyalty: str | None,
) -> CustomerSearchResult:
    if not (phone or email or loyalty):
        raise Invalid(
            "search-needs-criteria", "Nothing to search for", "Give phone, email or loyalty."
        )
    conditions = []
    if phone:
        normalized = normalize_phone(phone)
        if normalized is None:
            raise Invalid("bad-phone", "Not a phone number", "Type the number with its area code.")
        conditions.append(col(Customer.phone) == normalized)
    if email:
        normalized = normalize_email(email)
        if normalized is None:
            raise Invalid("bad-email", "Not an e-mail address")
        conditions.append(col(Customer.email) == normalized)
    if loyalty:
        conditions.append(col(Customer.loyalty_number) == loyalty.strip().upper())
    rows = db_session.execute(
        select(Customer).where(or_(*conditions)).order_by(col(Customer.id)).limit(SEARCH_LIMIT)
    ).scalars()
    items = [_summary(c, masked=access_level(db_session, c, principal) == "none") for c in rows]
    return CustomerSearchResult(items=items)


def identify(
    *, db_session: Session, principal: Principal, token: str, grant_hours: int
) -> IdentifyResponse:
    """The customer showed their app's QR code: that is their consent for this visit, and this
    tablet now holds the customer (their changes come through its change feed)."""
    customer_id = accept_identity_code(db_session, token, location_id=principal.store_id)
    customer = db_session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("Customer", customer_id)
    expires = utcnow() + timedelta(hours=grant_hours)
    db_session.add(
        VisitGrant(
            customer_id=customer_id,
            location_id=principal.store_id,
            associate_id=principal.associate_id,
            expires_at=expires,
        )
    )
    scope.hold_customer(db_session, device_id=principal.device_id, customer_id=customer_id)
    return IdentifyResponse(customer=_summary(customer, masked=False), access_until=expires)


def consents_out(c: Customer) -> Consents:
    return Consents(
        clienteling=Consent(
            given=c.consent_clienteling,
            at=c.consent_clienteling_at,
            source=c.consent_clienteling_source,
        ),
        email=Consent(given=c.consent_email, at=c.consent_email_at, source=c.consent_email_source),
        sms=Consent(given=c.consent_sms, at=c.consent_sms_at, source=c.consent_sms_source),
        whatsapp=Consent(
            given=c.consent_whatsapp, at=c.consent_whatsapp_at, source=c.consent_whatsapp_source
        ),
    )


_ASSOCIATE_NAMES = select(col(Associate.id), col(Associate.name)).where(
    col(Associate.id).in_(bindparam("ids", expanding=True))
)


def associate_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(_ASSOCIATE_NAMES, {"ids": sorted(ids)}).tuples().all())


def _try_on_out(t: TryOn, refs, codes, names) -> TryOnOut:
    return TryOnOut(
        id=t.id,
        item=refs[t.variant_id],
        outcome=t.outcome,
        note=t.note,
        location_code=codes.get(t.location_id, ""),
        associate_name=names.get(t.associate_id) if t.associate_id else None,
        tried_at=t.tried_at,
    )


def _variant(session: Session, sku: str) -> Variant:
    v = session.execute(select(Variant).where(col(Variant.sku) == sku)).scalar_one_or_none()
    if v is None or not v.active:
        raise NotFound("Variant", sku)
    return v


class WishlistSaved(NamedTuple):
    item: WishlistItem
    created: bool  # False: it was saved already, and saving twice is not an error


def add_to_wishlist(
    *,
    db_session: Session,
    principal: Principal,
    customer_id: int,
    body: WishlistAdd,
    directory: LocationDirectory,
) -> WishlistSaved:
    """The new entry, or the existing one when the item was saved already."""
    accessible_customer(db_session, customer_id, principal)
    variant = _variant(db_session, body.sku)
    existing = db_session.execute(
        select(WishlistEntry).where(
            col(WishlistEntry.customer_id) == customer_id,
            col(WishlistEntry.variant_id) == variant.id,
        )
    ).scalar_one_or_none()
    created = existing is None
    if existing is None:
        existing = WishlistEntry(
            customer_id=customer_id,
            variant_id=variant.id,  # type: ignore[arg-type]
            channel=body.channel,
            location_id=principal.store_id if body.channel == "store" else None,
            associate_id=principal.associate_id if body.channel == "store" else None,
        )
        db_session.add(existing)
        try:
            with db_session.begin_nested():
                db_session.flush()
        except IntegrityError:
            raise Conflict("conflict", "Saved at the same moment elsewhere; reload.") from None
        changelog.record(
            db_session, "wishlist", existing.id, customer_id=customer_id, payload={"sku": body.sku}
        )
    refs = item_refs(db_session, {variant.id})  # type: ignore[arg-type]
    codes = directory.codes(db_session)
    item = WishlistItem(
        id=existing.id,
        item=refs[variant.id],  # type: ignore[index]
        channel=existing.channel,
        location_code=codes.get(existing.location_id) if existing.location_id else None,
        created_at=existing.created_at,
    )
    return WishlistSaved(item, created)


def remove_from_wishlist(
    *, db_session: Session, principal: Principal, customer_id: int, sku: str
) -> None:
    accessible_customer(db_session, customer_id, principal)
    variant = _variant(db_session, sku)
    removed = db_session.execute(
        delete(WishlistEntry)
        .where(
            col(WishlistEntry.customer_id) == customer_id,
            col(WishlistEntry.variant_id) == variant.id,
        )
        .returning(col(WishlistEntry.id))
    ).first()
    if removed is None:
        raise NotFound("Wishlist item", sku)
    changelog.record(db_session, "wishlist", removed[0], op="delete", customer_id=customer_id)


def record_try_on(
    *,
    db_session: Session,
    principal: Principal,
    customer_id: int,
    body: TryOnCreate,
    directory: LocationDirectory,
) -> TryOnOut:
    accessible_customer(db_session, customer_id, principal)
    variant = _variant(db_session, body.sku)
    try_on = TryOn(
        customer_id=customer_id,
        variant_id=variant.id,  # type: ignore[arg-type]
        location_id=principal.store_id,
        associate_id=principal.associate_id,
        outcome=body.outcome,
        note=body.note,
    )
    db_session.add(try_on)
    db_session.flush()
    changelog.record(db_session, "try_on", try_on.id, customer_id=customer_id)
    refs = item_refs(db_session, {variant.id})  # type: ignore[arg-type]
    return _try_on_out(
        try_on,
        refs,
        directory.codes(db_session),
        associate_names(db_session, {principal.associate_id}),
    )


def add_note(
    *,
    db_session: Session,
    principal: Principal,
    customer_id: int,
    body: NoteCreate,
    directory: LocationDirectory,
) -> NoteOut:
    accessible_customer(db_session, customer_id, principal)
    note = CustomerNote(
        customer_id=customer_id,
        associate_id=principal.associate_id,
        location_id=principal.store_id,
        body=body.body,
    )
    db_session.add(note)
    db_session.flush()
    changelog.record(db_session, "note", note.id, customer_id=customer_id)
    return NoteOut(
        id=note.id,
        body=note.body,
        associate_name=associate_names(db_session, {principal.associate_id}).get(
            principal.associate_id, ""
        ),
        location_code=directory.codes(db_session).get(principal.store_id, ""),
        created_at=note.created_at,
    )
