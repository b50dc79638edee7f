"""The customer scene's product tiles: wishlist, try-ons and the online cart."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.contracts.customers import CustomerView, ItemRef
from app.tablet.i18n import colour_name, local_date, money, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import picture, tagged
from app.tablet.views.customer.parts import more, small
from app.tablet.views.order import CHANNEL_ICONS, MUTED, chip

TILE = 132  # px: a product tile's width; four side by side in half a landscape tablet
SHOWN = 8  # items of a kind shown until the associate asks for all
OUTCOME_COLOURS = {
    "bought": (ft.Colors.GREEN_50, ft.Colors.GREEN_900, ft.Icons.SHOPPING_BAG_OUTLINED),
    "liked": (ft.Colors.PINK_50, ft.Colors.PINK_900, ft.Icons.FAVORITE_BORDER),
    "did_not_fit": (ft.Colors.AMBER_50, ft.Colors.AMBER_900, ft.Icons.STRAIGHTEN),
    "disliked": (ft.Colors.GREY_200, ft.Colors.GREY_900, ft.Icons.THUMB_DOWN_OFF_ALT),
}


def _open(state: Tablet, item: ItemRef) -> Callable[[object], None]:
    return lambda _: state.product.open(item.product_id, item.sku)


def item_lines(lang: str, item: ItemRef) -> list[ft.Control]:
    """Under a tile's picture: name, size and colour, price (the look composer's tiles too)."""
    name = item.name_en if lang == "en" else item.name_tr
    return [
        ft.Text(
            name, size=14, weight=ft.FontWeight.BOLD, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS
        ),
        ft.Text(
            f"{item.size} · {colour_name(lang, item.colour, item.colour_en)}", size=13, color=MUTED
        ),
        ft.Text(money(item.price_kurus), size=14, weight=ft.FontWeight.W_500),
    ]


def _tile(state: Tablet, item: ItemRef, extra: list[ft.Control], identifier: str) -> ft.Control:
    """A product as a fashion tile: picture, name, size and colour, price, then what the
    list says about it; a tap opens the product on this variant."""
    return tagged(
        ft.Container(
            ft.Column(
                [
                    picture(
                        state,
                        item.thumb_url,
                        width=TILE - 16,
                        height=(TILE - 16) * 5 // 4,
                    ),
                    *item_lines(state.lang, item),
                    *extra,
                ],
                spacing=4,
            ),
            width=TILE,
            padding=8,
            border_radius=10,
            bgcolor="#faf8f5",
            border=ft.Border.all(1, ft.Colors.GREY_200),
            ink=True,
            on_click=_open(state, item),
        ),
        identifier,
    )


def _tiles(state: Tablet, kind: str, tiles: list[ft.Control], total: int) -> list[ft.Control]:
    if not tiles:
        return []
    rows: list[ft.Control] = [
        ft.Row(
            tiles,
            wrap=True,
            spacing=10,
            run_spacing=10,
            vertical_alignment=ft.CrossAxisAlignment.START,
        )
    ]
    return rows + more(state, kind, total, len(tiles))


def wishlist(state: Tablet, view: CustomerView) -> list[ft.Control]:
    lang = state.lang
    tiles = [
        _tile(
            state,
            w.item,
            [
                ft.Row(
                    [
                        ft.Icon(CHANNEL_ICONS.get(w.channel, ft.Icons.RECEIPT), size=14),
                        small(
                            t(
                                lang,
                                "customer_saved_from",
                                channel=t(lang, "channel_" + w.channel),
                                date=local_date(w.created_at),
                            ),
                            expand=True,
                        ),
                    ],
                    spacing=4,
                )
            ],
            f"wish-{w.id}",
        )
        for w in view.wishlist[: state.customer.shown("wishlist", SHOWN)]
    ]
    return _tiles(state, "wishlist", tiles, len(view.wishlist))


def try_ons(state: Tablet, view: CustomerView) -> list[ft.Control]:
    lang = state.lang
    tiles = []
    for x in view.try_ons[: state.customer.shown("try_ons", SHOWN)]:
        bg, fg, icon = OUTCOME_COLOURS.get(x.outcome, (ft.Colors.GREY_200, MUTED, None))
        extra = [
            chip(t(lang, "outcome_" + x.outcome), bg, fg, icon),
            small(
                t(
                    lang,
                    "customer_tried_at",
                    place=x.location_code,
                    date=local_date(x.tried_at),
                )
            ),
        ]
        if x.note:
            extra.append(small(x.note))
        tiles.append(_tile(state, x.item, extra, f"try-on-{x.id}"))
    return _tiles(state, "try_ons", tiles, len(view.try_ons))


def cart(state: Tablet, view: CustomerView) -> list[ft.Control]:
    lang, cart = state.lang, view.cart
    if cart is None or not cart.lines:
        return []
    tiles = [
        _tile(
            state,
            line.item,
            [small(t(lang, "customer_quantity", n=line.quantity))],
            f"cart-{line.item.sku}",
        )
        for line in cart.lines[: state.customer.shown("cart", SHOWN)]
    ]
    return [
        ft.Row(
            [
                ft.Icon(
                    CHANNEL_ICONS.get(cart.channel, ft.Icons.RECEIPT),
                    size=18,
                    color=MUTED,
                ),
                ft.Text(
                    t(
                        lang,
                        "customer_cart_from",
                        channel=t(lang, "channel_" + cart.channel),
                        date=local_date(cart.updated_at),
                    ),
                    color=MUTED,
                ),
            ],
            spacing=6,
        ),
        *_tiles(state, "cart", tiles, len(cart.lines)),
        ft.Text(
            t(lang, "customer_cart_total", total=money(cart.total_kurus)),
            size=16,
            weight=ft.FontWeight.BOLD,
        ),
    ]
