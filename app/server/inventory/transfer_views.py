"""What a store sees of its transfers: one transfer with its lines, the sender's task list
(oldest first) and what is on its way to a store."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select
from sqlmodel import Session, col

from app.contracts.transfers import TransferLineOut, TransferList, TransferOut
from app.domain.errors import Forbidden, NotFound
from app.domain.transfers import RECEIVED, LineCount, TransferStatus
from app.server.catalog.models import Location, Product, Variant
from app.server.deps import Principal
from app.server.inventory.transfer_models import Transfer, TransferLine

LineRow = tuple[TransferLine, Variant, Product]


def aware(at: datetime | None) -> datetime | None:
    """SQLite hands back the UTC it stored without its zone."""
    return at if at is None or at.tzinfo is not None else at.replace(tzinfo=UTC)


def counts(line: TransferLine) -> LineCount:
    assert line.id is not None
    return LineCount(line.id, line.quantity, line.sent, line.received, line.damaged)


def find(session: Session, transfer_id: int) -> Transfer:
    transfer = session.get(Transfer, transfer_id, populate_existing=True)
    if transfer is None:
        raise NotFound("Transfer", transfer_id)
    return transfer


def party_of(principal: Principal, transfer: Transfer) -> None:
    """Only the two stores of a transfer see it (and do anything with it)."""
    if principal.store_id not in (transfer.from_location_id, transfer.to_location_id):
        raise Forbidden(
            "transfer-wrong-store",
            "Another store's transfer",
            "Only the sending and the receiving store see and handle this transfer.",
        )


def line_rows(session: Session, transfer_ids: list[int]) -> dict[int, list[LineRow]]:
    """Transfer id -> its lines with their variant and product, in line order: one query."""
    rows: dict[int, list[LineRow]] = defaultdict(list)
    if not transfer_ids:
        return rows
    for line, variant, product in session.execute(
        select(TransferLine, Variant, Product)
        .join(Variant, col(Variant.id) == col(TransferLine.variant_id))
        .join(Product, col(Product.id) == col(Variant.product_id))
        .where(col(TransferLine.transfer_id).in_(transfer_ids))
        .order_by(col(TransferLine.id))
        # Fresh counters, whatever this session loaded before a send or receipt changed them.
        .execution_options(populate_existing=True)
    ).tuples():
        rows[line.transfer_id].append((line, variant, product))
    return rows


_NEVER_SENT = (TransferStatus.REQUESTED, TransferStatus.CANCELLED, TransferStatus.REFUSED)


def _line_out(
    status: TransferStatus, line: TransferLine, variant: Variant, product: Product
) -> TransferLineOut:
    assert line.id is not None and variant.id is not None
    count = counts(line)
    gone = status not in _NEVER_SENT
    return TransferLineOut(
        line_id=line.id,
        sku=line.sku,
        ean13=variant.ean13,
        product_id=product.id or 0,
        name_tr=product.name_tr,
        name_en=product.name_en,
        size=variant.size,
        colour=variant.colour,
        colour_en=variant.colour_en,
        quantity=line.quantity,
        sent=line.sent,
        in_transit=line.in_transit,
        received=line.received,
        damaged=line.damaged,
        not_sent=count.not_sent if gone else 0,
        short=count.short if status in RECEIVED else 0,
    )


def views(session: Session, transfers: list[Transfer]) -> list[TransferOut]:
    ids = [t.id for t in transfers if t.id is not None]
    lines = line_rows(session, ids)
    place_ids = {t.from_location_id for t in transfers} | {t.to_location_id for t in transfers}
    places = {
        loc.id: loc
        for loc in session.execute(
            select(Location).where(col(Location.id).in_(place_ids))
        ).scalars()
    }
    out = []
    for t in transfers:
        assert t.id is not None
        source, target = places[t.from_location_id], places[t.to_location_id]
        out.append(
            TransferOut(
                id=t.id,
                status=t.status,
                reason=t.reason,
                customer_id=t.customer_id,
                from_location_id=t.from_location_id,
                from_code=source.code,
                from_name=source.name,
                to_location_id=t.to_location_id,
                to_code=target.code,
                to_name=target.name,
                requested_by=t.requested_by,
                note=t.note,
                requested_at=aware(t.requested_at),
                sent_at=aware(t.sent_at),
                received_at=aware(t.received_at),
                closed_at=aware(t.closed_at),
                lines=[_line_out(t.status, *row) for row in lines.get(t.id, [])],
            )
        )
    return out


def view(session: Session, transfer: Transfer) -> TransferOut:
    return views(session, [transfer])[0]


def get_transfer(*, db_session: Session, principal: Principal, transfer_id: int) -> TransferOut:
    transfer = find(db_session, transfer_id)
    party_of(principal, transfer)
    return view(db_session, transfer)


# The sender's task: what is asked of it and not sent yet. The receiver follows both what it
# asked for and what is on its way.
_LISTED = {
    "outgoing": (col(Transfer.from_location_id), (TransferStatus.REQUESTED,)),
    "incoming": (col(Transfer.to_location_id), (TransferStatus.REQUESTED, TransferStatus.SENT)),
}


def transfers_of(
    *,
    db_session: Session,
    principal: Principal,
    location_id: int,
    direction: Literal["outgoing", "incoming"],
    limit: int,
) -> TransferList:
    if location_id != principal.store_id:
        raise Forbidden(
            "wrong-store", "Not your store", "Only your own store's transfers can be seen here."
        )
    column, statuses = _LISTED[direction]
    found = list(
        db_session.execute(
            select(Transfer)
            .where(column == location_id, col(Transfer.status).in_(statuses))
            .order_by(col(Transfer.requested_at), col(Transfer.id))
            .limit(limit)
        ).scalars()
    )
    return TransferList(
        location_id=location_id, direction=direction, transfers=views(db_session, found)
    )
