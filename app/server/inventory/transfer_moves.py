"""The units of a transfer move: the sender sends what it counted into the box (it leaves the
sender's stock and is on its way, counted in the receiver's `incoming`), and the receiver scans
the box out (sound units join its stock once; what is damaged or missing is recorded on the
lines). Locks as in transfers.py: the transfer's row first, then holds and stock rows by
variant, and within one variant by location, so a send from A to B and one from B to A of the
same item cannot wait for each other."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from app.contracts.transfers import CountedLine, ReceiveRequest, SendRequest
from app.contracts.transfers import TransferOut as Out
from app.domain import transfers as rules
from app.domain.errors import Conflict, Invalid
from app.domain.transfers import TransferStatus
from app.server.db import core_table, utcnow
from app.server.deps import Principal
from app.server.inventory.models import Reservation, StockLevel
from app.server.inventory.service import release, stock_change
from app.server.inventory.transfer_models import Transfer, TransferLine
from app.server.inventory.transfer_views import LineRow, counts, find, line_rows, view
from app.server.inventory.transfers import moved_on, own, take

S = TransferStatus
_STOCK = core_table(StockLevel)
_LINES = core_table(TransferLine)


def _not_receivable(transfer: Transfer) -> Conflict:
    if transfer.status in rules.RECEIVED:
        return Conflict(
            "transfer-already-received",
            "Already received",
            f"Transfer {transfer.id} was received already; its units are in your stock.",
            status_now=transfer.status,
        )
    if transfer.status == S.REQUESTED:
        return Conflict(
            "transfer-not-sent",
            "Not sent yet",
            f"Transfer {transfer.id} has not left the sender yet.",
            status_now=transfer.status,
        )
    return moved_on(transfer)


# --- scans -------------------------------------------------------------------------------------


def _tally(
    rows: list[LineRow], scans: Iterable[str], lines: Iterable[CountedLine], *, damaged: bool
) -> dict[int, int]:
    """Units per line id from one code per unit plus counted lines; an item of no line of the
    transfer is refused (nothing is written: the unit of work rolls back)."""
    codes: dict[str, int] = {}
    for line, variant, _ in rows:
        assert line.id is not None
        codes[variant.ean13] = codes[variant.sku.upper()] = line.id
    pairs = [(code.upper(), 1) for code in scans]
    pairs += [(ln.barcode.upper(), ln.damaged if damaged else ln.quantity) for ln in lines]
    counted = rules.tally(pairs, codes)
    if counted.unknown is not None:
        raise Invalid(
            "transfer-wrong-item",
            "Not an item of this transfer",
            f"{counted.unknown} is on no line of this transfer: put it aside.",
            barcode=counted.unknown,
        )
    return counted.units


def _too_many(sending: bool, line: TransferLine, counted: int) -> Conflict:
    if sending:
        return Conflict(
            "transfer-send-too-many",
            "More than asked for",
            f"{line.sku}: {counted} counted, {line.quantity} asked for.",
            sku=line.sku,
            quantity=line.quantity,
            counted=counted,
        )
    return Conflict(
        "transfer-receive-too-many",
        "More than was sent",
        f"{line.sku}: {counted} counted, {line.sent} sent.",
        sku=line.sku,
        sent=line.sent,
        counted=counted,
    )


# --- send --------------------------------------------------------------------------------------


def send(
    *, db_session: Session, principal: Principal, transfer_id: int, body: SendRequest | None
) -> Out:
    """The units counted into the box (everything asked for, without a body) leave the
    sender's stock and its hold and are on their way to the receiver; a line not counted gives
    its hold back."""
    s = db_session
    transfer = find(s, transfer_id)
    own(principal, transfer.from_location_id, "sending")
    if transfer.status != S.REQUESTED or not take(
        s, transfer, S.REQUESTED, status=S.SENT, sent_at=utcnow(), sent_by=principal.associate_id
    ):
        raise moved_on(transfer)
    rows = line_rows(s, [transfer_id])[transfer_id]
    wanted = None if body is None else _tally(rows, body.scans, body.lines, damaged=False)
    plan = rules.send_plan([counts(line) for line, _, _ in rows], wanted)
    if plan.refusal is not None:  # the tally maps every code to a line: only too many is left
        line = next(ln for ln, _, _ in rows if ln.id == plan.line_id)
        raise _too_many(True, line, (wanted or {}).get(line.id or 0, 0))
    source, target = transfer.from_location_id, transfer.to_location_id
    for line, _, _ in sorted(rows, key=lambda row: row[0].variant_id):
        units = plan.units[line.id or 0]
        for location_id in sorted((source, target)):
            if location_id == source:
                _leave(s, line, units)
            elif units:
                _on_the_way(s, line.variant_id, target, units)
        s.execute(update(_LINES).where(_LINES.c.id == line.id).values(sent=units, in_transit=units))
    s.flush()
    s.refresh(transfer)
    return view(s, transfer)


def _leave(session: Session, line: TransferLine, units: int) -> None:
    """The line's hold ends: `units` leave the sender's shelf (on hand) and all it held leaves
    what is reserved; nothing sent is simply a release."""
    if line.reservation_id is None:
        raise _not_held(line)
    if units == 0:
        if not release(session, line.reservation_id):
            raise _not_held(line)
        return
    claimed = session.execute(
        update(Reservation)
        .where(col(Reservation.id) == line.reservation_id, col(Reservation.status) == "held")
        .values(status="fulfilled", closed_at=utcnow())
        .returning(
            col(Reservation.variant_id), col(Reservation.location_id), col(Reservation.quantity)
        )
    ).first()
    if claimed is None:
        raise _not_held(line)
    variant_id, location_id, held = claimed
    # units <= held (the plan never sends more than asked for, which is what is held), so
    # available (on_hand - reserved) grows by held - units: the hold given back, unsent.
    row = session.execute(
        update(_STOCK)
        .where(_STOCK.c.variant_id == variant_id, _STOCK.c.location_id == location_id)
        .values(
            on_hand=_STOCK.c.on_hand - units,
            reserved=_STOCK.c.reserved - held,
            updated_at=utcnow(),
        )
        .returning(_STOCK.c.on_hand, _STOCK.c.reserved, _STOCK.c.incoming)
    ).one()
    stock_change(session, variant_id, location_id, *row)


def _not_held(line: TransferLine) -> Conflict:
    return Conflict(
        "transfer-not-held",
        "Stock no longer held",
        f"{line.sku}: the units held for transfer {line.transfer_id} are gone.",
        sku=line.sku,
    )


def _upsert_stock(
    session: Session, variant_id: int, location_id: int, insert: dict[str, int], add: dict[str, int]
) -> None:
    """One stock row changed by `add` (column -> units, negative to take away), or made with
    `insert` when the location never had this variant: the receiver may never have stocked it.
    The database decides which, so racing writers agree."""
    dialect = session.get_bind().dialect.name
    now = utcnow()
    stmt = (sqlite_insert if dialect == "sqlite" else pg_insert)(_STOCK).values(
        variant_id=variant_id, location_id=location_id, reserved=0, updated_at=now, **insert
    )
    row = session.execute(
        stmt.on_conflict_do_update(
            index_elements=["variant_id", "location_id"],
            set_={
                **{name: _STOCK.c[name] + units for name, units in add.items()},
                "updated_at": now,
            },
        ).returning(_STOCK.c.on_hand, _STOCK.c.reserved, _STOCK.c.incoming)
    ).one()
    stock_change(session, variant_id, location_id, *row)


def _on_the_way(session: Session, variant_id: int, location_id: int, units: int) -> None:
    """Units sent to `location_id`: its availability shows them as incoming until received."""
    _upsert_stock(
        session, variant_id, location_id, {"on_hand": 0, "incoming": units}, {"incoming": units}
    )


# --- receive -----------------------------------------------------------------------------------


def receive(
    *, db_session: Session, principal: Principal, transfer_id: int, body: ReceiveRequest
) -> Out:
    """The units scanned out of the box join the receiver's stock, once: sound ones on its
    shelf, damaged ones only recorded; what was sent and not scanned is recorded as short.
    Whatever was on its way is no longer incoming."""
    s = db_session
    transfer = find(s, transfer_id)
    own(principal, transfer.to_location_id, "receiving")
    if transfer.status != S.SENT or not take(s, transfer, S.SENT):
        raise _not_receivable(transfer)
    rows = line_rows(s, [transfer_id])[transfer_id]
    sound = _tally(rows, body.scans, body.lines, damaged=False)
    damaged = _tally(rows, body.damaged, body.lines, damaged=True)
    before = [counts(line) for line, _, _ in rows]
    plan = rules.receive_plan(before, sound, damaged)
    if plan.refusal is not None:  # the tally maps every code to a line: only too many is left
        line = next(ln for ln, _, _ in rows if ln.id == plan.line_id)
        counted = sound.get(line.id or 0, 0) + damaged.get(line.id or 0, 0)
        raise _too_many(False, line, counted)
    now = utcnow()
    # Still ours: the row has been locked since `take` above.
    s.execute(
        update(Transfer)
        .where(col(Transfer.id) == transfer_id)
        .values(
            status=rules.status_after_receipt(rules.received(before, plan)),
            received_at=now,
            received_by=principal.associate_id,
            closed_at=now,
            updated_at=now,
        )
    )
    for line, _, _ in sorted(rows, key=lambda row: row[0].variant_id):
        assert line.id is not None
        units, on_the_way = plan.units[line.id], line.in_transit
        # Backed by CHECK received + damaged <= sent.
        s.execute(
            update(_LINES)
            .where(_LINES.c.id == line.id)
            .values(received=units, damaged=plan.damaged[line.id], in_transit=0)
        )
        if units or on_the_way:
            _upsert_stock(
                s,
                line.variant_id,
                transfer.to_location_id,
                {"on_hand": units, "incoming": 0},
                {"on_hand": units, "incoming": -on_the_way},
            )
    s.flush()
    s.refresh(transfer)
    return view(s, transfer)
