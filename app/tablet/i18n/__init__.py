"""Every string the tablet shows, in Turkish (the default) and English."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from app.domain.money import format_try
from app.tablet.i18n.strings import STRINGS

LANGUAGES = ("tr", "en")
LOCAL = ZoneInfo("Europe/Istanbul")


def t(lang: str, key: str, **values: object) -> str:
    text = STRINGS.get(lang, STRINGS["tr"]).get(key) or STRINGS["tr"].get(key, key)
    return text.format(**values) if values else text


SIZE_SLOTS = ("top", "bottom", "shoe")  # a customer's preferred sizes, in this order


def count(lang: str, n: int) -> str:
    """A whole number as the language writes it: 2.000 in Turkish, 2,000 in English."""
    text = f"{n:,}"
    return text.replace(",", ".") if lang != "en" else text


def chars_left(lang: str, n: int) -> str:
    """A text field's counter, for the eye and for the screen reader alike."""
    return t(lang, "chars_left_one") if n == 1 else t(lang, "chars_left", n=count(lang, n))


def items(lang: str, n: int) -> str:
    """ "1 item", "3 items"; Turkish has one form after a number ("1 ürün", "3 ürün")."""
    return t(lang, "items_one") if n == 1 else t(lang, "items", n=count(lang, n))


def colour_name(lang: str, colour: str, colour_en: str) -> str:
    """A colour as the catalogue names it in this language (Turkish when it has no English)."""
    return colour_en if lang == "en" and colour_en else colour


def size_slot(lang: str, slot: str) -> str:
    """ "top" -> "Üst": what a preferred size is for; a slot this tablet does not know yet
    reads "Diğer" rather than the API's code."""
    return t(lang, f"size_slot_{slot}" if slot in SIZE_SLOTS else "size_slot_other")


def sizes_text(lang: str, sizes: Mapping[str, str]) -> str:
    """ "Üst: M, Alt: 32, Ayakkabı: 38": known slots first, in their order."""
    order = {slot: i for i, slot in enumerate(SIZE_SLOTS)}
    slots = sorted(sizes, key=lambda s: (order.get(s, len(order)), s))
    return ", ".join(
        t(lang, "size_slot_value", slot=size_slot(lang, s), size=sizes[s]) for s in slots
    )


def money(kurus: int) -> str:
    """1.234,50 TL in both languages: the till and the receipt say it that way."""
    return format_try(kurus)


def local_date(at: datetime) -> str:
    return at.astimezone(LOCAL).strftime("%d.%m.%Y")


def local_time(at: datetime) -> str:
    """A moment on the store's clock, to the minute."""
    return at.astimezone(LOCAL).strftime("%d.%m.%Y %H:%M")
