"""Scene 4 (product) and 5 (fitting room): search with filters and pictures, the size x colour
grid with this store's stock in each cell, price with KDV, stock here / nearby / online, and
the customer's save and try-on in two taps. The search field stays at the top while the
results scroll under it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.contracts.catalog import ProductSummary
from app.contracts.inventory import VariantStock
from app.tablet.i18n import count, money, t
from app.tablet.state.product import CATEGORIES, ProductScene
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import BRAND, TOUCH, button, picture, tagged

OUTCOMES = ("bought", "did_not_fit", "liked", "disliked")
MUTED = ft.Colors.GREY_700
CARD = 180  # px: a result card's width; six a row on a landscape tablet, four on a portrait one
CELL = 56  # px: a grid cell's width (its height is the touch target)
COLOUR_LABEL = 116  # px: the grid's first column
BIG = (240, 300)  # px: the open product's picture (4:5, as the pictures are drawn)
# How the grid paints this store's count: (background, text).
LEVELS = {
    "none": (ft.Colors.GREY_200, ft.Colors.GREY_600),
    "low": (ft.Colors.AMBER_200, ft.Colors.AMBER_900),
    "good": (ft.Colors.GREEN_200, ft.Colors.GREEN_900),
    "unknown": (ft.Colors.WHITE, BRAND),
}
ANY_SIZE = "*"  # the size filter's "all sizes" (no size is spelt so)
OTHER_STORES = ft.Icons.STOREFRONT
ONLINE = ft.Icons.LOCAL_SHIPPING_OUTLINED


def _stock_colour(available: int) -> str:
    if available <= 0:
        return ft.Colors.GREY_300
    return ft.Colors.GREEN_100 if available >= 3 else ft.Colors.AMBER_100


def _try_on(state: Tablet, outcome: str) -> Callable[[object], None]:
    return lambda _: state.product.record_try_on(outcome)


def size_words(lang: str, size: str) -> str:
    """A size as the associate reads it: "M", "38"; the one-size code in words."""
    return t(lang, "size_STD") if size == "STD" else size


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


# -- the search ----------------------------------------------------------------------------------


def _price(p: ProductSummary, lang: str) -> str:
    if p.price_max_kurus > p.price_min_kurus:
        return t(lang, "price_range", low=money(p.price_min_kurus), high=money(p.price_max_kurus))
    return money(p.price_min_kurus)


def _card(state: Tablet, p: ProductSummary) -> ft.Control:
    """A result as a shop window shows it: picture, brand, name, price; a tap opens it."""
    name = p.name_tr if state.lang == "tr" else p.name_en
    inner = CARD - 16
    return tagged(
        ft.Container(
            ft.Column(
                [
                    picture(
                        state,
                        p.thumb_url,
                        width=inner,
                        height=inner * 5 // 4,
                        identifier=f"thumb-{p.id}",
                    ),
                    ft.Text(p.brand.upper(), size=11, color=MUTED, weight=ft.FontWeight.W_500),
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
            width=CARD,
            padding=8,
            border_radius=12,
            bgcolor=ft.Colors.WHITE,
            border=ft.Border.all(1, ft.Colors.GREY_200),
            ink=True,
            on_click=lambda _: state.product.open(p.id),
        ),
        f"product-{p.id}",
    )


def _filters(state: Tablet, read_query: Callable[[], None]) -> ft.Control:
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


def _found(state: Tablet) -> list[ft.Control]:
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


# -- the product ------------------------------------------------------------------------------


def _mark(cell: VariantStock | None, sku: str) -> ft.Control | None:
    """None here but elsewhere: a store, or the online warehouse, can send it."""
    if not ProductScene.elsewhere(cell):
        return None
    assert cell is not None
    icon = OTHER_STORES if cell.other_stores > 0 else ONLINE
    return tagged(ft.Icon(icon, size=16, color=ft.Colors.GREY_800), f"mark-{sku}")


def _cell(state: Tablet, sku: str, size: str) -> ft.Control:
    ps = state.product
    cell = ps.cell(sku)
    level = ps.level(cell)
    bg, fg = LEVELS[level]
    chosen = sku == ps.sku
    number = str(cell.here) if cell is not None else size_words(state.lang, size)
    face: list[ft.Control] = [
        ft.Text(
            number,
            size=17 if cell is not None else 14,
            color=fg,
            weight=ft.FontWeight.BOLD,
        )
    ]
    mark = _mark(cell, sku)
    if mark is not None:
        face.append(ft.Container(mark, top=2, right=2))
    return tagged(
        ft.Container(
            ft.Stack(
                [ft.Container(face[0], alignment=ft.Alignment.CENTER), *face[1:]],
                width=CELL,
                height=TOUCH,
            ),
            width=CELL,
            height=TOUCH,
            bgcolor=bg,
            border_radius=8,
            border=ft.Border.all(3 if chosen else 1, BRAND if chosen else ft.Colors.GREY_400),
            ink=True,
            on_click=lambda _: state.product.select(sku),
        ),
        f"variant-{sku}",
    )


def _grid(state: Tablet) -> list[ft.Control]:
    """Sizes across, colours down; each cell this store's count, coloured."""
    lang, ps = state.lang, state.product
    p = ps.product
    assert p is not None
    by_key = {(v.colour, v.size): v for v in p.variants}
    header: list[ft.Control] = [
        ft.Text(t(lang, "colour"), weight=ft.FontWeight.BOLD, width=COLOUR_LABEL, color=MUTED)
    ]
    header += [
        ft.Text(
            size_words(lang, size),
            width=CELL,
            text_align=ft.TextAlign.CENTER,
            weight=ft.FontWeight.BOLD,
        )
        for size in p.sizes
    ]
    rows: list[ft.Control] = [ft.Row(header, spacing=6)]
    for colour in p.colours:
        label = ft.Container(
            ft.Row(
                [
                    picture(state, ps.picture_url(colour, "thumb"), width=32, height=40),
                    ft.Text(
                        ps.colour_name(colour),
                        size=13,
                        expand=True,
                        max_lines=2,
                        overflow=ft.TextOverflow.ELLIPSIS,
                    ),
                ],
                spacing=6,
            ),
            width=COLOUR_LABEL,
        )
        cells: list[ft.Control] = [label]
        for size in p.sizes:
            v = by_key.get((colour, size))
            if v is None:
                cells.append(ft.Container(width=CELL, height=TOUCH))
            else:
                cells.append(_cell(state, v.sku, size))
        rows.append(ft.Row(cells, spacing=6))
    table = ft.Row(
        [ft.Column(rows, spacing=6)],
        scroll=ft.ScrollMode.AUTO,
        vertical_alignment=ft.CrossAxisAlignment.START,
    )
    title = ft.Text(t(lang, "grid_title"), size=16, weight=ft.FontWeight.BOLD)
    if ps.stock is None:
        return [title, table, ft.Text(t(lang, "grid_unknown"), color=MUTED)]
    return [title, table, _legend(lang)]


