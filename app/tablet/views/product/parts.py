"""What the product scene's parts share: the muted colour and a size in words."""

from __future__ import annotations

import flet as ft

from app.tablet.i18n import t

MUTED = ft.Colors.GREY_700


def size_words(lang: str, size: str) -> str:
    """A size as the associate reads it: "M", "38"; the one-size code in words."""
    return t(lang, "size_STD") if size == "STD" else size
