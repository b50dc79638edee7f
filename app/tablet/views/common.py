"""Small building blocks shared by the views: stable test selectors, touch-size buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

TOUCH = 48  # px: the smallest touch target
BRAND = "#1d1d1f"
MUTED = ft.Colors.GREY_700  # secondary text


def tagged(control: ft.Control, identifier: str) -> ft.Control:
    """A stable selector for browser tests (`flt-semantics-identifier`), and for a11y."""
    return ft.Semantics(content=control, identifier=identifier)


def button(
    text: str, on_click: Callable[[Any], Any], identifier: str, *, primary: bool = True
) -> ft.Control:
    style = ft.ButtonStyle(
        bgcolor=BRAND if primary else ft.Colors.WHITE,
        color=ft.Colors.WHITE if primary else BRAND,
        shape=ft.RoundedRectangleBorder(radius=10),
        padding=ft.Padding.symmetric(horizontal=20, vertical=12),
    )
    return tagged(ft.Button(text, on_click=on_click, height=TOUCH, style=style), identifier)


def picture(
    state: Any, url: str | None, *, width: int = 64, height: int = 80, identifier: str | None = None
) -> ft.Control:
    """A product picture from the tablet's state (kept offline once shown), or a quiet
    placeholder of the same size when there is none: a list never jumps as pictures arrive."""
    data = state.picture(url) if url else None
    if data is not None:
        image: ft.Control = ft.Image(
            src=data, width=width, height=height, fit=ft.BoxFit.COVER, border_radius=8
        )
    else:
        image = ft.Container(
            ft.Icon(ft.Icons.CHECKROOM, color=ft.Colors.GREY_400, size=min(width, height) // 2),
            width=width,
            height=height,
            bgcolor=ft.Colors.GREY_200,
            border_radius=8,
            alignment=ft.Alignment.CENTER,
        )
    return tagged(image, identifier) if identifier else image


def product_card(
    state: Any, product_id: int, content: ft.Control, width: int, identifier: str
) -> ft.Control:
    """A product as a shop window shows it (a search result, a recommendation): a white card
    whose tap opens the product."""
    return tagged(
        ft.Container(
            content,
            width=width,
            padding=8,
            border_radius=12,
            bgcolor=ft.Colors.WHITE,
            border=ft.Border.all(1, ft.Colors.GREY_200),
            ink=True,
            on_click=lambda _: state.product.open(product_id),
        ),
        identifier,
    )


def person_line(
    icon: ft.IconData,
    title: str,
    detail: str,
    note: str | None,
    on_tap: Callable[[], None],
    identifier: str,
    detail_colour: str = MUTED,
) -> ft.Control:
    """A line of a list about a customer (a task, an appointment): an icon, what it is in
    bold, a detail under it, the associate's note if any; a tap opens the customer."""
    return tagged(
        ft.Container(
            ft.Row(
                [
                    ft.Icon(icon, color=ft.Colors.BROWN_700),
                    ft.Column(
                        [
                            ft.Text(title, size=16, weight=ft.FontWeight.W_600),
                            ft.Text(detail, size=14, color=detail_colour),
                            *([ft.Text(note, size=13, color=MUTED, italic=True)] if note else []),
                        ],
                        spacing=2,
                        expand=True,
                    ),
                ],
                spacing=12,
            ),
            on_click=lambda _: on_tap(),
            padding=ft.Padding.symmetric(horizontal=4, vertical=6),
            border_radius=8,
            ink=True,
        ),
        identifier,
    )


def notice_bar(text: str | None, error: bool) -> ft.Control:
    if not text:
        return ft.Container(height=0)
    return tagged(
        ft.Container(
            ft.Text(text, color=ft.Colors.RED_900 if error else ft.Colors.GREEN_900, size=16),
            bgcolor=ft.Colors.RED_50 if error else ft.Colors.GREEN_50,
            padding=12,
            border_radius=8,
        ),
        "notice",
    )


def attention(text: str, action: ft.Control, identifier: str | None = None) -> ft.Control:
    """Something the associate must decide on (consent to ask for, a risk to accept): the
    words and the one action, on amber."""
    card = ft.Container(
        ft.Column([ft.Text(text, size=16, color=ft.Colors.AMBER_900), action], spacing=8),
        bgcolor=ft.Colors.AMBER_50,
        padding=14,
        border_radius=10,
    )
    return tagged(card, identifier) if identifier else card
