"""Transfers of units between locations: request (the units are held at the sender), cancel or
refuse before sending (the hold is released). Sending and receiving are in transfer_moves.py.

The hold is an ordinary reservation at the sender (no order), so the units asked for cannot be
sold twice meanwhile and every stock invariant (reserved = the sum of open holds) stays true.

Every change to a transfer first takes its row with a conditional update on its status, so
changes to one transfer run one after another on PostgreSQL as on SQLite and a second send,
receipt or cancel finds it moved on. Then its lines, holds and stock rows, by variant (and by
location within a variant): the order every writer of stock takes its locks in.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlmodel import Session, col

from app.contracts.transfers import TransferCreate
from app.contracts.transfers import TransferOut as Out
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound
from app.domain.sourcing import LocationKind
from app.domain.transfers import TransferStatus
from app.server.catalog.directory import LocationDirectory
from app.server.catalog.service import variants_by_sku
from app.server.customers.models import Customer
from app.server.db import insert_id, utcnow
from app.server.deps import Principal
from app.server.inventory.models import Reservation, StockLevel
from app.server.inventory.service import release, try_reserve
from app.server.inventory.transfer_models import Transfer, TransferLine
from app.server.inventory.transfer_views import find, view

S = TransferStatus


def take(session: Session, transfer: Transfer, now_is: S, **values: object) -> bool:
    """The transfer's row, locked for this transaction, if it is `now_is` (with `values`
    set). False when someone else moved it first; PostgreSQL re-checks the status after
    waiting for the row, so of two racing writers exactly one gets True."""
    moved = session.execute(
        update(Transfer)
        .where(col(Transfer.id) == transfer.id, col(Transfer.status) == now_is)
        .values(updated_at=utcnow(), **values)
    )
    if moved.rowcount == 1:  # type: ignore[attr-defined]
        return True
    session.refresh(transfer)  # to say what it is now
    return False


def moved_on(transfer: Transfer) -> Conflict:
    """Why a transfer that is no longer `requested` cannot be sent, cancelled or refused."""
    if transfer.status in (S.CANCELLED, S.REFUSED):
        return Conflict(
            "transfer-closed",
            "This transfer is closed",
            f"Transfer {transfer.id} was {transfer.status}; nothing more happens to it.",
            status_now=transfer.status,
        )
    return Conflict(
        "transfer-already-sent",
        "Already sent",
        f"Transfer {transfer.id} is {transfer.status}: it was sent already.",
        status_now=transfer.status,
    )


def own(principal: Principal, location_id: int, what: str) -> None:
    """Each step belongs to one of the two stores: sending and refusing to the sender,
    receiving and cancelling to the requester."""
    if principal.store_id != location_id:
        raise Forbidden(
            "transfer-wrong-store",
            "Another store's transfer",
            f"Only the {what} store does this with the transfer.",
        )


# --- request -----------------------------------------------------------------------------------


def request_transfer(
    *, db_session: Session, principal: Principal, body: TransferCreate, directory: LocationDirectory
) -> Out:
    """Ask another location for units for your store, and hold them there at once."""
    s = db_session
    places = directory.all(s)
    here = places.get(principal.store_id)
    if here is None or here.kind != LocationKind.STORE:
        raise Invalid(
            "not-a-store", "The receiving location must be a store", "Transfers go to a store."
        )
    if body.from_location_id == principal.store_id:
        raise Invalid(
            "transfer-same-store",
            "Same store",
            "A transfer comes from another store or the online warehouse, not your own.",
        )
    if body.from_location_id not in places:
        raise Invalid(
            "unknown-location",
            "Unknown source location",
            f"No active location {body.from_location_id}.",
        )
    if body.customer_id is not None and s.get(Customer, body.customer_id) is None:
        raise NotFound("Customer", body.customer_id)
    found = variants_by_sku(s, [line.sku for line in body.lines])
    for i, line in enumerate(body.lines):
        variant, product = found.get(line.sku, (None, None))
        if variant is None or product is None or not (variant.active and product.active):
            raise Invalid(
                "unknown-sku",
                "Unknown SKU",
                f"Line {i + 1}: no variant {line.sku}.",
                line_index=i,
                sku=line.sku,
            )
    now = utcnow()
    transfer_id = insert_id(
        s,
        Transfer,
        {
            "from_location_id": body.from_location_id,
            "to_location_id": principal.store_id,
            "status": S.REQUESTED,
            "reason": body.reason,
            "customer_id": body.customer_id,
            "note": body.note,
            "requested_by": principal.associate_id,
            "requested_at": now,
            "updated_at": now,
        },
    )
    source = body.from_location_id
    # By variant: the order every writer locks stock rows in.
    for line in sorted(body.lines, key=lambda ln: found[ln.sku][0].id or 0):
        variant_id = found[line.sku][0].id
        assert variant_id is not None
        if not try_reserve(s, variant_id, source, line.quantity):
            available = _available(s, variant_id, source)
            raise Conflict(
                "transfer-not-available",
                "Not enough available at the sender",
                f"{line.sku}: {line.quantity} asked for, {available} available at the sender.",
                sku=line.sku,
                requested=line.quantity,
                available=available,
            )
        hold = insert_id(
            s,
            Reservation,
            {
                "variant_id": variant_id,
                "location_id": source,
                "quantity": line.quantity,
                "status": "held",
                "created_at": now,
            },
        )
        s.add(
            TransferLine(
                transfer_id=transfer_id,
                variant_id=variant_id,
                sku=line.sku,
                quantity=line.quantity,
                reservation_id=hold,
            )
        )
    s.flush()
    return view(s, find(s, transfer_id))


def _available(session: Session, variant_id: int, location_id: int) -> int:
    level = session.get(StockLevel, (variant_id, location_id), populate_existing=True)
    return max(level.on_hand - level.reserved, 0) if level is not None else 0


# --- cancel and refuse -------------------------------------------------------------------------


def close(
    *, db_session: Session, principal: Principal, transfer_id: int, to: TransferStatus
) -> Out:
    """Before it is sent, the requesting store cancels a transfer or the sender refuses it;
    either way the units held at the sender are given back."""
    s = db_session
    transfer = find(s, transfer_id)
    if to == S.CANCELLED:
        own(principal, transfer.to_location_id, "requesting")
    else:
        own(principal, transfer.from_location_id, "sending")
    now = utcnow()
    if transfer.status != S.REQUESTED or not take(
        s, transfer, S.REQUESTED, status=to, closed_at=now, closed_by=principal.associate_id
    ):
        raise moved_on(transfer)
    holds = s.execute(
        select(col(TransferLine.reservation_id))
        .where(col(TransferLine.transfer_id) == transfer_id)
        .order_by(col(TransferLine.variant_id))
    ).scalars()
    for hold in list(holds):
        if hold is not None:
            release(s, hold)
    s.flush()
    s.refresh(transfer)
    return view(s, transfer)
