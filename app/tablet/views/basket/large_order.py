"""The dialog in which the associate confirms a large order before it is placed."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import flet as ft

from app.tablet.i18n import money, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import button, tagged


def ask_large(state: Tablet, page: Any, closed: Callable[[], None]) -> None:
    """The associate confirms a large order in a dialog before it is placed."""
    lang, b = state.lang, state.basket

    def answer(yes: bool) -> Callable[[object], None]:
        def tapped(_: object) -> None:
            closed()
            with contextlib.suppress(Exception):  # already closed by a double tap
                page.pop_dialog()
            if yes:
                b.place_order(confirmed=True)
            else:
                b.keep_editing()

        return tapped

    page.show_dialog(
        ft.AlertDialog(
            modal=True,
            title=ft.Text(t(lang, "large_order_title")),
            content=tagged(
                ft.Text(
                    t(
                        lang,
                        "large_order_text",
                        units=b.units,
                        total=money(b.total_kurus),
                    ),
                    size=18,
                ),
                "large-order",
            ),
            actions=[
                button(
                    t(lang, "large_order_no"),
                    answer(False),
                    "large-order-no",
                    primary=False,
                ),
                button(t(lang, "large_order_yes"), answer(True), "large-order-yes"),
            ],
        )
    )
