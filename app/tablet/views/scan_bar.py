"""The head of a scene worked by scanning (prepare, transfers): its title with a refresh button,
and one scan field a hardware scanner types into (it presses Enter), with the camera and
photo buttons beside it."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.tablet.views.common import TOUCH, button, tagged


def scan_bar(
    *,
    title: str,
    hint: str,
    scan_label: str,
    refresh_label: str,
    text: str,
    on_text: Callable[[str], None],
    on_scan: Callable[[str], None],
    on_refresh: Callable[[], None],
    prefix: str,
    scan_tools: list[ft.Control] | None = None,
) -> list[ft.Control]:
    """`prefix` names the controls for tests and screen readers: {prefix}-refresh and
    {prefix}-scan-submit."""

    def set_text(e: ft.Event[ft.TextField]) -> None:
        on_text(e.control.value or "")

    field = ft.TextField(
        label=hint,
        value=text,
        autofocus=True,  # a hardware scanner types into whatever has focus
        on_change=set_text,
        on_submit=lambda e: on_scan(e.control.value or ""),
        text_size=18,
        height=TOUCH + 12,
        width=460,
    )
    head = ft.Row(
        [
            ft.Text(title, size=22, weight=ft.FontWeight.BOLD, expand=True),
            tagged(
                ft.IconButton(
                    ft.Icons.REFRESH,
                    tooltip=refresh_label,
                    on_click=lambda _: on_refresh(),
                    width=TOUCH,
                    height=TOUCH,
                ),
                f"{prefix}-refresh",
            ),
        ]
    )
    row = ft.Row(
        [
            field,
            button(scan_label, lambda _: on_scan(field.value or ""), f"{prefix}-scan-submit"),
            *(scan_tools or []),
        ],
        wrap=True,
    )
    return [head, row]
