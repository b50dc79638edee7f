"""A look as the associate's tablet reads it: its products with pictures, the link the message
carries, and for WhatsApp the wa.me link with the text filled in."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import quote

from sqlalchemy import select
from sqlmodel import Session, col

from app.contracts.looks import LookItemOut, LookOut
from app.contracts.media import product_image_url
from app.domain import outreach
from app.qr.keys import KeyRing
from app.qr.look import look_url, optout_url
from app.server.auth.models import Associate
from app.server.catalog.models import Location
from app.server.catalog.service import item_refs
from app.server.customers.models import Customer
from app.server.outreach.models import Look, LookItem, OutreachMessage


def look_link(ring: KeyRing, base_url: str, look: Look) -> str:
    """The look page's link, signed as of the look's making: every read of the look and the
    message itself carry the same link, expiring LINK_DAYS after the look was made."""
    assert look.id is not None
    return look_url(ring, base_url, look.id, now=look.created_at.timestamp())


def whatsapp_url(phone: str, text: str) -> str:
    """wa.me wants the number in international form with digits only (no +, no spaces)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"


def _item(ref: dict[str, object], variant_id: int, lang: str) -> LookItemOut:
    en = lang == "en"
    product_id = int(str(ref["product_id"]))
    colour = str(ref["colour"])  # the catalogue's spelling: what the picture URL expects
    return LookItemOut(
        variant_id=variant_id,
        product_id=product_id,
        sku=str(ref["sku"]),
        name=str(ref["name_en"] if en and ref["name_en"] else ref["name_tr"]),
        colour=str(ref["colour_en"]) if en and ref["colour_en"] else colour,
        size=str(ref["size"]),
        price_kurus=int(str(ref["price_kurus"])),
        image_url=product_image_url(product_id, colour, "thumb"),
    )


def looks_out(
    session: Session, looks: list[Look], customer: Customer, *, ring: KeyRing, base_url: str
) -> list[LookOut]:
    """`looks` (all of `customer`) as the tablet reads them, in the order given; a handful of
    queries for the lot, not a few per look."""
    ids = [look.id for look in looks if look.id is not None]
    if not ids:
        return []
    items: dict[int, list[int]] = defaultdict(list)
    for look_id, variant_id in session.execute(
        select(col(LookItem.look_id), col(LookItem.variant_id))
        .where(col(LookItem.look_id).in_(ids))
        .order_by(col(LookItem.look_id), col(LookItem.position))
    ).all():
        items[look_id].append(variant_id)
    refs = item_refs(session, {v for vs in items.values() for v in vs})
    messages = {
        m.look_id: m
        for m in session.execute(
            select(OutreachMessage).where(col(OutreachMessage.look_id).in_(ids))
        ).scalars()
    }
    associates = dict(
        session.execute(
            select(col(Associate.id), col(Associate.name)).where(
                col(Associate.id).in_(sorted({look.associate_id for look in looks}))
            )
        ).all()
    )
    stores = dict(
        session.execute(
            select(col(Location.id), col(Location.name)).where(
                col(Location.id).in_(sorted({look.location_id for look in looks}))
            )
        ).all()
    )
    out = []
    for look in looks:
        assert look.id is not None
        message = messages[look.id]
        url = look_link(ring, base_url, look)
        wa = None
        if look.channel == "whatsapp" and customer.phone and message.id is not None:
            who = outreach.Signature(
                associates.get(look.associate_id, ""), stores[look.location_id]
            )
            text = outreach.short_text(
                "en" if look.lang == "en" else "tr",
                line=look.line,
                who=who,
                look_url=url,
                optout_url=optout_url(ring, base_url, message.id),
            )
            wa = whatsapp_url(customer.phone, text)
        out.append(
            LookOut(
                id=look.id,
                customer_id=look.customer_id,
                associate_id=look.associate_id,
                associate_name=associates.get(look.associate_id, ""),
                location_id=look.location_id,
                channel=look.channel,
                lang="en" if look.lang == "en" else "tr",
                line=look.line,
                items=[_item(refs[v], v, look.lang) for v in items[look.id]],
                url=url,
                whatsapp_url=wa,
                status=message.status,
                not_before=message.not_before,
                sent_at=message.sent_at,
                opened_at=message.opened_at,
                clicked_at=message.clicked_at,
                created_at=look.created_at,
            )
        )
    return out
