"""Consent with the customer's proof (KVKK / GDPR): a store records a customer's consent, or its
withdrawal, only when the customer shows it is theirs: by reading back a one-time code sent to
the phone or e-mail address on file (consent_codes.py), or by having scanned their identity QR
code at this store a moment ago. The customer's own app records it directly. Each change is a
ConsentEvent row; the customer's consent_* columns are the current state.

The rules (code length, lifetime, tries, how fresh a scan must be, the texts) are in
app/domain/consent.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlmodel import Session, col

from app.contracts.customers import (
    BrandConsentUpdate,
    CodeProof,
    ConsentEventOut,
    Consents,
    ConsentUpdate,
)
from app.domain import consent
from app.domain.errors import ConsentRequired, NotFound
from app.server.catalog.directory import LocationDirectory
from app.server.customers import consent_codes
from app.server.customers.access import accessible_customer
from app.server.customers.models import ConsentEvent, Customer, VisitGrant
from app.server.customers.service import associate_names, consents_out
from app.server.db import Database, utcnow
from app.server.deps import Principal
from app.server.security_log import security_event
from app.server.sync import changelog

EVENTS_SHOWN = 200


@dataclass(frozen=True, slots=True)
class _How:
    method: consent.Method
    source: str  # the consent_*_source column: a store's code, or "app"
    location_id: int | None = None
    associate_id: int | None = None
    challenge_id: int | None = None
    visit_grant_id: int | None = None


def _apply(
    session: Session,
    customer: Customer,
    choices: dict[consent.Purpose, bool],
    text_version: str,
    how: _How,
) -> Consents:
    now = utcnow()
    assert customer.id is not None
    for purpose, given in choices.items():
        setattr(customer, f"consent_{purpose}", given)
        setattr(customer, f"consent_{purpose}_at", now)
        setattr(customer, f"consent_{purpose}_source", how.source)
        session.add(
            ConsentEvent(
                customer_id=customer.id,
                purpose=purpose,
                given=given,
                at=now,
                location_id=how.location_id,
                associate_id=how.associate_id,
                method=how.method,
                text_version=text_version,
                challenge_id=how.challenge_id,
                visit_grant_id=how.visit_grant_id,
            )
        )
    customer.updated_at = now
    session.add(customer)
    changelog.record(session, "customer", customer.id, customer_id=customer.id)
    return consents_out(customer)


def _log_changes(customer_id: int, choices: dict[consent.Purpose, bool], how: _How) -> None:
    """After the commit: only what was recorded is logged."""
    for purpose, given in choices.items():
        security_event(
            "consent-given" if given else "consent-withdrawn",
            customer=customer_id,
            purpose=purpose,
            method=how.method,
            store=how.location_id,
            associate=how.associate_id,
            challenge=how.challenge_id,
            visit_grant=how.visit_grant_id,
        )


def _store_code(session: Session, directory: LocationDirectory, store_id: int) -> str:
    return directory.codes(session).get(store_id, "store")


def _refused(principal: Principal, customer_id: int, reason: str, detail: str) -> ConsentRequired:
    """The security event of a consent refused for want of proof, and the problem to raise."""
    security_event(
        "consent-refused",
        customer=customer_id,
        reason=reason,
        store=principal.store_id,
        associate=principal.associate_id,
    )
    return consent_codes.no_proof(detail)


def update_consent(
    *,
    db: Database,
    key: bytes,
    principal: Principal,
    customer_id: int,
    body: ConsentUpdate,
    directory: LocationDirectory,
) -> Consents:
    """Consent given or withdrawn in the store, with the customer's proof."""
    choices = body.choices()
    proof = body.proof
    if proof is None:
        raise _refused(
            principal,
            customer_id,
            "no-proof",
            "Send the customer a code (POST .../consent-challenges) or scan their app's QR code.",
        )
    if isinstance(proof, CodeProof):
        return _with_code(db, key, principal, customer_id, body, proof, choices, directory)
    out: Consents | None = None
    how: _How | None = None
    with db.write() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound("Customer", customer_id)
        now = utcnow()
        grant_id = session.execute(
            select(col(VisitGrant.id))
            .where(
                col(VisitGrant.customer_id) == customer_id,
                col(VisitGrant.location_id) == principal.store_id,
                col(VisitGrant.expires_at) > now,
                col(VisitGrant.granted_at) >= now - timedelta(minutes=consent.VISIT_PROOF_MINUTES),
            )
            .order_by(col(VisitGrant.granted_at).desc())
            .limit(1)
        ).scalar_one_or_none()
        if grant_id is not None:
            how = _How(
                method="qr",
                source=_store_code(session, directory, principal.store_id),
                location_id=principal.store_id,
                associate_id=principal.associate_id,
                visit_grant_id=grant_id,
            )
            out = _apply(session, customer, choices, body.text_version, how)
    if out is None or how is None:
        raise _refused(
            principal,
            customer_id,
            "no-fresh-visit",
            f"No identity QR code of this customer was scanned in this store in the last "
            f"{consent.VISIT_PROOF_MINUTES} minutes; scan it again or send them a code.",
        )
    _log_changes(customer_id, choices, how)
    return out


