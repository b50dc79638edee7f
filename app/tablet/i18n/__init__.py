"""Every string the tablet shows, in Turkish (the default) and English."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.domain.money import format_try
from app.tablet.i18n.strings import STRINGS

LANGUAGES = ("tr", "en")
LOCAL = ZoneInfo("Europe/Istanbul")


def t(lang: str, key: str, **values: object) -> str:
    text = STRINGS.get(lang, STRINGS["tr"]).get(key) or STRINGS["tr"].get(key, key)
    return text.format(**values) if values else text


def money(kurus: int) -> str:
    """1.234,50 TL in both languages: the till and the receipt say it that way."""
    return format_try(kurus)


def local_date(at: datetime) -> str:
    return at.astimezone(LOCAL).strftime("%d.%m.%Y")


def local_time(at: datetime) -> str:
    """A moment on the store's clock, to the minute."""
    return at.astimezone(LOCAL).strftime("%d.%m.%Y %H:%M")
