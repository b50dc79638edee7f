"""The open product's size x colour grid of this store's stock, with its legend."""

from __future__ import annotations

import flet as ft

from app.contracts.inventory import VariantStock
from app.tablet.i18n import t
from app.tablet.state.product import ProductScene
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import BRAND, TOUCH, picture, tagged
from app.tablet.views.product.parts import MUTED, size_words

CELL = 56  # px: a grid cell's width (its height is the touch target)
COLOUR_LABEL = 116  # px: the grid's first column
LEVELS = {
    "none": (ft.Colors.GREY_200, ft.Colors.GREY_600),
    "low": (ft.Colors.AMBER_200, ft.Colors.AMBER_900),
    "good": (ft.Colors.GREEN_200, ft.Colors.GREEN_900),
    "unknown": (ft.Colors.WHITE, BRAND),
}
OTHER_STORES = ft.Icons.STOREFRONT
ONLINE = ft.Icons.LOCAL_SHIPPING_OUTLINED


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


def grid(state: Tablet) -> list[ft.Control]:
    """Sizes across, colours down; each cell this store's count, coloured."""
    lang, ps = state.lang, state.product
    p = ps.product
    assert p is not None
    by_key = {(v.colour, v.size): v for v in p.variants}
    header: list[ft.Control] = [
        ft.Text(
            t(lang, "colour"),
            weight=ft.FontWeight.BOLD,
            width=COLOUR_LABEL,
            color=MUTED,
        )
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
