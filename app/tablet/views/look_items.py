"""The look scene's products (look.py): the items offered as pictures to tap, the search for
more, and the sizes and colours of a result to pick one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.contracts.catalog import ProductDetail, ProductSummary
from app.contracts.customers import ItemRef
from app.tablet.i18n import colour_name, money, t
from app.tablet.state.look import MAX_ITEMS
from app.tablet.state.look_parts import Offer
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import BRAND, TOUCH, button, picture, tagged
from app.tablet.views.customer.tiles import item_lines
from app.tablet.views.order import MUTED, chip

TILE = 150  # px: a product tile; four a row in the landscape column, five in portrait


def _tile(
    state: Tablet,
    item: ItemRef,
    tag: str | None,
    chosen: bool,
    on_tap: Callable[[Any], None],
    identifier: str,
) -> ft.Control:
    """A product as a tile to tap: picture, name, size and colour, price; chosen ones framed
    and ticked (an icon: the web font has no tick glyph)."""
    lang = state.lang
    top: list[ft.Control] = [
        picture(state, item.thumb_url, width=TILE - 16, height=(TILE - 16) * 5 // 4)
    ]
    if chosen:
        top.append(
            ft.Container(
                ft.Icon(ft.Icons.CHECK, color=ft.Colors.WHITE, size=20),
                bgcolor=BRAND,
                border_radius=16,
                width=32,
                height=32,
                alignment=ft.Alignment.CENTER,
                right=6,
                top=6,
            )
        )
    return tagged(
        ft.Container(
            ft.Column(
                [
                    ft.Stack(top, width=TILE - 16, height=(TILE - 16) * 5 // 4),
                    *item_lines(lang, item),
                    *([chip(tag, ft.Colors.GREY_100, ft.Colors.GREY_900)] if tag else []),
                ],
                spacing=4,
            ),
            width=TILE,
            padding=8,
            border_radius=10,
            bgcolor=ft.Colors.GREEN_50 if chosen else "#faf8f5",
            border=ft.Border.all(3 if chosen else 1, BRAND if chosen else ft.Colors.GREY_200),
            ink=True,
            on_click=on_tap,
        ),
        identifier,
    )


def _offer_tile(state: Tablet, o: Offer) -> ft.Control:
    scene = state.look
    sku = o.item.sku
    return _tile(
        state,
        o.item,
        t(state.lang, "look_source_" + o.source),
        scene.is_chosen(sku),
        lambda _: scene.toggle(sku),
        f"look-offer-{sku}",
    )


def _result_tile(state: Tablet, p: ProductSummary) -> ft.Control:
    lang, finder = state.lang, state.look.finder
    return tagged(
        ft.Container(
            ft.Column(
                [
                    picture(state, p.thumb_url, width=TILE - 16, height=(TILE - 16) * 5 // 4),
                    ft.Text(
                        p.name_en if lang == "en" else p.name_tr,
                        size=14,
                        weight=ft.FontWeight.BOLD,
                        max_lines=2,
                        overflow=ft.TextOverflow.ELLIPSIS,
                    ),
                    ft.Text(f"{p.brand} · {money(p.price_min_kurus)}", size=13, color=MUTED),
                ],
                spacing=4,
            ),
            width=TILE,
            padding=8,
            border_radius=10,
            bgcolor="#faf8f5",
            border=ft.Border.all(1, ft.Colors.GREY_200),
            ink=True,
            on_click=lambda _: finder.open_result(p.id),
        ),
        f"look-result-{p.id}",
    )


def _variants(state: Tablet, p: ProductDetail) -> ft.Control:
    """The opened result's sizes and colours, one chip each, by colour with its picture."""
    lang, finder = state.lang, state.look.finder
    chips: list[ft.Control] = []
    for v in p.variants:
        chips.append(
            tagged(
                ft.Chip(
                    label=ft.Text(f"{v.size} · {colour_name(lang, v.colour, v.colour_en)}"),
                    leading=picture(state, v.thumb_url, width=24, height=30),
                    selected=state.look.is_chosen(v.sku),
                    show_checkmark=False,  # it would cover the picture
                    on_select=lambda _, sku=v.sku: finder.add_variant(sku),
                    height=TOUCH,
                ),
                f"look-variant-{v.sku}",
            )
        )
    name = p.name_en if lang == "en" else p.name_tr
    return tagged(
        ft.Container(
            ft.Column(
                [
                    ft.Row(
                        [
                            picture(state, p.thumb_url, width=48, height=60),
                            ft.Text(
                                t(lang, "look_pick_variant", name=name),
                                size=15,
                                weight=ft.FontWeight.W_600,
                                expand=True,
                            ),
                            button(
                                t(lang, "look_close"),
                                lambda _: finder.close_result(),
                                "look-variant-close",
                                primary=False,
                            ),
                        ]
                    ),
                    ft.Row(chips, wrap=True, spacing=8, run_spacing=8),
                ],
                spacing=8,
            ),
            bgcolor=ft.Colors.AMBER_50,
            border_radius=10,
            padding=12,
        ),
        "look-variants",
    )


def products(state: Tablet) -> list[ft.Control]:
    lang, scene, finder = state.lang, state.look, state.look.finder
    offers = [_offer_tile(state, o) for o in scene.offers]
    search = ft.TextField(
        label=t(lang, "look_search"),
        value=finder.query,
        on_submit=lambda e: finder.search(e.control.value or ""),
        prefix_icon=ft.Icons.SEARCH,
        height=TOUCH + 8,
        expand=True,
    )
    body: list[ft.Control] = [
        tagged(
            ft.Text(
                t(lang, "look_chosen", n=len(scene.chosen), max=MAX_ITEMS),
                size=15,
                weight=ft.FontWeight.W_600,
            ),
            "look-chosen",
        ),
        ft.Text(
            t(lang, "look_offers_help" if offers else "look_offers_empty"), size=14, color=MUTED
        ),
        ft.Row(offers, wrap=True, spacing=10, run_spacing=10),
    ]
    if not scene.done:
        body.append(
            ft.Row(
                [
                    search,
                    button(
                        t(lang, "look_search_button"),
                        lambda _: finder.search(search.value or ""),
                        "look-search",
                        primary=False,
                    ),
                ]
            )
        )
        if finder.opened is not None:
            body.append(_variants(state, finder.opened))
        results = [_result_tile(state, p) for p in finder.results]
        if results:
            body.append(ft.Row(results, wrap=True, spacing=10, run_spacing=10))
    return body
