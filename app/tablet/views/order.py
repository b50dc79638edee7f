"""One order: its lines with pictures, where each ships from and until when it is held, where
it goes and when, the amount with discount and KDV, and its status history as a timeline."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.contracts.orders import OrderLineOut, OrderOut
from app.tablet.i18n import colour_name, items, local_time, money, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, picture, tagged

CHANNEL_ICONS = {
    "web": ft.Icons.LANGUAGE,
    "app": ft.Icons.PHONE_IPHONE,
    "store": ft.Icons.STOREFRONT,
    "endless_aisle": ft.Icons.ALL_INCLUSIVE,
}
# (background, text) of an order status: open ones warm, done ones green, cancelled red.
STATUS_COLOURS = {
    "placed": (ft.Colors.AMBER_100, ft.Colors.AMBER_900),
    "paid": (ft.Colors.BLUE_50, ft.Colors.BLUE_900),
    "ready": (ft.Colors.TEAL_50, ft.Colors.TEAL_900),
    "shipped": (ft.Colors.INDIGO_50, ft.Colors.INDIGO_900),
    "collected": (ft.Colors.GREEN_50, ft.Colors.GREEN_900),
    "delivered": (ft.Colors.GREEN_50, ft.Colors.GREEN_900),
    "cancelled": (ft.Colors.RED_50, ft.Colors.RED_900),
}
MUTED = ft.Colors.GREY_700


def chip(text: str, bg: str, fg: str, icon: ft.IconData | None = None) -> ft.Control:
    parts: list[ft.Control] = [ft.Icon(icon, size=16, color=fg)] if icon else []
    parts.append(ft.Text(text, size=13, color=fg, weight=ft.FontWeight.W_500))
    return ft.Container(
        ft.Row(parts, spacing=4, tight=True),
        bgcolor=bg,
        border_radius=14,
        padding=ft.Padding.symmetric(horizontal=10, vertical=4),
    )


def status_chip(lang: str, status: str) -> ft.Control:
    bg, fg = STATUS_COLOURS.get(status, (ft.Colors.GREY_200, ft.Colors.GREY_900))
    return chip(t(lang, "status_" + status), bg, fg)


def channel_chip(lang: str, channel: str) -> ft.Control:
    return chip(
        t(lang, "channel_" + channel),
        ft.Colors.GREY_100,
        ft.Colors.GREY_900,
        CHANNEL_ICONS.get(channel, ft.Icons.RECEIPT),
    )


def card(title: str, body: list[ft.Control], identifier: str | None = None) -> ft.Container:
    box = ft.Container(
        ft.Column([ft.Text(title, size=18, weight=ft.FontWeight.BOLD), *body], spacing=10),
        bgcolor=ft.Colors.WHITE,
        border_radius=12,
        padding=16,
    )
    if identifier:
        box.content = tagged(box.content, identifier)  # type: ignore[arg-type]
    return box


def _line(state: Tablet, line: OrderLineOut) -> ft.Control:
    lang, scene = state.lang, state.order
    name = line.name_tr if lang == "tr" else line.name_en
    facts: list[ft.Control] = [
        ft.Text(name, size=16, weight=ft.FontWeight.BOLD),
        ft.Text(
            f"{line.size} · {colour_name(lang, line.colour, line.colour_en)}", size=14, color=MUTED
        ),
        ft.Text(
            t(lang, "order_quantity_price", n=line.quantity, price=money(line.unit_price_kurus)),
            size=14,
        ),
    ]
    if line.discount_kurus:
        facts.append(
            ft.Text(
                t(lang, "order_line_discount", amount=money(line.discount_kurus)),
                size=13,
                color=ft.Colors.GREEN_800,
            )
        )
    place = line.source_location_name or line.source_location_code
    if line.source_location_name and line.source_location_code:
        place = f"{line.source_location_name} ({line.source_location_code})"
    facts.append(
        ft.Row(
            [
                ft.Icon(ft.Icons.LOCAL_SHIPPING_OUTLINED, size=16, color=MUTED),
                ft.Text(
                    t(lang, "order_ships_from", place=place), size=13, color=MUTED, expand=True
                ),
            ],
            spacing=4,
        )
    )
    if line.held_until is not None:
        facts.append(
            chip(
                t(lang, "order_held_until", time=local_time(line.held_until)),
                ft.Colors.AMBER_50,
                ft.Colors.AMBER_900,
                ft.Icons.TIMER_OUTLINED,
            )
        )
    product_id = line.product_id
    row = ft.Container(
        ft.Row(
            [
                picture(state, scene.picture_url(line), width=80, height=100),
                ft.Column(facts, spacing=3, expand=True),
                ft.Column(
                    [
                        ft.Text(money(line.line_total_kurus), size=16, weight=ft.FontWeight.BOLD),
                        ft.Icon(ft.Icons.CHEVRON_RIGHT, color=MUTED)
                        if product_id is not None
                        else ft.Container(),
                    ],
                    horizontal_alignment=ft.CrossAxisAlignment.END,
                ),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
            spacing=12,
        ),
        padding=8,
        border_radius=10,
        ink=product_id is not None,
        on_click=_open_product(state, product_id, line.sku) if product_id is not None else None,
    )
    return tagged(row, f"order-line-{line.id}")


def _open_product(state: Tablet, product_id: int, sku: str) -> Callable[[object], None]:
    return lambda _: state.product.open(product_id, sku)


def _delivery(lang: str, o: OrderOut) -> ft.Control:
    rows: list[ft.Control] = [
        ft.Row(
            [
                ft.Icon(
                    ft.Icons.HOME_OUTLINED
                    if o.fulfilment_type == "ship_to_home"
                    else ft.Icons.STOREFRONT_OUTLINED,
                    size=20,
                ),
                ft.Text(
                    t(lang, "fulfil_" + o.fulfilment_type), size=15, weight=ft.FontWeight.W_500
                ),
            ],
            spacing=6,
        )
    ]
    if o.fulfilment_type == "ship_to_home":
        a = o.ship_to or {}
        place = " ".join(x for x in (a.get("district"), a.get("city"), a.get("postal_code")) if x)
        lines = [x for x in (a.get("recipient"), a.get("line1"), place, a.get("phone")) if x]
        rows += [ft.Text(x, size=14) for x in lines] or [
            ft.Text(t(lang, "order_no_address"), size=14, color=MUTED)
        ]
    else:
        rows.append(ft.Text(t(lang, "order_pickup_store"), size=14, color=MUTED))
    rows.append(
        ft.Row(
            [
                ft.Icon(ft.Icons.EVENT_OUTLINED, size=18, color=MUTED),
                ft.Text(
                    t(lang, "order_expected_on", date=local_date_of(o))
                    if o.expected_on is not None
                    else t(lang, "order_no_expected_day"),
                    size=14,
                ),
            ],
            spacing=6,
        )
    )
    return card(t(lang, "order_delivery"), rows, "order-delivery")


def local_date_of(o: OrderOut) -> str:
    """The expected day is a calendar day already: written as the screen writes days."""
    return o.expected_on.strftime("%d.%m.%Y") if o.expected_on is not None else "–"


def _amount_row(label: str, value: str, *, bold: bool = False, colour: str | None = None) -> ft.Row:
    weight = ft.FontWeight.BOLD if bold else ft.FontWeight.NORMAL
    size = 18 if bold else 15
    return ft.Row(
        [
            ft.Text(label, size=size, weight=weight, color=colour, expand=True),
            ft.Text(value, size=size, weight=weight, color=colour),
        ]
    )


def _totals(lang: str, o: OrderOut) -> ft.Control:
    rows: list[ft.Control] = [_amount_row(t(lang, "order_subtotal"), money(o.subtotal_kurus))]
    if o.discount_kurus:
        label = t(lang, "discount")
        if o.coupon_code:
            label += " · " + t(lang, "order_coupon", code=o.coupon_code)
        rows.append(_amount_row(label, "-" + money(o.discount_kurus), colour=ft.Colors.GREEN_800))
    rows += [
        ft.Divider(height=1),
        _amount_row(t(lang, "total"), money(o.total_kurus), bold=True),
        _amount_row(t(lang, "order_kdv"), money(o.kdv_kurus), colour=MUTED),
    ]
    return card(t(lang, "order_totals"), rows, "order-totals")


def _history(state: Tablet) -> ft.Control:
    lang, events = state.lang, state.order.history
    if not events:
        return card(
            t(lang, "order_history"),
            [ft.Text(t(lang, "order_no_history"), color=MUTED)],
            "order-history",
        )
    steps: list[ft.Control] = []
    for i, h in enumerate(events):
        latest, last = i == 0, i == len(events) - 1
        _, fg = STATUS_COLOURS.get(h.status, (None, ft.Colors.GREY_900))
        marker = ft.Column(
            [
                ft.Icon(
                    ft.Icons.RADIO_BUTTON_CHECKED if latest else ft.Icons.CIRCLE,
                    size=20 if latest else 14,
                    color=fg if latest else ft.Colors.GREY_500,
                ),
                ft.Container(  # down to the next step, past a note when there is one
                    width=2,
                    height=54 if h.note else 34,
                    bgcolor=ft.Colors.GREY_300 if not last else None,
                ),
            ],
            spacing=2,
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            width=24,
        )
        words: list[ft.Control] = [
            ft.Text(
                t(lang, "status_" + h.status),
                size=15,
                weight=ft.FontWeight.BOLD if latest else ft.FontWeight.W_500,
            ),
            ft.Text(local_time(h.at), size=13, color=MUTED),
        ]
        if h.note:
            words.append(ft.Text(h.note, size=13, italic=True, color=MUTED))
        steps.append(
            ft.Row(
                [marker, ft.Column(words, spacing=1, expand=True)],
                vertical_alignment=ft.CrossAxisAlignment.START,
                spacing=8,
            )
        )
    return card(t(lang, "order_history"), [ft.Column(steps, spacing=0)], "order-history")


def build(state: Tablet) -> ft.Control:
    lang, o = state.lang, state.order.order
    top = button(t(lang, "back"), lambda _: state.order.back(), "back", primary=False)
    if o is None:
        return ft.Column([top])
    header = ft.Container(
        ft.Column(
            [
                ft.Row(
                    [
                        ft.Icon(CHANNEL_ICONS.get(o.channel, ft.Icons.RECEIPT), size=28),
                        tagged(
                            ft.Text(
                                t(lang, "order_title", number=o.number),
                                size=26,
                                weight=ft.FontWeight.BOLD,
                            ),
                            "order-number",
                        ),
                    ],
                    spacing=10,
                    wrap=True,
                ),
                ft.Row(
                    [
                        tagged(status_chip(lang, o.status), "order-status"),
                        channel_chip(lang, o.channel),
                        ft.Text(
                            t(lang, "order_placed_at", time=local_time(o.placed_at)),
                            size=14,
                            color=MUTED,
                        ),
                    ],
                    spacing=10,
                    wrap=True,
                    vertical_alignment=ft.CrossAxisAlignment.CENTER,
                ),
            ],
            spacing=8,
        ),
        padding=ft.Padding.symmetric(horizontal=4, vertical=4),
    )
    lines = card(
        t(lang, "order_lines") + f" · {items(lang, sum(x.quantity for x in o.lines))}",
        [_line(state, line) for line in o.lines] or [ft.Text(t(lang, "empty"), color=MUTED)],
        "order-lines",
    )
    # What was bought and what happened to it on the left; where it goes and what it cost
    # on the right (below, on a portrait tablet).
    main = ft.Container(ft.Column([lines, _history(state)], spacing=12), col={"xs": 12, "lg": 7})
    side = ft.Container(
        ft.Column([_delivery(lang, o), _totals(lang, o)], spacing=12),
        col={"xs": 12, "lg": 5},
    )
    return ft.Column(
        [
            ft.Row([top], height=TOUCH + 4),
            header,
            ft.ResponsiveRow(
                [main, side],
                spacing=12,
                run_spacing=12,
                vertical_alignment=ft.CrossAxisAlignment.START,
            ),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
