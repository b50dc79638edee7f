"""Customers: search (masked until consent), identification by QR, the single customer view,
and what associates record about a visit: saved items, try-ons, notes, consent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.contracts.customers import (
    AddressOut,
    Consent,
    Consents,
    ConsentUpdate,
    CustomerProfile,
    CustomerSearchResult,
    CustomerSummary,
    CustomerView,
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
from app.qr.signing import TokenError
from app.qr.tokens import read_identity_token
from app.server.auth.models import Associate
from app.server.catalog.models import Location, Variant
from app.server.catalog.service import item_refs
from app.server.customers.access import access_level, accessible_customer
from app.server.customers.models import (
    Cart,
    CartLine,
    Customer,
    CustomerAddress,
    CustomerNote,
    TryOn,
    VisitGrant,
    WishlistEntry,
)
from app.server.db import utcnow
from app.server.deps import Principal
from app.server.errors import ApiError, not_found
from app.server.orders.service import order_summaries
from app.server.promotions.service import coupons_held
from app.server.sync import changelog

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
        raise ApiError(
            422, "search-needs-criteria", "Nothing to search for", "Give phone, email or loyalty."
        )
    conditions = []
    if phone:
        normalized = normalize_phone(phone)
        if normalized is None:
            raise ApiError(
                422, "bad-phone", "Not a phone number", "Type the number with its area code."
            )
        conditions.append(col(Customer.phone) == normalized)
    if email:
        normalized = normalize_email(email)
        if normalized is None:
            raise ApiError(422, "bad-email", "Not an e-mail address")
        conditions.append(col(Customer.email) == normalized)
    if loyalty:
        conditions.append(col(Customer.loyalty_number) == loyalty.strip().upper())
    rows = db_session.execute(
        select(Customer).where(or_(*conditions)).order_by(col(Customer.id)).limit(SEARCH_LIMIT)
    ).scalars()
    items = [_summary(c, masked=access_level(db_session, c, principal) == "none") for c in rows]
    return CustomerSearchResult(items=items)


def identify(
    *, db_session: Session, principal: Principal, token: str, key: bytes, grant_hours: int
) -> IdentifyResponse:
    """The customer showed their app's QR code: that is their consent for this visit."""
    try:
        customer_id = read_identity_token(token, key)
    except TokenError as exc:
        raise ApiError(
            422,
            f"identity-token-{exc.reason.replace('_', '-')}",
            "This code cannot identify a customer",
            {
                "expired": "The code has expired; ask the customer to refresh it in the app.",
                "bad_signature": "The code is not signed by this brand.",
                "wrong_kind": "This is not a customer identity code.",
            }.get(exc.reason, "The code is damaged or not a Reyon code."),
            reason=exc.reason,
        ) from None
    customer = db_session.get(Customer, customer_id)
    if customer is None:
        raise not_found("Customer", customer_id)
    expires = utcnow() + timedelta(hours=grant_hours)
    db_session.add(
        VisitGrant(
            customer_id=customer_id,
            location_id=principal.store_id,
            associate_id=principal.associate_id,
            expires_at=expires,
        )
    )
    return IdentifyResponse(customer=_summary(customer, masked=False), access_until=expires)


def _consents(c: Customer) -> Consents:
    return Consents(
        clienteling=Consent(
            given=c.consent_clienteling,
            at=c.consent_clienteling_at,
            source=c.consent_clienteling_source,
        ),
        email=Consent(given=c.consent_email, at=c.consent_email_at, source=c.consent_email_source),
        sms=Consent(given=c.consent_sms, at=c.consent_sms_at, source=c.consent_sms_source),
    )


def _profile(session: Session, c: Customer) -> CustomerProfile:
    addresses = session.execute(
        select(CustomerAddress)
        .where(col(CustomerAddress.customer_id) == c.id)
        .order_by(col(CustomerAddress.is_default).desc(), col(CustomerAddress.id))
    ).scalars()
    return CustomerProfile(
        id=c.id,
        loyalty_number=c.loyalty_number,
        first_name=c.first_name,
        last_name=c.last_name,
        phone=c.phone,
        email=c.email,
        tier=c.tier,
        points=c.points,
        preferred_sizes=c.preferred_sizes or {},
        consents=_consents(c),
        addresses=[AddressOut.model_validate(a, from_attributes=True) for a in addresses],
        created_at=c.created_at,
    )


def _location_codes(session: Session) -> dict[int, str]:
    return dict(session.execute(select(col(Location.id), col(Location.code))).all())


def _associate_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        session.execute(
            select(col(Associate.id), col(Associate.name)).where(col(Associate.id).in_(sorted(ids)))
        ).all()
    )


