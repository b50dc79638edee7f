"""What the look page (/l/...) reads and records: the look as its customer sees it, with live
stock at the associate's store; the message's opens, clicks and visits; the message's channel
for the opt-out. Reserving from it is look_reserve.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from app.contracts.inventory import VariantStock
from app.domain.errors import NotFound
from app.domain.outreach import LookChannel
from app.server.auth.models import Associate
from app.server.catalog.directory import LocationDirectory
from app.server.catalog.service import item_refs
from app.server.customers.models import Customer
from app.server.db import Database, utcnow
from app.server.inventory import service as inventory
from app.server.outreach.models import Look, LookItem, OutreachMessage


@dataclass(frozen=True, slots=True)
class LookItemView:
    variant_id: int
    product_id: int
    sku: str
    name_tr: str
    name_en: str
    colour: str
    colour_en: str
    size: str
    price_kurus: int
    here: int  # available at the look's store now
    online: int  # available in the online warehouse(s)
    other_stores: int

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_tr

    def colour_in(self, lang: str) -> str:
        return (self.colour_en or self.colour) if lang == "en" else self.colour


@dataclass(frozen=True, slots=True)
class LookView:
    look_id: int
    customer_id: int
    associate_id: int
    associate_first_name: str
    location_id: int
    store_code: str
    store_name: str
    lang: str
    line: str
    message_id: int | None
    items: list[LookItemView]

    def item(self, variant_id: int) -> LookItemView | None:
        return next((i for i in self.items if i.variant_id == variant_id), None)


def look_view(session: Session, look_id: int, directory: LocationDirectory) -> LookView | None:
    """The look with each item's stock now; None when there is no such look any more or its
    store is closed (the page could offer nothing to reserve or collect there)."""
    look = session.get(Look, look_id)
    if look is None or look.id is None:
        return None
    place = directory.all(session).get(look.location_id)
    if place is None:
        return None
    name = session.execute(
        select(col(Associate.name)).where(col(Associate.id) == look.associate_id)
    ).scalar_one()
    message_id = session.execute(
        select(col(OutreachMessage.id)).where(col(OutreachMessage.look_id) == look.id)
    ).scalar_one_or_none()
    variant_ids = list(
        session.execute(
            select(col(LookItem.variant_id))
            .where(col(LookItem.look_id) == look.id)
            .order_by(col(LookItem.position), col(LookItem.id))
        ).scalars()
    )
    refs = item_refs(session, set(variant_ids))
    # The grid service the tablet reads, once per product: a look has a few, and what the page
    # says is then exactly what the associate's product scene says about this store.
    stock: dict[str, VariantStock] = {}
    conn = session.connection()
    for product_id in {ref["product_id"] for ref in refs.values()}:
        try:
            grid = inventory.product_stock(
                conn=conn, directory=directory, product_id=product_id, near=place.id
            )
        except NotFound:  # withdrawn from sale since the look was made: nothing to offer
            continue
        stock.update((cell.sku, cell) for cell in grid.variants)
    items = []
    for variant_id in variant_ids:
        ref = refs.get(variant_id)
        if ref is None:
            continue
        cell = stock.get(ref["sku"])
        items.append(
            LookItemView(
                variant_id=variant_id,
                product_id=ref["product_id"],
                sku=ref["sku"],
                name_tr=ref["name_tr"],
                name_en=ref["name_en"],
                colour=ref["colour"],
                colour_en=ref["colour_en"] or "",
                size=ref["size"],
                price_kurus=ref["price_kurus"],
                here=cell.here if cell else 0,
                online=cell.online if cell else 0,
                other_stores=cell.other_stores if cell else 0,
            )
        )
    return LookView(
        look_id=look.id,
        customer_id=look.customer_id,
        associate_id=look.associate_id,
        associate_first_name=(name.split() or [""])[0],
        location_id=place.id,
        store_code=place.code,
        store_name=place.name,
        lang=look.lang,
        line=look.line,
        message_id=message_id,
        items=items,
    )


def record_visit(db: Database, look_id: int) -> None:
    """One more visit of the look page. One UPDATE, so concurrent visits each add theirs and
    only the first sets when it was clicked; a click also proves the message was opened
    (a mail app that blocks pictures never fetches the pixel)."""
    now = utcnow()
    with db.write() as s:
        s.execute(
            update(OutreachMessage)
            .where(col(OutreachMessage.look_id) == look_id)
            .values(
                visits=col(OutreachMessage.visits) + 1,
                clicked_at=func.coalesce(col(OutreachMessage.clicked_at), now),
                opened_at=func.coalesce(col(OutreachMessage.opened_at), now),
            )
        )


def record_open(db: Database, look_id: int) -> None:
    """The e-mail's picture was fetched: opened, the first time only."""
    with db.write() as s:
        s.execute(
            update(OutreachMessage)
            .where(
                col(OutreachMessage.look_id) == look_id, col(OutreachMessage.opened_at).is_(None)
            )
            .values(opened_at=utcnow())
        )


@dataclass(frozen=True, slots=True)
class OptOut:
    message_id: int
    customer_id: int
    channel: LookChannel
    consented: bool  # the customer still receives messages on this channel


def optout_target(session: Session, message_id: int) -> OptOut | None:
    row = session.execute(
        select(col(OutreachMessage.customer_id), col(OutreachMessage.channel)).where(
            col(OutreachMessage.id) == message_id
        )
    ).first()
    if row is None:
        return None
    customer_id, channel = row
    customer = session.get(Customer, customer_id)
    if customer is None or channel not in ("email", "sms", "whatsapp"):
        return None
    return OptOut(message_id, customer_id, channel, bool(getattr(customer, f"consent_{channel}")))
