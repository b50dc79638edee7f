"""Looks written straight into the database, for tests of what happens to one after it is made
(sending, the look page, the opt-out, the report) without going through the tablet's API."""

from __future__ import annotations

from datetime import datetime

from app.domain.outreach import MessageStatus
from app.server.db import Database, utcnow
from app.server.outreach.models import Look, LookItem, OutreachMessage


def make_look(
    db: Database,
    *,
    customer_id: int,
    associate_id: int,
    location_id: int,
    variant_ids: list[int],
    channel: str = "email",
    lang: str = "tr",
    line: str = "Merhaba, sizin için seçtim.",
    status: MessageStatus = MessageStatus.QUEUED,
    at: datetime | None = None,
) -> tuple[int, int]:
    """(look id, message id) of a new look and its message, made at `at` (now by default)."""
    when = at or utcnow()
    with db.write() as s:
        look = Look(
            customer_id=customer_id,
            associate_id=associate_id,
            location_id=location_id,
            channel=channel,
            lang=lang,
            line=line,
            created_at=when,
        )
        s.add(look)
        s.flush()
        assert look.id is not None
        for n, variant_id in enumerate(variant_ids):
            s.add(LookItem(look_id=look.id, variant_id=variant_id, position=n))
        message = OutreachMessage(
            look_id=look.id,
            customer_id=customer_id,
            channel=channel,
            status=status,
            not_before=when,
            sent_at=when if status == MessageStatus.SENT else None,
            created_at=when,
        )
        s.add(message)
        s.flush()
        assert message.id is not None
        return look.id, message.id
