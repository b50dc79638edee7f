"""May this associate see this customer's personal data? (KVKK / GDPR)

Yes with the customer's standing clienteling consent, or for the length of a visit after the
customer identified themselves by showing their app's QR code in this store."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from app.contracts.customers import Access
from app.domain.errors import ConsentRequired, NotFound
from app.server.customers.models import Customer, VisitGrant
from app.server.db import utcnow
from app.server.deps import Principal


def access_level(session: Session, customer: Customer, principal: Principal) -> Access:
    if customer.consent_clienteling:
        return "consent"
    grant = session.execute(
        select(col(VisitGrant.id))
        .where(
            col(VisitGrant.customer_id) == customer.id,
            col(VisitGrant.location_id) == principal.store_id,
            col(VisitGrant.expires_at) > utcnow(),
        )
        .limit(1)
    ).first()
    return "visit" if grant else "none"


def accessible_customer(
    session: Session, customer_id: int, principal: Principal
) -> tuple[Customer, Access]:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("Customer", customer_id)
    access = access_level(session, customer, principal)
    if access == "none":
        raise ConsentRequired(
            "consent-required",
            "The customer has not consented",
            "Scan the customer's app QR code, or record their clienteling consent first.",
        )
    return customer, access