def _legend(lang: str) -> ft.Control:
    def swatch(level: str, key: str) -> ft.Control:
        bg, _ = LEVELS[level]
        return ft.Row(
            [
                ft.Container(
                    width=16,
                    height=16,
                    bgcolor=bg,
                    border_radius=4,
                    border=ft.Border.all(1, ft.Colors.GREY_400),
                ),
                ft.Text(t(lang, key), size=12, color=MUTED),
            ],
            spacing=4,
            tight=True,
        )

    def mark(icon: ft.IconData, key: str) -> ft.Control:
        return ft.Row(
            [
                ft.Icon(icon, size=16, color=ft.Colors.GREY_800),
                ft.Text(t(lang, key), size=12, color=MUTED),
            ],
            spacing=4,
            tight=True,
        )

    return tagged(
        ft.Row(
            [
                swatch("none", "legend_none"),
                swatch("low", "legend_low"),
                swatch("good", "legend_good"),
                mark(OTHER_STORES, "legend_other_stores"),
                mark(ONLINE, "legend_online"),
            ],
            spacing=14,
            wrap=True,
            run_spacing=4,
        ),
        "grid-legend",
    )


def _stock_list(state: Tablet) -> list[ft.Control]:
    lang, ps = state.lang, state.product
    stock: list[ft.Control] = []
    if ps.availability is None:
        return stock
    for loc in ps.availability.locations[:12]:
        km = f" · {loc.distance_km:,.0f} km" if loc.distance_km else ""
        label = t(lang, "online") if loc.kind == "warehouse" else loc.name
        stock.append(
            tagged(
                ft.Container(
                    ft.Row(
                        [
                            ft.Text(f"{loc.code} · {label}{km}", expand=True),
                            ft.Text(
                                t(lang, "available_n", n=loc.available),
                                weight=ft.FontWeight.BOLD,
                            ),
                        ]
                    ),
                    bgcolor=_stock_colour(loc.available),
                    padding=12,
                    border_radius=8,
                ),
                f"stock-{loc.code}",
            )
        )
    return stock


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


