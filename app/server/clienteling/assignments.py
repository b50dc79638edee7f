"""A manager gives a client to an associate of their store, or moves them to another."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlmodel import Session, col

from app.contracts.clienteling import ClientAssign, ClientAssignmentOut
from app.domain.clienteling import TaskStatus
from app.domain.errors import ConsentRequired, Invalid, NotFound
from app.server.auth.models import Associate
from app.server.clienteling.models import ClientAssignment, FollowUpTask
from app.server.customers.models import Customer
from app.server.db import core_table, insert_unless_exists
from app.server.deps import Principal


def colleague(session: Session, principal: Principal, associate_id: int) -> Associate:
    """An active associate of the caller's store, or a clear refusal."""
    other = session.get(Associate, associate_id)
    if other is None:
        raise NotFound("Associate", associate_id)
    if other.home_location_id != principal.store_id:
        raise Invalid(
            "associate-other-store",
            "Associate of another store",
            "Clients and tasks go to associates of your own store.",
        )
    if not other.active:
        raise Invalid(
            "associate-inactive", "Associate not active", "This associate is deactivated."
        )
    return other


def consenting_client(session: Session, customer_id: int, why: str) -> Customer:
    """The customer, if they gave clienteling consent: everything kept about a client (a
    place in a book, a task, an appointment) needs it. `why` says so in the refusal."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("Customer", customer_id)
    if not customer.consent_clienteling:
        raise ConsentRequired("consent-required", "The customer has not consented", why)
    return customer


def assign(
    *, db_session: Session, principal: Principal, body: ClientAssign, now: datetime
) -> ClientAssignmentOut:
    """Assign the client at the manager's store, or move them: the one row per customer and
    store is inserted if absent, else rewritten under its row lock, so two managers acting at
    once leave one assignment (the later one). The client's open tasks at this store go with
    them to the new associate."""
    consenting_client(
        db_session,
        body.customer_id,
        "Only a client who gave clienteling consent can be kept in a client book.",
    )
    colleague(db_session, principal, body.associate_id)
    values = {
        "customer_id": body.customer_id,
        "store_id": principal.store_id,
        "associate_id": body.associate_id,
        "assigned_by": principal.associate_id,
        "at": now,
    }
    table = core_table(ClientAssignment)
    moved_from: int | None = None
    tasks = core_table(FollowUpTask)
    # The client's open tasks here go to their associate: on a first assignment all of them
    # (held by whoever last served the client, or by the store's managers); on a move those
    # of the associate before and the managers', never one handed on to a colleague on purpose.
    held_by: Any = or_(tasks.c.associate_id.is_(None), tasks.c.associate_id != body.associate_id)
    if not insert_unless_exists(db_session, table, values, ["customer_id", "store_id"]):
        where = (
            col(ClientAssignment.customer_id) == body.customer_id,
            col(ClientAssignment.store_id) == principal.store_id,
        )
        before = db_session.execute(
            select(col(ClientAssignment.associate_id)).where(*where).with_for_update()
        ).scalar_one()
        db_session.execute(update(table).where(*where).values(**values))
        if before == body.associate_id:
            held_by = None  # given again to the same associate: nothing moves
        else:
            moved_from = before
            held_by = or_(tasks.c.associate_id.is_(None), tasks.c.associate_id == before)
    if held_by is not None:
        db_session.execute(
            update(tasks)
            .where(
                tasks.c.customer_id == body.customer_id,
                tasks.c.store_id == principal.store_id,
                held_by,
                tasks.c.status != TaskStatus.DONE,
            )
            .values(
                associate_id=body.associate_id, handed_from=tasks.c.associate_id, updated_at=now
            )
        )
    return ClientAssignmentOut(
        customer_id=body.customer_id,
        store_id=principal.store_id,
        associate_id=body.associate_id,
        assigned_by=principal.associate_id,
        at=now,
        moved_from=moved_from,
    )
