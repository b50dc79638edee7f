"""Scene 6: the endless-aisle basket, where it goes (a saved or a new address, click & collect
here, a store that has it all), the coupon, the order and its pay link; when stock ran out,
the locations that still have the line, one tap to take one."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.qr.images import render_png
from app.tablet.i18n import money, t
from app.tablet.state.basket import ADDRESS_FIELDS, FULFILMENTS, NEW_ADDRESS, Alternative
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, notice_bar, tagged


def _qty(state: Tablet, sku: str, delta: int) -> Callable[[object], None]:
    return lambda _: state.basket.change_quantity(sku, delta)


def _choose(state: Tablet, fulfilment: str) -> Callable[[object], None]:
    return lambda _: state.basket.choose_fulfilment(fulfilment)


def _address(state: Tablet, address_id: int) -> Callable[[object], None]:
    return lambda _: state.basket.choose_address(address_id)


def _store(state: Tablet, location_id: int) -> Callable[[object], None]:
    return lambda _: state.basket.choose_store(location_id)


def _km(distance: float | None) -> str:
    return f" · {distance:,.0f} km".replace(",", ".") if distance else ""


def _confirmation(state: Tablet) -> list[ft.Control]:
    lang, b = state.lang, state.basket
    if b.queued:
        return [notice_bar(t(lang, "order_queued"), False)]
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

    def place(_: object) -> None:
        # The fields as typed now, not as the last change event said.
        b.coupon = coupon_field.value or ""
        for name, address_field in address_fields.items():
            b.set_address_field(name, address_field.value or "")
        state.basket.place_order()

    lines: list[ft.Control] = [
        tagged(
            ft.Row(
                [
                    ft.Text(line.label, expand=True),
                    ft.IconButton(
                        ft.Icons.REMOVE,
                        on_click=_qty(state, line.sku, -1),
                        tooltip="-1",
                        width=TOUCH,
                        height=TOUCH,
                    ),
                    ft.Text(str(line.quantity), width=32, text_align=ft.TextAlign.CENTER),
                    ft.IconButton(
                        ft.Icons.ADD,
                        on_click=_qty(state, line.sku, 1),
                        tooltip="+1",
                        width=TOUCH,
                        height=TOUCH,
                    ),
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
    body: list[ft.Control] = [
        ft.Row([button(t(lang, "back"), lambda _: state.customer.show(), "back", primary=False)]),
        ft.Text(t(lang, "basket"), size=22, weight=ft.FontWeight.BOLD),
    ]
    if b.lines:
        body += [
            *lines,
            ft.Text(
                f"{t(lang, 'total')}: {money(b.total_kurus)} ({t(lang, 'kdv_in_prices')})", size=18
            ),
            choices,
            *where,
            coupon_field,
            tagged(notice_bar(error, True), "basket-error"),
            *_alternatives(state),
            button(t(lang, "place_order"), place, "place-order"),
        ]
    elif b.placed is None and not b.queued:
        body.append(ft.Text(t(lang, "basket_empty")))
    body += _confirmation(state)
    return ft.Column(body, spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
