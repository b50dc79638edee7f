"""The placed order: its lines, where they come from, the day promised, the pay link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import flet as ft

from app.contracts.orders import OrderLineOut, OrderOut
from app.qr.images import render_png
from app.tablet.i18n import colour_name, local_time, money, t
from app.tablet.state.basket_order import PAY_LINK_CHANNELS
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import button, notice_bar, picture, tagged


def _day(state: Tablet, day: date) -> str:
    lang = state.lang
    today = state.session.today()
    shown = f"{t(lang, f'weekday_{day.weekday()}')}, {day.strftime('%d.%m.%Y')}"
    if day == today:
        return t(lang, "day_today", date=shown)
    if day == today + timedelta(days=1):
        return t(lang, "day_tomorrow", date=shown)
    return shown


def _where(state: Tablet, order: OrderOut, line: OrderLineOut) -> list[ft.Control]:
    """Where the line ships from, or is held and until when."""
    lang = state.lang
    place = line.source_location_name or line.source_location_code
    said: list[ft.Control] = []
    if place:
        key = "held_at" if order.fulfilment_type == "reserve_in_store" else "ships_from"
        said.append(ft.Text(t(lang, key, place=place), color=ft.Colors.GREY_800))
    if line.held_until is not None:
        said.append(
            ft.Text(
                t(lang, "held_until", time=local_time(line.held_until)),
                color=ft.Colors.AMBER_900,
                weight=ft.FontWeight.W_600,
            )
        )
    return said


def _placed_line(state: Tablet, order: OrderOut, line: OrderLineOut) -> ft.Control:
    lang, b = state.lang, state.basket
    name = line.name_en if lang == "en" else line.name_tr
    # The picture carries the selector: a tagged row would merge its words into one label.
    return ft.Row(
        [
            picture(
                state,
                b.placed_pictures.get(line.sku),
                width=56,
                height=70,
                identifier=f"placed-{line.sku}",
            ),
            ft.Column(
                [
                    ft.Text(name, weight=ft.FontWeight.W_600),
                    ft.Text(
                        f"{t(lang, 'size_colour', size=line.size, colour=colour_name(lang, line.colour, line.colour_en))}"
                        f" · {line.quantity} × {money(line.unit_price_kurus)}",
                        color=ft.Colors.GREY_800,
                    ),
                    *_where(state, order, line),
                ],
                spacing=2,
                expand=True,
            ),
            ft.Text(money(line.line_total_kurus), width=120, text_align=ft.TextAlign.RIGHT),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
    )


def _promise(state: Tablet, order: OrderOut) -> list[ft.Control]:
    """The address (shipping) or the store (collecting), and the day promised."""
    lang = state.lang
    said: list[ft.Control] = []
    if order.ship_to:
        a = order.ship_to
        parts = [a.get("recipient"), a.get("line1"), a.get("district"), a.get("city")]
        address = ", ".join(p for p in parts if p)
        if a.get("postal_code"):
            address += f" {a['postal_code']}"
        said.append(ft.Text(t(lang, "deliver_to", address=address)))
    elif order.fulfilment_type == "click_collect":
        who = state.session.who
        here = who.associate.store if who is not None else None
        if here is not None and order.pickup_location_id in (None, here.id):
            said.append(ft.Text(t(lang, "collect_from", place=here.name)))
    if order.expected_on is not None:
        key = {
            "ship_to_home": "expected_home",
            "click_collect": "expected_collect",
            "reserve_in_store": "expected_held",
        }[order.fulfilment_type]
        said.append(
            tagged(
                ft.Text(
                    t(lang, key, day=_day(state, order.expected_on)),
                    size=18,
                    weight=ft.FontWeight.W_600,
                ),
                "expected-on",
            )
        )
    return said


def _send(state: Tablet) -> list[ft.Control]:
    lang, b = state.lang, state.basket

    def send(channel: str) -> Callable[[object], None]:
        return lambda _: state.basket.send_pay_link(channel)

    return [
        ft.Text(t(lang, "send_pay_link")),
        ft.Row(
            [
                button(
                    t(lang, f"sent_{c}" if c in b.pay_link_sent else f"send_{c}"),
                    send(c),
                    f"pay-link-{c}",
                    primary=False,
                )
                for c in PAY_LINK_CHANNELS
            ],
            wrap=True,
        ),
    ]


def placed_order(state: Tablet, error: ft.Control) -> list[ft.Control]:
    lang, b = state.lang, state.basket
    if b.queued:
        return [notice_bar(t(lang, "order_queued"), False)]
    order = b.placed
    if order is None:
        return []
    what: list[ft.Control] = [
        tagged(
            ft.Text(
                t(lang, "order_placed", number=order.number),
                size=22,
                weight=ft.FontWeight.BOLD,
            ),
            "order-number",
        ),
        ft.Text(f"{t(lang, 'total')}: {money(order.total_kurus)}", size=18),
        *(_placed_line(state, order, line) for line in order.lines),
        *_promise(state, order),
        error,
    ]
    pay: list[ft.Control] = []
    if b.pay_link is not None:
        pay = [
            ft.Text(t(lang, "pay_on_phone")),
            tagged(
                ft.Image(
                    src=render_png(b.pay_link.url, scale=6, border=2),
                    width=240,
                    height=240,
                ),
                "pay-link-qr",
            ),
            *_send(state),
        ]
    # Side by side on a landscape tablet (what happened | how to pay), one above the other
    # in portrait.
    return [
        ft.ResponsiveRow(
            [
                ft.Column(what, spacing=10, col={"xs": 12, "lg": 7}),
                ft.Column(pay, spacing=10, col={"xs": 12, "lg": 5}),
            ],
            spacing=24,
            run_spacing=16,
        )
    ]
