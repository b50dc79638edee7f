"""Outreach: a look an associate sends to one client, and the rules it is sent by.

A look is a few products and a personal line. It goes by e-mail or SMS through the server's
durable outbox (a worker sends it), or the associate opens WhatsApp on the tablet with the text
filled in. Under the İYS rules a commercial message needs the customer's recorded opt-in for
that channel: it is checked when the look is made and again at the moment of sending, and every
message carries a link that withdraws it. Messages wait out the quiet hours of the evening and
night rather than wake anyone up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from app.domain.consent import Lang, Purpose

LookChannel = Literal["email", "sms", "whatsapp"]
LOOK_CHANNELS: tuple[LookChannel, ...] = ("email", "sms", "whatsapp")

MAX_ITEMS = 8  # a message a phone shows without scrolling forever
MAX_LINE = 500  # the personal line: a few sentences, not a letter
# Visits and purchases of a look's products by its customer this long after it was sent are
# credited to the associate who sent it (issue 15; the retailer's commission rule).
ATTRIBUTION_DAYS = 14
LINK_DAYS = 60  # how long the look page opens from its link
# A sender that died mid-send leaves its claim; after this long another worker may take it.
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 20  # a message that never finds a way out stops being retried and is marked failed

# No commercial message between 21:00 and 09:00 in the customer's (the store's) zone.
QUIET_START = time(21, 0)
QUIET_END = time(9, 0)


class MessageStatus(StrEnum):
    QUEUED = "queued"  # waiting for the worker (or for the quiet hours to pass)
    SENDING = "sending"  # claimed by a worker, with a lease
    SENT = "sent"  # handed to the mail server or the SMS provider
    HANDED = "handed"  # WhatsApp: the text was opened on the associate's tablet
    BLOCKED = "blocked"  # the customer had withdrawn consent by send time: never sent
    FAILED = "failed"  # no way out after MAX_ATTEMPTS


def purpose_for(channel: LookChannel) -> Purpose:
    """The consent a look on this channel needs (one purpose per channel, as İYS records it)."""
    return channel


def allowed(channel: LookChannel, *, consents: dict[str, bool], address: str | None) -> bool:
    """May a look go to this customer on this channel now: opted in, and somewhere to send it."""
    return bool(consents.get(purpose_for(channel))) and bool(address)


def in_quiet_hours(
    at: datetime, zone: str, start: time = QUIET_START, end: time = QUIET_END
) -> bool:
    local = at.astimezone(ZoneInfo(zone)).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def not_before(
    at: datetime, zone: str, start: time = QUIET_START, end: time = QUIET_END
) -> datetime:
    """The first moment at or after `at` outside the quiet hours (UTC): `at` itself when it is
    already outside them, else the next end of the quiet hours in the store's zone."""
    if not in_quiet_hours(at, zone, start, end):
        return at
    tz = ZoneInfo(zone)
    local = at.astimezone(tz)
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=tz).astimezone(at.tzinfo)


# The associate starts from one of these and makes it their own; {name} is the customer's first
# name, {associate} the associate's, {store} the store's.
TEMPLATES: dict[str, dict[Lang, str]] = {
    "new_in": {
        "tr": "Merhaba {name}, yeni gelenlerden size yakışacağını düşündüklerimi seçtim.",
        "en": "Hello {name}, I picked a few new arrivals I think you will love.",
    },
    "your_size": {
        "tr": "Merhaba {name}, beğendiğiniz ürünler bedeninizle mağazamızda.",
        "en": "Hello {name}, the pieces you liked are here in your size.",
    },
    "complete_look": {
        "tr": "Merhaba {name}, son aldığınızla çok güzel bir kombin olur diye düşündüm.",
        "en": "Hello {name}, these would complete what you bought last time beautifully.",
    },
}


def template_text(key: str, lang: Lang, *, name: str) -> str:
    texts = TEMPLATES.get(key) or TEMPLATES["new_in"]
    return texts["en" if lang == "en" else "tr"].format(name=name)


_FOOTER: dict[Lang, str] = {
    "tr": "{associate}, {store}. Bu mesajları almak istemiyorsanız: {optout}",
    "en": "{associate}, {store}. To stop these messages: {optout}",
}
_SUBJECT: dict[Lang, str] = {
    "tr": "{associate} sizin için seçti",
    "en": "{associate} picked these for you",
}


@dataclass(frozen=True, slots=True)
class Signature:
    associate: str
    store: str


def subject(lang: Lang, who: Signature) -> str:
    return _SUBJECT["en" if lang == "en" else "tr"].format(associate=who.associate)


def short_text(lang: Lang, *, line: str, who: Signature, look_url: str, optout_url: str) -> str:
    """The SMS or WhatsApp text: the personal line, the look's link, who sent it, the opt-out."""
    footer = _FOOTER["en" if lang == "en" else "tr"].format(
        associate=who.associate, store=who.store, optout=optout_url
    )
    return f"{line.strip()}\n{look_url}\n{footer}"


def credited(sent_at: datetime, bought_at: datetime) -> bool:
    """Is a purchase of a look's product by its customer credited to the look's associate."""
    return sent_at <= bought_at <= sent_at + timedelta(days=ATTRIBUTION_DAYS)
