"""Reserving from the look page: one unit held at the look's store for its customer, placed by
the one order service and credited to the associate who sent the look, once per look and item
whatever the taps (the idempotency store, with a key made from the look and the variant)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlmodel import Session, col

from app.contracts.orders import Fulfilment, OrderCreate, OrderLineIn, OrderOut
from app.domain.channels import Channel
from app.domain.errors import DomainError, NotFound
from app.domain.sourcing import FulfilmentType
from app.qr.keys import KeyRing
from app.server.catalog.directory import LocationDirectory
from app.server.db import Database, utcnow
from app.server.idempotency import store
from app.server.idempotency.models import IdempotencyRecord
from app.server.orders import placing
from app.server.storefront.look_service import LookView

# Reservations from look pages keep their idempotency records apart from every associate's and
# the brand app's: the key is made here, from the look and the variant, never by a client.
RESERVE_SCOPE = "look-page"


class _Reserve(BaseModel):
    """The request a reservation's idempotency record fingerprints."""

    look_id: int
    variant_id: int


def reserve_key(look_id: int, variant_id: int) -> str:
    return f"look-{look_id}-variant-{variant_id}"


def _path(look_id: int) -> str:
    return f"/l/{look_id}/reserve"  # the look, not its token: one record however it was opened


def reserve(
    db: Database,
    look: LookView,
    variant_id: int,
    *,
    directory: LocationDirectory,
    ring: KeyRing,
    hold_hours: int,
    stale_after: timedelta,
) -> OrderOut:
    """One unit held at the look's store for the look's customer, as a reserve-in-store order
    credited to the store and the associate who sent the look: placed by the one order service,
    so the stock is held as for every other order. The idempotency key is the look and the
    variant, so a double tap, a reload or a second phone gets the first order, never a second
    (until the record is forgotten, after the idempotency TTL, by which time the hold has run
    out); a second tap while the first is being placed waits for it. Raises OutOfStock, and
    Conflict for a fresh claim an earlier version left running."""
    item = look.item(variant_id)
    if item is None:
        raise NotFound("Variant", variant_id)
    body = OrderCreate(
        customer_id=look.customer_id,
        lines=[OrderLineIn(sku=item.sku, quantity=1)],
        fulfilment=Fulfilment(type=FulfilmentType.RESERVE_IN_STORE, location_id=look.location_id),
    )

    def prepare(read: Session) -> store.Action:
        write = placing.check_online_order(
            read,
            body=body,
            channel=Channel.WEB,
            credited_store_id=look.location_id,
            credited_associate_id=look.associate_id,
            directory=directory,
            ring=ring,
            hold_hours=hold_hours,
        )
        return lambda s: (201, write(s))

    key = reserve_key(look.look_id, variant_id)
    for _ in range(2):
        try:
            response = store.run(
                db,
                key=key,
                scope=RESERVE_SCOPE,
                method="POST",
                path=_path(look.look_id),
                body=_Reserve(look_id=look.look_id, variant_id=variant_id),
                prepare=prepare,
                stale_after=stale_after,
            )
        except DomainError as err:
            if err.kind != "request-in-progress":
                forget_refusal(db, look.look_id, variant_id)
            raise
        if response.status_code < 400:
            return OrderOut.model_validate_json(bytes(response.body))
        # A refusal another tap left in the moment before it forgot it: forget it, try again.
        forget_refusal(db, look.look_id, variant_id)
    raise NotFound("Reservation", key)


def forget_refusal(db: Database, look_id: int, variant_id: int) -> None:
    """A refused reservation (sold out) must not be replayed once the item is back in stock:
    its record goes, and the next tap tries again. Only a refusal: an order stays remembered."""
    with db.write() as s:
        s.execute(
            delete(IdempotencyRecord).where(
                col(IdempotencyRecord.scope) == RESERVE_SCOPE,
                col(IdempotencyRecord.key) == reserve_key(look_id, variant_id),
                col(IdempotencyRecord.response_status) >= 400,
            )
        )


def reservation(
    session: Session, look_id: int, variant_id: int, *, stale_after: timedelta
) -> OrderOut | str | None:
    """What became of the reservation of this item from this look: its order, "running" for a
    fresh claim left by an earlier version (which committed the claim before placing; a tap
    now claims, places and answers in one transaction, and a second tap waits for the first
    and gets its order), or None (never reserved, refused, long forgotten, or a claim whose
    process died: the page then offers the item again, and that tap takes the claim over)."""
    record = session.execute(
        select(IdempotencyRecord).where(
            col(IdempotencyRecord.scope) == RESERVE_SCOPE,
            col(IdempotencyRecord.key) == reserve_key(look_id, variant_id),
        )
    ).scalar_one_or_none()
    if record is None:
        return None
    if record.state != "done":
        return "running" if utcnow() - record.locked_at < stale_after else None
    if (record.response_status or 500) >= 400 or not record.response_body:
        return None
    return OrderOut.model_validate_json(record.response_body)


def reservations(session: Session, look: LookView) -> dict[int, str]:
    """Variant id -> order number of the look's items already reserved from it (one query), so
    the page says "reserved for you" rather than offering them again."""
    keys = {reserve_key(look.look_id, item.variant_id): item.variant_id for item in look.items}
    if not keys:
        return {}
    rows = session.execute(
        select(col(IdempotencyRecord.key), col(IdempotencyRecord.response_body)).where(
            col(IdempotencyRecord.scope) == RESERVE_SCOPE,
            col(IdempotencyRecord.key).in_(sorted(keys)),
            col(IdempotencyRecord.state) == "done",
            col(IdempotencyRecord.response_status) < 400,
        )
    ).all()
    return {keys[key]: OrderOut.model_validate_json(body).number for key, body in rows if body}
