"""Scene 6: the endless-aisle basket, where it goes, the coupon, the order and its pay link."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.qr.images import render_png
from app.tablet.i18n import money, t
from app.tablet.state.basket import FULFILMENTS
from app.tablet.state.tablet import TabletState
from app.tablet.views.common import TOUCH, button, notice_bar, tagged


def _qty(state: TabletState, sku: str, delta: int) -> Callable[[object], None]:
    return lambda _: state.change_quantity(sku, delta)


def _choose(state: TabletState, fulfilment: str) -> Callable[[object], None]:
    return lambda _: state.choose_fulfilment(fulfilment)


def _confirmation(state: TabletState) -> list[ft.Control]:
    lang, b = state.lang, state.basket
    order = b.placed
    if order is None:
        return []
    shown: list[ft.Control] = [
        tagged(
            ft.Text(
                t(lang, "order_placed", number=order.number), size=22, weight=ft.FontWeight.BOLD
            ),
            "order-number",
        ),
        ft.Text(f"{t(lang, 'total')}: {money(order.total_kurus)}", size=18),
    ]
    if b.pay_link is not None:
        shown += [
            ft.Text(t(lang, "pay_on_phone")),
            tagged(
                ft.Image(src=render_png(b.pay_link.url, scale=6, border=2), width=240, height=240),
                "pay-link-qr",
            ),
        ]
    return shown


def build(state: TabletState) -> ft.Control:
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

    def place(_: object) -> None:
        b.coupon = coupon_field.value or ""  # as typed now, not as the last change event said
        state.place_order()

    lines: list[ft.Control] = [
        tagged(
            ft.Row(
                [
                    ft.Text(line.label, expand=True),
                    ft.IconButton(
                        ft.Icons.REMOVE, on_click=_qty(state, line.sku, -1), tooltip="-1"
                    ),
                    ft.Text(str(line.quantity), width=32, text_align=ft.TextAlign.CENTER),
                    ft.IconButton(ft.Icons.ADD, on_click=_qty(state, line.sku, 1), tooltip="+1"),
                    ft.Text(
                        money(line.price_kurus * line.quantity),
                        width=120,
                        text_align=ft.TextAlign.RIGHT,
                    ),
                ]
            ),
            f"line-{line.sku}",
        )
        for line in b.lines
    ]
    choices = ft.Row(
        [
            button(
                t(lang, "fulfil_" + f), _choose(state, f), f"fulfil-{f}", primary=f == b.fulfilment
            )
            for f in FULFILMENTS
        ],
        wrap=True,
    )
    where = ""
    if state.customer is not None and b.fulfilment == "ship_to_home":
        addresses = state.customer.profile.addresses
        where = f"{addresses[0].line1}, {addresses[0].city}" if addresses else t(lang, "no_address")
    elif state.login.session is not None:
        where = state.login.session.associate.store.name
    error = t(lang, b.error) + (f" {b.error_detail}" if b.error_detail else "") if b.error else None
    body: list[ft.Control] = [
        ft.Row(
            [button(t(lang, "back"), lambda _: state.go_back_to_customer(), "back", primary=False)]
        ),
        ft.Text(t(lang, "basket"), size=22, weight=ft.FontWeight.BOLD),
    ]
    if b.lines:
        body += [
            *lines,
            ft.Text(
                f"{t(lang, 'total')}: {money(b.total_kurus)} ({t(lang, 'kdv_in_prices')})", size=18
            ),
            choices,
            ft.Text(where),
            coupon_field,
            notice_bar(error, True),
            button(t(lang, "place_order"), place, "place-order"),
        ]
    elif b.placed is None:
        body.append(ft.Text(t(lang, "basket_empty")))
    body += _confirmation(state)
    return ft.Column(body, spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
