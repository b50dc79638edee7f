"""What the customer scene's sections share: the section card, small text, "show all"."""

from __future__ import annotations

from collections.abc import Sequence

import flet as ft

from app.tablet.i18n import t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import BRAND, TOUCH, tagged
from app.tablet.views.order import MUTED


def section(
    title: str,
    icon: ft.IconData,
    rows: Sequence[ft.Control],
    identifier: str,
    lang: str,
) -> ft.Control:
    body = list(rows) or [ft.Text(t(lang, "empty"), color=ft.Colors.GREY_600)]
    # Two columns on a landscape tablet, one on a portrait one (800 px is "md").
    return ft.Container(
        tagged(
            ft.Container(
                ft.Column(
                    [
                        ft.Row(
                            [
                                ft.Icon(icon, size=22, color=BRAND),
                                # Its own node: else the title is only the group's label,
                                # which finding by text does not see.
                                tagged(
                                    ft.Text(title, size=18, weight=ft.FontWeight.BOLD),
                                    f"{identifier}-title",
                                ),
                            ],
                            spacing=8,
                        ),
                        *body,
                    ],
                    spacing=10,
                ),
                bgcolor=ft.Colors.WHITE,
                border_radius=12,
                padding=14,
                expand=True,
            ),
            identifier,
        ),
        col={"xs": 12, "lg": 6},
    )


def more(state: Tablet, kind: str, total: int, shown: int) -> list[ft.Control]:
    """The way to the rest of a list, when only its latest entries are shown."""
    if total <= shown:
        return []
    return [
        tagged(
            ft.TextButton(
                t(state.lang, "customer_show_all", n=total),
                icon=ft.Icons.EXPAND_MORE,
                on_click=lambda _: state.customer.show_all(kind),
                height=TOUCH,
            ),
            f"{kind}-all",
        )
    ]


def small(text: str, *, expand: bool = False) -> ft.Control:
    return ft.Text(
        text,
        size=12,
        color=MUTED,
        max_lines=2,
        overflow=ft.TextOverflow.ELLIPSIS,
        expand=expand,
    )
