"""May this associate see this customer's personal data? (KVKK / GDPR)

Yes with the customer's standing clienteling consent, or for the length of a visit after the
customer identified themselves by showing their app's QR code in this store."""

from __future__ import annotations

from typing import NamedTuple, Protocol

from sqlalchemy import bindparam, select
from sqlmodel import Session, col

from app.contracts.customers import Access
from app.domain.errors import ConsentRequired, NotFound
from app.domain.loyalty import Tier
from app.server.customers.models import Customer, VisitGrant
from app.server.db import execute, utcnow
from app.server.deps import Principal


class Consenting(Protocol):
    """What the access rule reads of a customer: a `Customer` row or a `Buyer`."""

    @property
    def id(self) -> int | None: ...

    @property
    def consent_clienteling(self) -> bool: ...


class Buyer(NamedTuple):
    """The customer an order is for, as placing reads it: three columns, not the ORM row.
    Every order reads it, and loading the whole row as an ORM object cost about as much
    Python time again as the query itself."""

    id: int
    tier: Tier
    consent_clienteling: bool

    @classmethod
    def of(cls, customer: Customer) -> Buyer:
        """For a caller that already holds the row (an exchange's replacement order)."""
        assert customer.id is not None
        return cls(customer.id, customer.tier, customer.consent_clienteling)


_BUYER = select(col(Customer.id), col(Customer.tier), col(Customer.consent_clienteling)).where(
    col(Customer.id) == bindparam("id")
)


def buyer(session: Session, customer_id: int) -> Buyer:
    row = execute(session, _BUYER, {"id": customer_id}).first()
    if row is None:
        raise NotFound("Customer", customer_id)
    return Buyer(*row)


def access_level(session: Session, customer: Consenting, principal: Principal) -> Access:
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
    return customer, _required(session, customer, principal)


def accessible_buyer(session: Session, customer_id: int, principal: Principal) -> Buyer:
    """`accessible_customer` for placing an order: the three columns it needs."""
    found = buyer(session, customer_id)
    _required(session, found, principal)
    return found


def _required(session: Session, customer: Consenting, principal: Principal) -> Access:
    access = access_level(session, customer, principal)
    if access == "none":
        raise ConsentRequired(
            "consent-required",
            "The customer has not consented",
            "Scan the customer's app QR code, or record their clienteling consent first.",
        )
    return access
