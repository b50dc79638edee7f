"""The confirmation that rises from the foot of the screen for a moment ("İade alındı.")."""

from __future__ import annotations

import flet as ft

from app.tablet.i18n import t
from app.tablet.state.notice import Notice
from app.tablet.views.common import tagged

TOAST_MS = 2500  # long enough to read two lines, short enough not to cover the next tap


class Toast:
    """The confirmation on screen, if any, with its words: a language switch while it is still
    up redraws it in the new language, like everything else on the page."""

    def __init__(self) -> None:
        self._shown: tuple[Notice, ft.Text] | None = None

    def translate(self, lang: str) -> None:
        """The words of the one still up, in `lang` (before the page's next update)."""
        if self._shown is not None:
            notice, words = self._shown
            words.value = t(lang, notice.key, **notice.values)

    def show(self, page: ft.Page, lang: str, notice: Notice) -> None:
        words = ft.Text(t(lang, notice.key, **notice.values))
        self._shown = (notice, words)
        snack = ft.SnackBar(tagged(words, "toast"), duration=TOAST_MS)
        snack.on_dismiss = lambda _e: self._gone(words)
        page.show_dialog(snack)

    def _gone(self, words: ft.Text) -> None:
        # Only the one dismissed: a newer confirmation may already have taken its place.
        if self._shown is not None and self._shown[1] is words:
            self._shown = None
