"""The open product: picture, name, price, chosen variant, stock by location, actions."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.tablet.i18n import money, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, picture, tagged
from app.tablet.views.product.grid import grid
from app.tablet.views.product.parts import MUTED, size_words
from app.tablet.views.recommendations import shelf

OUTCOMES = ("bought", "did_not_fit", "liked", "disliked")
BIG = (240, 300)  # px: the open product's picture (4:5, as the pictures are drawn)


def _stock_colour(available: int) -> str:
    if available <= 0:
        return ft.Colors.GREY_300
    return ft.Colors.GREEN_100 if available >= 3 else ft.Colors.AMBER_100


def _try_on(state: Tablet, outcome: str) -> Callable[[object], None]:
    return lambda _: state.product.record_try_on(outcome)


def _stock_list(state: Tablet) -> list[ft.Control]:
    lang, ps = state.lang, state.product
    stock: list[ft.Control] = []
    if ps.availability is None:
        return stock
    here = state.session.store_id
    for loc in ps.availability.locations[:12]:
        km = f" · {loc.distance_km:,.0f} km" if loc.distance_km else ""
        label = t(lang, "online") if loc.kind == "warehouse" else loc.name
        words: list[ft.Control] = [
            ft.Text(f"{loc.code} · {label}{km}", expand=True),
            ft.Text(t(lang, "available_n", n=loc.available), weight=ft.FontWeight.BOLD),
        ]
        if loc.location_id == here and loc.incoming:
            words.insert(1, ft.Text(t(lang, "incoming_n", n=loc.incoming), color=MUTED))
        if loc.location_id != here and loc.available > 0:
            words.append(_ask_button(state, loc.location_id, loc.code))
        stock.append(
            tagged(
                ft.Container(
                    ft.Row(words),
                    bgcolor=_stock_colour(loc.available),
                    padding=12,
                    border_radius=8,
                ),
                f"stock-{loc.code}",
            )
        )
    return stock


def _ask_button(state: Tablet, location_id: int, code: str) -> ft.Control:
    """Ask that location to send units here (scene 13)."""
    return tagged(
        ft.TextButton(
            t(state.lang, "transfer_ask_here"),
            icon=ft.Icons.MOVE_DOWN,
            on_click=lambda _: state.product.ask_from(location_id),
            height=TOUCH,
        ),
        f"ask-{code}",
    )


def _actions(state: Tablet) -> list[ft.Control]:
    lang, ps = state.lang, state.product
    if state.customer.view is None or ps.sku is None:
        return []
    who = f"{state.customer.view.profile.first_name} {state.customer.view.profile.last_name}"
    return [
        ft.Text(t(lang, "for_customer", name=who), weight=ft.FontWeight.BOLD),
        ft.Row(
            [
                button(
                    t(lang, "add_to_basket"),
                    lambda _: state.product.add_to_basket(),
                    "add-to-basket",
                ),
                button(
                    t(lang, "save_for_customer"),
                    lambda _: state.product.save_for_customer(),
                    "save-for-customer",
                ),
                *(
                    button(
                        t(lang, "outcome_" + o),
                        _try_on(state, o),
                        f"try-on-{o}",
                        primary=False,
                    )
                    for o in OUTCOMES
                ),
            ],
            wrap=True,
            run_spacing=8,
        ),
    ]


def product(state: Tablet) -> ft.Control:
    lang, ps = state.lang, state.product
    p = ps.product
    assert p is not None
    name = p.name_tr if lang == "tr" else p.name_en
    v = ps.variant
    price = money(v.price_kurus) if v else money(p.price_min_kurus)
    about: list[ft.Control] = [
        ft.Text(p.brand.upper(), color=MUTED, weight=ft.FontWeight.W_500),
        tagged(ft.Text(name, size=26, weight=ft.FontWeight.BOLD), "product-name"),
        ft.Text(price, size=22, weight=ft.FontWeight.W_500),
        ft.Text(t(lang, "kdv_included", rate=p.kdv_rate), color=MUTED, size=13),
    ]
    if v is not None:
        chosen = t(
            lang,
            "chosen_variant",
            size=size_words(lang, v.size),
            colour=ps.colour_name(v.colour),
        )
        about += [
            tagged(ft.Text(chosen, size=16), "chosen-variant"),
            tagged(ft.Text(v.sku, color=MUTED, size=12), "chosen-sku"),
        ]
    w, h = BIG
    top = ft.Row(
        [
            picture(state, ps.picture_url(), width=w, height=h, identifier="product-picture"),
            ft.Column([*about, *grid(state)], spacing=8, expand=True),
        ],
        spacing=16,
        vertical_alignment=ft.CrossAxisAlignment.START,
    )
    described = p.description_tr if lang == "tr" else p.description_en
    about_more: list[ft.Control] = []
    if described:
        about_more.append(
            ft.Text(
                described,
                size=14,
                color=MUTED,
                max_lines=4,
                overflow=ft.TextOverflow.ELLIPSIS,
            )
        )
    # The size missing here first: what the associate can put in the customer's hands now.
    similar = shelf(
        state, t(lang, "reco_similar_title", size=ps.similar_size or ""), ps.similar, "reco-similar"
    )
    look = shelf(state, t(lang, "reco_look_title"), ps.look, "reco-look")
    left = ft.Column(
        [top, *_actions(state), *about_more, *similar, *look], spacing=12, col={"xs": 12, "lg": 8}
    )
    right = ft.Column(
        [
            ft.Text(t(lang, "stock_by_location"), size=18, weight=ft.FontWeight.BOLD),
            *_stock_list(state),
        ],
        spacing=6,
        col={"xs": 12, "lg": 4},
    )
    return ft.ResponsiveRow([left, right], spacing=16, run_spacing=16)
