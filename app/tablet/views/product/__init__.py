"""Scene 4 (product) and 5 (fitting room): search with filters and pictures, the size x colour
grid with this store's stock in each cell, price with KDV, stock here / nearby / online, and
the customer's save and try-on in two taps. The search field stays at the top while the
results scroll under it.

The parts of the screen: search.py (filters and result cards), detail.py (the open product)
and grid.py (its size x colour grid)."""

from __future__ import annotations

import flet as ft

from app.tablet.i18n import t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button
from app.tablet.views.product.detail import product
from app.tablet.views.product.search import filters, found


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
        top.append(filters(state, read_query))
        below = found(state)
    else:
        below = [product(state)]
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