def _with_code(
    db: Database,
    key: bytes,
    principal: Principal,
    customer_id: int,
    body: ConsentUpdate,
    proof: CodeProof,
    choices: dict[consent.Purpose, bool],
    directory: LocationDirectory,
) -> Consents:
    """The check and the wrong-try count commit whatever the outcome; the error is raised
    after, so a wrong code is counted even though the request fails."""
    out: Consents | None = None
    how: _How | None = None
    with db.write() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound("Customer", customer_id)
        check = consent_codes.check_code(
            session, key=key, principal=principal, customer_id=customer_id, proof=proof
        )
        if check.challenge is not None:
            how = _How(
                method="sms-code" if check.challenge.channel == "sms" else "email-code",
                source=_store_code(session, directory, principal.store_id),
                location_id=principal.store_id,
                associate_id=principal.associate_id,
                challenge_id=check.challenge.id,
            )
            out = _apply(session, customer, choices, body.text_version, how)
    if check.event is not None:
        name, fields = check.event
        where = {"customer": customer_id, "store": principal.store_id}
        security_event(name, **where, associate=principal.associate_id, **fields)
    if check.problem is not None:
        raise check.problem
    assert out is not None and how is not None
    _log_changes(customer_id, choices, how)
    return out


def brand_consent(*, db: Database, customer_id: int, body: BrandConsentUpdate) -> Consents:
    """The customer's own choice in the brand app (signed in there as themselves)."""
    choices = body.choices()
    how = _How(method="app", source="app")
    with db.write() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound("Customer", customer_id)
        out = _apply(session, customer, choices, body.text_version, how)
    _log_changes(customer_id, choices, how)
    return out


def withdraw_by_link(*, db: Database, customer_id: int, purpose: consent.Purpose) -> bool:
    """The customer stops one channel from a message's opt-out link (İYS: a withdrawal needs
    no proof beyond the signed link). The flag is cleared by a conditional UPDATE and the event
    written in the same transaction, so a second click, or two at once, records one event.
    True when this call withdrew it, False when it was already withdrawn."""
    now = utcnow()
    flag = getattr(Customer, f"consent_{purpose}")
    with db.write() as session:
        changed = session.execute(
            update(Customer)
            .where(col(Customer.id) == customer_id, flag.is_(True))
            .values(
                {
                    flag: False,
                    getattr(Customer, f"consent_{purpose}_at"): now,
                    getattr(Customer, f"consent_{purpose}_source"): "link",
                    Customer.updated_at: now,
                }
            )
            .returning(col(Customer.id))
        ).first()
        if changed is None:
            return False
        session.add(
            ConsentEvent(
                customer_id=customer_id,
                purpose=purpose,
                given=False,
                at=now,
                method="link",
                text_version=consent.TEXT_VERSION,
            )
        )
        changelog.record(session, "customer", customer_id, customer_id=customer_id)
    _log_changes(customer_id, {purpose: False}, _How(method="link", source="link"))
    return True


def consent_events(
    *, db_session: Session, principal: Principal, customer_id: int, directory: LocationDirectory
) -> list[ConsentEventOut]:
    """The history, newest first, for whoever may see the customer."""
    accessible_customer(db_session, customer_id, principal)
    rows = list(
        db_session.execute(
            select(ConsentEvent)
            .where(col(ConsentEvent.customer_id) == customer_id)
            .order_by(col(ConsentEvent.at).desc(), col(ConsentEvent.id).desc())
            .limit(EVENTS_SHOWN)
        ).scalars()
    )
    codes = directory.codes(db_session)
    names = associate_names(db_session, {r.associate_id for r in rows if r.associate_id})
    return [
        ConsentEventOut(
            id=r.id,
            purpose=r.purpose,
            given=r.given,
            at=r.at,
            method=r.method,
            text_version=r.text_version,
            location_code=codes.get(r.location_id) if r.location_id else None,
            associate_name=names.get(r.associate_id) if r.associate_id else None,
            challenge_id=r.challenge_id,
            visit_grant_id=r.visit_grant_id,
        )
        for r in rows
    ]
