"""The product scene's search: filters, the count found and the result cards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.contracts.catalog import ProductSummary
from app.tablet.i18n import count, money, t
from app.tablet.state.product import CATEGORIES
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import BRAND, TOUCH, button, picture, product_card, tagged
from app.tablet.views.product.parts import MUTED, size_words

CARD = 180  # px: a result card's width; six a row on a landscape tablet, four on a portrait one
ANY_SIZE = "*"  # the size filter's "all sizes" (no size is spelt so)


def _pill(
    text: str, selected: bool, on_click: Callable[[Any], None], identifier: str
) -> ft.Control:
    """A filter the associate switches on and off with one tap (48 px high)."""
    fg = ft.Colors.WHITE if selected else BRAND
    items: list[ft.Control] = [ft.Text(text, color=fg, size=15, weight=ft.FontWeight.W_500)]
    if selected:
        items.insert(0, ft.Icon(ft.Icons.CHECK, color=fg, size=18))
    return tagged(
        ft.Container(
            ft.Row(items, spacing=6, tight=True),
            height=TOUCH,
            padding=ft.Padding.symmetric(horizontal=16),
            border_radius=TOUCH // 2,
            bgcolor=BRAND if selected else ft.Colors.WHITE,
            border=ft.Border.all(1, BRAND if selected else ft.Colors.GREY_400),
            ink=True,
            on_click=on_click,
        ),
        identifier,
    )


def _price(p: ProductSummary, lang: str) -> str:
    if p.price_max_kurus > p.price_min_kurus:
        return t(
            lang,
            "price_range",
            low=money(p.price_min_kurus),
            high=money(p.price_max_kurus),
        )
    return money(p.price_min_kurus)


def _card(state: Tablet, p: ProductSummary) -> ft.Control:
    """A result as a shop window shows it: picture, brand, name, price; a tap opens it."""
    name = p.name_tr if state.lang == "tr" else p.name_en
    inner = CARD - 16
    return product_card(
        state,
        p.id,
        ft.Column(
            [
                picture(
                    state,
                    p.thumb_url,
                    width=inner,
                    height=inner * 5 // 4,
                    identifier=f"thumb-{p.id}",
                ),
                ft.Text(
                    p.brand.upper(),
                    size=11,
                    color=MUTED,
                    weight=ft.FontWeight.W_500,
                ),
                ft.Text(
                    name,
                    size=14,
                    weight=ft.FontWeight.BOLD,
                    max_lines=2,
                    overflow=ft.TextOverflow.ELLIPSIS,
                    height=40,
                ),
                ft.Text(_price(p, state.lang), size=14, weight=ft.FontWeight.W_500),
            ],
            spacing=4,
        ),
        CARD,
        f"product-{p.id}",
    )


def filters(state: Tablet, read_query: Callable[[], None]) -> ft.Control:
    lang, ps = state.lang, state.product

    def category(slug: str) -> Callable[[Any], None]:
        def tapped(_: Any) -> None:
            read_query()
            ps.set_category(slug)

        return tapped

    def in_stock(_: Any) -> None:
        read_query()
        ps.set_in_stock_here(not ps.in_stock_here)

    def size(e: ft.Event[ft.Dropdown]) -> None:
        read_query()
        chosen = e.control.value
        ps.set_size(None if chosen in (None, "", ANY_SIZE) else chosen)

    def clear(_: Any) -> None:
        read_query()
        ps.clear_filters()

    categories = ft.Row(
        [
            _pill(t(lang, f"category_{c}"), ps.category == c, category(c), f"category-{c}")
            for c in CATEGORIES
        ],
        spacing=8,
        run_spacing=8,
        wrap=True,  # every category in sight on a portrait tablet too: no hidden chips
    )
    sizes = ft.Dropdown(
        label=t(lang, "size"),
        value=ps.size or ANY_SIZE,
        options=[
            ft.DropdownOption(key=ANY_SIZE, text=t(lang, "all_sizes")),
            *(ft.DropdownOption(key=s, text=size_words(lang, s)) for s in ps.sizes),
        ],
        on_select=size,
        width=190,
        menu_height=400,
    )
    second: list[ft.Control] = [
        sizes,
        _pill(t(lang, "in_stock_here"), ps.in_stock_here, in_stock, "in-stock-here"),
    ]
    if ps.filtered:
        second.append(button(t(lang, "clear_filters"), clear, "clear-filters", primary=False))
    return ft.Column(
        [categories, ft.Row(second, spacing=12, wrap=True, run_spacing=8)],
        spacing=10,
    )


def found(state: Tablet) -> list[ft.Control]:
    """How many were found, the cards, and the way to the next page."""
    lang, ps = state.lang, state.product
    if ps.total is None:
        words = t(lang, ps.error) if ps.error else t(lang, "search_hint")
        return [tagged(ft.Text(words, color=MUTED, size=16), "search-hint")]
    if ps.total == 0:
        return [
            tagged(ft.Text(t(lang, "no_products"), size=16, color=MUTED), "search-count"),
        ]
    shown = len(ps.results)
    n = count(lang, ps.total)
    if ps.total == 1:
        words = t(lang, "products_found_one")
    elif shown < ps.total:
        words = t(lang, "products_found_more", shown=count(lang, shown), n=n)
    else:
        words = t(lang, "products_found", n=n)
    rows: list[ft.Control] = [
        tagged(ft.Text(words, size=16, weight=ft.FontWeight.BOLD), "search-count"),
        ft.Row(
            [_card(state, p) for p in ps.results],
            wrap=True,
            spacing=12,
            run_spacing=12,
            alignment=ft.MainAxisAlignment.CENTER,
        ),
    ]
    if ps.next_cursor:
        rows.append(
            ft.Row(
                [button(t(lang, "more_products"), lambda _: ps.more(), "more-products")],
                alignment=ft.MainAxisAlignment.CENTER,
            )
        )
    return rows
