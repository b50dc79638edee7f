"""Scene 6: the endless-aisle basket, where it goes (a saved or a new address, click & collect
here, a store that has it all), the coupon, the order and its pay link; when stock ran out,
the locations that still have the line, one tap to take one."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import flet as ft

from app.contracts.orders import OrderLineOut, OrderOut
from app.qr.images import render_png
from app.tablet.i18n import colour_name, local_time, money, t
from app.tablet.state.basket import (
    ADDRESS_FIELDS,
    FULFILMENTS,
    NEW_ADDRESS,
    PAY_LINK_CHANNELS,
    Alternative,
    BasketLine,
)
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, notice_bar, picture, tagged


def _redraw(*controls: ft.Control) -> None:
    for control in controls:
        with contextlib.suppress(Exception):  # the scene was rebuilt meanwhile: nothing to do
            control.update()


def _choose(state: Tablet, fulfilment: str) -> Callable[[object], None]:
    return lambda _: state.basket.choose_fulfilment(fulfilment)


def _address(state: Tablet, address_id: int) -> Callable[[object], None]:
    return lambda _: state.basket.choose_address(address_id)


def _store(state: Tablet, location_id: int) -> Callable[[object], None]:
    return lambda _: state.basket.choose_store(location_id)


def _km(distance: float | None) -> str:
    return f" · {distance:,.0f} km".replace(",", ".") if distance else ""


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


def _confirmation(state: Tablet, error: ft.Control) -> list[ft.Control]:
    lang, b = state.lang, state.basket
    if b.queued:
        return [notice_bar(t(lang, "order_queued"), False)]
    order = b.placed
    if order is None:
        return []
    what: list[ft.Control] = [
        tagged(
            ft.Text(
                t(lang, "order_placed", number=order.number), size=22, weight=ft.FontWeight.BOLD
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
                ft.Image(src=render_png(b.pay_link.url, scale=6, border=2), width=240, height=240),
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


def _addresses(state: Tablet, fields: dict[str, ft.TextField]) -> list[ft.Control]:
    lang, b = state.lang, state.basket
    saved = state.customer.view.profile.addresses if state.customer.view is not None else []
    default = next((a.id for a in saved if a.is_default), saved[0].id if saved else NEW_ADDRESS)
    chosen = b.address_id if b.address_id is not None else default
    choices: list[ft.Control] = [
        button(
            f"{a.label}: {a.line1}, {a.district + ', ' if a.district else ''}{a.city}",
            _address(state, a.id),
            f"address-{a.id}",
            primary=a.id == chosen,
        )
        for a in saved
    ]
    choices.append(
        button(
            t(lang, "new_address"),
            lambda _: state.basket.choose_address(NEW_ADDRESS),
            "address-new",
            primary=chosen == NEW_ADDRESS,
        )
    )
    shown: list[ft.Control] = [ft.Row(choices, wrap=True)]
    if chosen == NEW_ADDRESS:
        shown.append(
            ft.ResponsiveRow(
                [ft.Container(fields[name], col={"xs": 12, "md": 6}) for name in ADDRESS_FIELDS],
                spacing=8,
                run_spacing=8,
            )
        )
    return shown


def _stores(state: Tablet) -> list[ft.Control]:
    lang, b = state.lang, state.basket
    here = state.session.store_id
    chosen = b.location_id or here
    if not b.store_options:
        return [ft.Text(t(lang, "no_store_has_all"), color=ft.Colors.RED_900)]
    return [
        ft.Text(t(lang, "reserve_where")),
        ft.Row(
            [
                button(
                    f"{o.code} · {o.name}{_km(o.distance_km)}",
                    _store(state, o.location_id),
                    f"store-{o.code}",
                    primary=o.location_id == chosen,
                )
                for o in b.store_options[:8]
            ],
            wrap=True,
        ),
    ]


def _alternatives(state: Tablet) -> list[ft.Control]:
    lang = state.lang

    def take(a: Alternative) -> Callable[[object], None]:
        return lambda _: state.basket.take_alternative(a)

    offers = state.basket.alternatives
    if not offers:
        return []
    return [
        ft.Text(t(lang, "still_at"), weight=ft.FontWeight.BOLD),
        ft.Row(
            [
                button(
                    t(
                        lang,
                        "ship_from_online" if a.kind == "warehouse" else "reserve_at",
                        code=a.code,
                        n=a.available,
                    )
                    + _km(a.distance_km),
                    take(a),
                    f"alternative-{a.code}",
                    primary=False,
                )
                for a in offers
            ],
            wrap=True,
        ),
    ]


def _line(state: Tablet, line: BasketLine, totals: list[ft.Text]) -> ft.Control:
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
        totals[0].value = _total_text(state)

    def step(delta: int) -> Callable[[object], None]:
        def tapped(_: object) -> None:
            b.step(line.sku, delta)
            fill()
            _redraw(qty, amount, less, more, hint, *totals)

        return tapped

    less = ft.IconButton(
        ft.Icons.REMOVE, on_click=step(-1), tooltip=t(lang, "qty_less"), width=TOUCH, height=TOUCH
    )
    more = ft.IconButton(
        ft.Icons.ADD, on_click=step(1), tooltip=t(lang, "qty_more"), width=TOUCH, height=TOUCH
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


def _total_text(state: Tablet) -> str:
    lang, b = state.lang, state.basket
    return (
        f"{t(lang, 'total')}: {money(b.total_kurus)} · {t(lang, 'basket_units', n=b.units)}"
        f" ({t(lang, 'kdv_in_prices')})"
    )


def _ask_large(state: Tablet, page: Any, closed: Callable[[], None]) -> None:
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
                    t(lang, "large_order_text", units=b.units, total=money(b.total_kurus)),
                    size=18,
                ),
                "large-order",
            ),
            actions=[
                button(t(lang, "large_order_no"), answer(False), "large-order-no", primary=False),
                button(t(lang, "large_order_yes"), answer(True), "large-order-yes"),
            ],
        )
    )


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
            _ask_large(state, e.control.page, closed)

    totals = [ft.Text(_total_text(state), size=18)]
    lines: list[ft.Control] = [_line(state, line, totals) for line in b.lines]
    choices = ft.Row(
        [
            button(
                t(lang, "fulfil_" + f), _choose(state, f), f"fulfil-{f}", primary=f == b.fulfilment
            )
            for f in FULFILMENTS
        ],
        wrap=True,
    )
    where: list[ft.Control]
    if b.fulfilment == "ship_to_home":
        where = _addresses(state, address_fields)
    elif b.fulfilment == "reserve_in_store":
        where = _stores(state)
    else:
        session = state.session.who
        where = (
            [ft.Text(t(lang, "collect_at", store=session.associate.store.name))] if session else []
        )
    error = t(lang, b.error) + (f" {b.error_detail}" if b.error_detail else "") if b.error else None
    error_bar = tagged(notice_bar(error, True), "basket-error")
    body: list[ft.Control] = [
        ft.Row([button(t(lang, "back"), lambda _: state.customer.show(), "back", primary=False)]),
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
            *_alternatives(state),
            button(t(lang, "place_order"), place, "place-order"),
        ]
    elif b.placed is None and not b.queued:
        body.append(ft.Text(t(lang, "basket_empty")))
    body += _confirmation(state, error_bar if not b.lines else ft.Container(height=0))
    return ft.Column(body, spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
