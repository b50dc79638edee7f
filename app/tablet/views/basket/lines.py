"""The basket's lines with their steppers, and the total."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import flet as ft

from app.tablet.i18n import money, t
from app.tablet.state.basket_lines import BasketLine
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, picture, tagged


def _redraw(*controls: ft.Control) -> None:
    for control in controls:
        with contextlib.suppress(Exception):  # the scene was rebuilt meanwhile: nothing to do
            control.update()


def line_row(state: Tablet, line: BasketLine, totals: list[ft.Text]) -> ft.Control:
    """One line with its stepper. A tap changes the line's number and the totals in place
    (BasketScene.step): no new scene, so fast taps all count."""
    lang, b = state.lang, state.basket
    qty = ft.Text(str(line.quantity), width=40, size=18, text_align=ft.TextAlign.CENTER)
    amount = ft.Text(money(line.total_kurus), width=120, text_align=ft.TextAlign.RIGHT)
    hint = ft.Text(t(lang, "qty_max", n=line.most), color=ft.Colors.AMBER_900, size=13)

    def fill() -> None:
        qty.value = str(line.quantity)
        amount.value = money(line.total_kurus)
        less.disabled = line.quantity <= 1
        more.disabled = line.quantity >= line.most
        hint.opacity = 1 if line.quantity >= line.most else 0
        totals[0].value = total_text(state)

    def step(delta: int) -> Callable[[object], None]:
        def tapped(_: object) -> None:
            b.step(line.sku, delta)
            fill()
            _redraw(qty, amount, less, more, hint, *totals)

        return tapped

    less = ft.IconButton(
        ft.Icons.REMOVE,
        on_click=step(-1),
        tooltip=t(lang, "qty_less"),
        width=TOUCH,
        height=TOUCH,
    )
    more = ft.IconButton(
        ft.Icons.ADD,
        on_click=step(1),
        tooltip=t(lang, "qty_more"),
        width=TOUCH,
        height=TOUCH,
    )
    fill()
    return tagged(
        ft.Row(
            [
                picture(state, line.thumb_url, width=56, height=70),
                ft.Column(
                    [
                        ft.Text(line.label, weight=ft.FontWeight.W_600),
                        ft.Text(t(lang, "each_price", price=money(line.price_kurus))),
                        hint,
                    ],
                    spacing=2,
                    expand=True,
                ),
                tagged(less, f"qty-less-{line.sku}"),
                tagged(qty, f"qty-{line.sku}"),
                tagged(more, f"qty-more-{line.sku}"),
                tagged(amount, f"amount-{line.sku}"),
                tagged(
                    ft.IconButton(
                        ft.Icons.DELETE_OUTLINE,
                        on_click=lambda _: state.basket.remove_line(line.sku),
                        tooltip=t(lang, "remove_line"),
                        width=TOUCH,
                        height=TOUCH,
                    ),
                    f"remove-{line.sku}",
                ),
            ],
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
        ),
        f"line-{line.sku}",
    )


def total_text(state: Tablet) -> str:
    lang, b = state.lang, state.basket
    return (
        f"{t(lang, 'total')}: {money(b.total_kurus)} · {t(lang, 'basket_units', n=b.units)}"
        f" ({t(lang, 'kdv_in_prices')})"
    )
