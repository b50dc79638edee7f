"""Where the basket goes: fulfilment, address, store, and where a missing line still is."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.tablet.i18n import t
from app.tablet.state.basket_order import ADDRESS_FIELDS, NEW_ADDRESS, Alternative
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import button


def choose(state: Tablet, fulfilment: str) -> Callable[[object], None]:
    return lambda _: state.basket.choose_fulfilment(fulfilment)


def _address(state: Tablet, address_id: int) -> Callable[[object], None]:
    return lambda _: state.basket.choose_address(address_id)


def _store(state: Tablet, location_id: int) -> Callable[[object], None]:
    return lambda _: state.basket.choose_store(location_id)


def _km(distance: float | None) -> str:
    return f" · {distance:,.0f} km".replace(",", ".") if distance else ""


def addresses(state: Tablet, fields: dict[str, ft.TextField]) -> list[ft.Control]:
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


def stores(state: Tablet) -> list[ft.Control]:
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


def alternatives(state: Tablet) -> list[ft.Control]:
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
