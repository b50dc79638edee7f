"""Scene 6: the endless-aisle basket, where it goes (a saved or a new address, click & collect
here, a store that has it all), the coupon, the order and its pay link; when stock ran out,
the locations that still have the line, one tap to take one.

The parts of the screen: lines.py, where.py (where it goes), confirmation.py (the placed
order) and large_order.py (the confirm dialog)."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.tablet.i18n import t
from app.tablet.state.basket_order import ADDRESS_FIELDS, FULFILMENTS
from app.tablet.state.tablet import Tablet
from app.tablet.views.basket.confirmation import placed_order
from app.tablet.views.basket.large_order import ask_large
from app.tablet.views.basket.lines import line_row, total_text
from app.tablet.views.basket.where import addresses, alternatives, choose, stores
from app.tablet.views.common import TOUCH, button, notice_bar, tagged


def build(state: Tablet) -> ft.Control:
    lang, b = state.lang, state.basket

    def set_coupon(e: ft.Event[ft.TextField]) -> None:
        b.coupon = e.control.value or ""

    coupon_field = ft.TextField(
        label=t(lang, "coupon_code"),
        value=b.coupon,
        on_change=set_coupon,
        width=420,
        height=TOUCH + 8,
    )
    address_fields = {
        name: ft.TextField(
            label=t(lang, "address_" + name),
            value=b.new_address.get(name, ""),
            on_change=lambda e, name=name: b.set_address_field(name, e.control.value or ""),
            keyboard_type=ft.KeyboardType.NUMBER if name == "postal_code" else ft.KeyboardType.TEXT,
            height=TOUCH + 8,
        )
        for name in ADDRESS_FIELDS
    }

    asked = [False]  # one dialog at a time, however many taps reach the button

    def closed() -> None:
        asked[0] = False

    def place(e: Any) -> None:
        # The fields as typed now, not as the last change event said.
        b.coupon = coupon_field.value or ""
        for name, address_field in address_fields.items():
            b.set_address_field(name, address_field.value or "")
        state.basket.place_order()
        if b.confirming and not asked[0]:
            asked[0] = True
            ask_large(state, e.control.page, closed)

    totals = [ft.Text(total_text(state), size=18)]
    lines: list[ft.Control] = [line_row(state, line, totals) for line in b.lines]
    choices = ft.Row(
        [
            button(
                t(lang, "fulfil_" + f),
                choose(state, f),
                f"fulfil-{f}",
                primary=f == b.fulfilment,
            )
            for f in FULFILMENTS
        ],
        wrap=True,
    )
    where: list[ft.Control]
    if b.fulfilment == "ship_to_home":
        where = addresses(state, address_fields)
    elif b.fulfilment == "reserve_in_store":
        where = stores(state)
    else:
        session = state.session.who
        where = (
            [ft.Text(t(lang, "collect_at", store=session.associate.store.name))] if session else []
        )
    error = t(lang, b.error) + (f" {b.error_detail}" if b.error_detail else "") if b.error else None
    error_bar = tagged(notice_bar(error, True), "basket-error")
    body: list[ft.Control] = [
        ft.Row(
            [
                button(
                    t(lang, "back"),
                    lambda _: state.customer.show(),
                    "back",
                    primary=False,
                )
            ]
        ),
        ft.Text(t(lang, "basket"), size=22, weight=ft.FontWeight.BOLD),
    ]
    if b.lines:
        body += [
            *lines,
            tagged(totals[0], "basket-total"),
            choices,
            *where,
            coupon_field,
            error_bar,
            *alternatives(state),
            button(t(lang, "place_order"), place, "place-order"),
        ]
    elif b.placed is None and not b.queued:
        body.append(ft.Text(t(lang, "basket_empty")))
    body += placed_order(state, error_bar if not b.lines else ft.Container(height=0))
    return ft.Column(body, spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