def _product(state: Tablet) -> ft.Control:
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
            lang, "chosen_variant", size=size_words(lang, v.size), colour=ps.colour_name(v.colour)
        )
        about += [
            tagged(ft.Text(chosen, size=16), "chosen-variant"),
            tagged(ft.Text(v.sku, color=MUTED, size=12), "chosen-sku"),
        ]
    w, h = BIG
    top = ft.Row(
        [
            picture(state, ps.picture_url(), width=w, height=h, identifier="product-picture"),
            ft.Column([*about, *_grid(state)], spacing=8, expand=True),
        ],
        spacing=16,
        vertical_alignment=ft.CrossAxisAlignment.START,
    )
    described = p.description_tr if lang == "tr" else p.description_en
    about_more: list[ft.Control] = []
    if described:
        about_more.append(
            ft.Text(described, size=14, color=MUTED, max_lines=4, overflow=ft.TextOverflow.ELLIPSIS)
        )
    left = ft.Column([top, *_actions(state), *about_more], spacing=12, col={"xs": 12, "lg": 8})
    right = ft.Column(
        [
            ft.Text(t(lang, "stock_by_location"), size=18, weight=ft.FontWeight.BOLD),
            *_stock_list(state),
        ],
        spacing=6,
        col={"xs": 12, "lg": 4},
    )
    return ft.ResponsiveRow([left, right], spacing=16, run_spacing=16)


def build(state: Tablet) -> ft.Control:
    lang, ps = state.lang, state.product

    def set_query(e: ft.Event[ft.TextField]) -> None:
        ps.query = e.control.value or ""

    search = ft.TextField(
        label=t(lang, "search_product"),
        value=ps.query,
        on_change=set_query,
        on_submit=lambda e: run_search(e.control.value or ""),
        prefix_icon=ft.Icons.SEARCH,
        height=TOUCH + 8,
        expand=True,
        bgcolor=ft.Colors.WHITE,
    )

    def read_query() -> None:
        # What is in the field now, not what a change event last said (FLET.md).
        ps.query = search.value or ""

    def run_search(text: str) -> None:
        ps.query = text  # from the submit event itself
        ps.search()

    bar: list[ft.Control] = [
        button(t(lang, "back"), lambda _: state.customer.show(), "back", primary=False),
        search,
    ]
    if ps.product is not None and ps.results:
        bar.append(button(t(lang, "to_results"), lambda _: ps.close(), "to-results", primary=False))
    top: list[ft.Control] = [ft.Row(bar, spacing=12)]
    if ps.product is None:
        top.append(_filters(state, read_query))
        below = _found(state)
    else:
        below = [_product(state)]
    # Only what is below the bar scrolls: the search stays at hand.
    return ft.Column(
        [
            *top,
            ft.Column(
                below,
                spacing=12,
                scroll=ft.ScrollMode.AUTO,
                expand=True,
                # Full width, so a row of cards can sit in the middle.
                horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
            ),
        ],
        spacing=12,
        expand=True,
    )