def view(*, db_session: Session, principal: Principal, customer_id: int) -> CustomerView:
    """Everything about one customer in a handful of column queries. Built as plain dicts and
    validated once: hundreds of rows (a loyal customer has hundreds of orders) would otherwise
    cost an ORM instance and a model constructor each."""
    s = db_session
    customer, access = accessible_customer(s, customer_id, principal)
    wishlist = s.execute(
        select(
            col(WishlistEntry.id),
            col(WishlistEntry.variant_id),
            col(WishlistEntry.channel),
            col(WishlistEntry.location_id),
            col(WishlistEntry.created_at),
        )
        .where(col(WishlistEntry.customer_id) == customer_id)
        .order_by(col(WishlistEntry.created_at).desc())
    ).all()
    try_ons = s.execute(
        select(
            col(TryOn.id),
            col(TryOn.variant_id),
            col(TryOn.outcome),
            col(TryOn.note),
            col(TryOn.location_id),
            col(TryOn.associate_id),
            col(TryOn.tried_at),
        )
        .where(col(TryOn.customer_id) == customer_id)
        .order_by(col(TryOn.tried_at).desc())
        .limit(100)
    ).all()
    cart = s.execute(
        select(col(Cart.id), col(Cart.channel), col(Cart.updated_at))
        .where(col(Cart.customer_id) == customer_id, col(Cart.status) == "open")
        .order_by(col(Cart.updated_at).desc())
        .limit(1)
    ).first()
    cart_lines = (
        s.execute(
            select(col(CartLine.variant_id), col(CartLine.quantity)).where(
                col(CartLine.cart_id) == cart[0]
            )
        ).all()
        if cart
        else []
    )
    notes = s.execute(
        select(
            col(CustomerNote.id),
            col(CustomerNote.body),
            col(CustomerNote.associate_id),
            col(CustomerNote.location_id),
            col(CustomerNote.created_at),
        )
        .where(col(CustomerNote.customer_id) == customer_id)
        .order_by(col(CustomerNote.created_at).desc())
        .limit(50)
    ).all()
    refs = item_refs(
        s, {w[1] for w in wishlist} | {t[1] for t in try_ons} | {cl[0] for cl in cart_lines}
    )
    codes = _location_codes(s)
    names = _associate_names(s, {t[5] for t in try_ons if t[5]} | {n[2] for n in notes})
    cart_out = None
    if cart is not None:
        cart_out = {
            "id": cart[0],
            "channel": cart[1],
            "updated_at": cart[2],
            "lines": [{"item": refs[v], "quantity": q} for v, q in cart_lines],
            "total_kurus": sum(refs[v]["price_kurus"] * q for v, q in cart_lines),
        }
    return CustomerView.model_validate(
        {
            "profile": _profile(s, customer),
            "access": access,
            "wishlist": [
                {
                    "id": w_id,
                    "item": refs[variant_id],
                    "channel": channel,
                    "location_code": codes.get(location_id) if location_id else None,
                    "created_at": created_at,
                }
                for w_id, variant_id, channel, location_id, created_at in wishlist
            ],
            "try_ons": [
                {
                    "id": t_id,
                    "item": refs[variant_id],
                    "outcome": outcome,
                    "note": note,
                    "location_code": codes.get(location_id, ""),
                    "associate_name": names.get(associate_id) if associate_id else None,
                    "tried_at": tried_at,
                }
                for t_id, variant_id, outcome, note, location_id, associate_id, tried_at in try_ons
            ],
            "cart": cart_out,
            "orders": order_summaries(s, customer_id, codes),
            "coupons": coupons_held(s, customer_id),
            "notes": [
                {
                    "id": n_id,
                    "body": body,
                    "associate_name": names.get(associate_id, ""),
                    "location_code": codes.get(location_id, ""),
                    "created_at": created_at,
                }
                for n_id, body, associate_id, location_id, created_at in notes
            ],
        }
    )


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
        raise not_found("Variant", sku)
    return v


def add_to_wishlist(
    *, db_session: Session, principal: Principal, customer_id: int, body: WishlistAdd
) -> tuple[int, WishlistItem]:
    """201 with the new entry, or 200 with the existing one: saving twice is not an error."""
    accessible_customer(db_session, customer_id, principal)
    variant = _variant(db_session, body.sku)
    existing = db_session.execute(
        select(WishlistEntry).where(
            col(WishlistEntry.customer_id) == customer_id,
            col(WishlistEntry.variant_id) == variant.id,
        )
    ).scalar_one_or_none()
    status = 200
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
            raise ApiError(409, "conflict", "Saved at the same moment elsewhere; reload.") from None
        status = 201
        changelog.record(
            db_session, "wishlist", existing.id, customer_id=customer_id, payload={"sku": body.sku}
        )
    refs = item_refs(db_session, {variant.id})  # type: ignore[arg-type]
    codes = _location_codes(db_session)
    return status, WishlistItem(
        id=existing.id,
        item=refs[variant.id],  # type: ignore[index]
        channel=existing.channel,
        location_code=codes.get(existing.location_id) if existing.location_id else None,
        created_at=existing.created_at,
    )


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
        raise not_found("Wishlist item", sku)
    changelog.record(db_session, "wishlist", removed[0], op="delete", customer_id=customer_id)


def record_try_on(
    *, db_session: Session, principal: Principal, customer_id: int, body: TryOnCreate
) -> tuple[int, TryOnOut]:
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
    return 201, _try_on_out(
        try_on,
        refs,
        _location_codes(db_session),
        _associate_names(db_session, {principal.associate_id}),
    )


def add_note(
    *, db_session: Session, principal: Principal, customer_id: int, body: NoteCreate
) -> tuple[int, NoteOut]:
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
    return 201, NoteOut(
        id=note.id,
        body=note.body,
        associate_name=_associate_names(db_session, {principal.associate_id}).get(
            principal.associate_id, ""
        ),
        location_code=_location_codes(db_session).get(principal.store_id, ""),
        created_at=note.created_at,
    )


def update_consent(
    *, db_session: Session, principal: Principal, customer_id: int, body: ConsentUpdate
) -> Consents:
    """Consent given or withdrawn in the store, recorded with when and which store."""
    customer = db_session.get(Customer, customer_id)
    if customer is None:
        raise not_found("Customer", customer_id)
    source = _location_codes(db_session).get(principal.store_id, "store")
    now = utcnow()
    for name in ("clienteling", "email", "sms"):
        value = getattr(body, name)
        if value is None:
            continue
        setattr(customer, f"consent_{name}", value)
        setattr(customer, f"consent_{name}_at", now)
        setattr(customer, f"consent_{name}_source", source)
    customer.updated_at = now
    db_session.add(customer)
    changelog.record(db_session, "customer", customer_id, customer_id=customer_id)
    return _consents(customer)
