"""The customer scene's orders from every channel, the queued ones first."""

from __future__ import annotations

import flet as ft

from app.contracts.customers import CustomerView
from app.contracts.orders import OrderSummary
from app.tablet.i18n import items, local_date, money, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, tagged
from app.tablet.views.customer.parts import more
from app.tablet.views.order import CHANNEL_ICONS, MUTED, status_chip

ORDERS_SHOWN = 6


def _order(state: Tablet, o: OrderSummary) -> ft.Control:
    lang = state.lang
    where = f" · {o.store_location_code}" if o.store_location_code else ""
    return tagged(
        ft.Container(
            ft.Row(
                [
                    ft.Container(
                        ft.Icon(CHANNEL_ICONS.get(o.channel, ft.Icons.RECEIPT), size=22),
                        width=44,
                        height=44,
                        border_radius=22,
                        bgcolor=ft.Colors.GREY_100,
                        alignment=ft.Alignment.CENTER,
                    ),
                    ft.Column(
                        [
                            ft.Row(
                                [
                                    ft.Text(o.number, size=15, weight=ft.FontWeight.BOLD),
                                    status_chip(lang, o.status),
                                ],
                                spacing=8,
                                wrap=True,
                            ),
                            ft.Text(
                                f"{local_date(o.placed_at)} · {t(lang, 'channel_' + o.channel)}"
                                f"{where} · {items(lang, o.item_count)}",
                                size=13,
                                color=MUTED,
                            ),
                        ],
                        spacing=2,
                        expand=True,
                    ),
                    ft.Text(money(o.total_kurus), size=15, weight=ft.FontWeight.W_500),
                    ft.Icon(ft.Icons.CHEVRON_RIGHT, color=MUTED),
                ],
                spacing=10,
            ),
            padding=ft.Padding.symmetric(horizontal=8, vertical=6),
            border_radius=10,
            ink=True,
            on_click=lambda _: state.order.open(o.id),
            tooltip=t(lang, "customer_open_order"),
            height=max(TOUCH + 12, 60),
        ),
        f"order-{o.id}",
    )


def order_list(state: Tablet, view: CustomerView) -> list[ft.Control]:
    lang = state.lang
    # Orders this tablet placed that wait for the network: the customer sees them too.
    queued: list[ft.Control] = [
        tagged(
            ft.Row(
                [
                    ft.Icon(ft.Icons.SCHEDULE_SEND, size=20, color=ft.Colors.AMBER_900),
                    ft.Text(t(lang, "queued_order", label=c.label), expand=True),
                ]
            ),
            f"queued-order-{c.id}",
        )
        for c in state.customer.queued_orders
    ]
    orders = [_order(state, o) for o in view.orders[: state.customer.shown("orders", ORDERS_SHOWN)]]
    return [*queued, *orders, *more(state, "orders", len(view.orders), len(orders))]
