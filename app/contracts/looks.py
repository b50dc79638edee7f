"""Looks an associate sends to a client (issue 15), on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.contracts.common import EntityId, Request
from app.domain import outreach
from app.domain.consent import Lang
from app.domain.outreach import LookChannel, MessageStatus

PersonalLine = Annotated[
    str, StringConstraints(min_length=1, max_length=outreach.MAX_LINE, strip_whitespace=True)
]


class LookCreate(Request):
    """A look for one client: a few variants and a personal line, by one channel. The server
    refuses a channel the client has not opted into (409 consent-missing) and checks again when
    the worker sends it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer_id": 1,
                    "variant_ids": [11, 42],
                    "channel": "email",
                    "lang": "tr",
                    "template": "new_in",
                    "line": "Merhaba Elif, yeni gelenlerden size yakışacakları seçtim.",
                }
            ]
        },
    )

    customer_id: EntityId
    variant_ids: Annotated[list[EntityId], Field(min_length=1, max_length=outreach.MAX_ITEMS)]
    channel: LookChannel
    lang: Lang = "tr"
    template: Annotated[str, StringConstraints(max_length=32)] = ""
    line: PersonalLine

    @field_validator("variant_ids")
    @classmethod
    def _each_once(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("each variant at most once")
        return value

    @field_validator("line")
    @classmethod
    def _printable(cls, value: str) -> str:
        if any(not (c.isprintable() or c == "\n") for c in value):
            raise ValueError("must be plain text (no control characters)")
        return value


class LookItemOut(BaseModel):
    variant_id: int
    product_id: int
    sku: str
    name: str
    colour: str
    size: str
    price_kurus: int
    image_url: str  # relative to the API's base URL (app/contracts/media.py)


class LookOut(BaseModel):
    id: int
    customer_id: int
    associate_id: int
    associate_name: str
    location_id: int
    channel: LookChannel
    lang: Lang
    line: str
    items: list[LookItemOut]
    url: str  # the look page, absolute: what the message links to
    # WhatsApp only: the wa.me link with the text filled in, for the tablet to open.
    whatsapp_url: str | None = None
    status: MessageStatus
    not_before: datetime  # when the worker may send it (after quiet hours)
    sent_at: datetime | None = None
    opened_at: datetime | None = None
    clicked_at: datetime | None = None
    created_at: datetime


class LookList(BaseModel):
    looks: list[LookOut]


class OutreachFigures(BaseModel):
    """One associate's outreach in the report's window (issue 15)."""

    associate_id: int
    associate_name: str
    sent: int
    opened: int
    clicked: int
    orders_credited: int
    sales_credited_kurus: int
