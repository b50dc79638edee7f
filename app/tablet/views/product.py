"""Scene 4 (product) and 5 (fitting room): search, variant grid size x colour, price with
KDV, stock here / nearby / online, and the customer's save and try-on in two taps."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.contracts.catalog import ProductSummary
from app.tablet.i18n import money, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, tagged

OUTCOMES = ("bought", "did_not_fit", "liked", "disliked")


def _stock_colour(available: int) -> str:
    if available <= 0:
        return ft.Colors.GREY_300
    return ft.Colors.GREEN_100 if available >= 3 else ft.Colors.AMBER_100


def _try_on(state: Tablet, outcome: str) -> Callable[[object], None]:
    return lambda _: state.product.record_try_on(outcome)


def _result(state: Tablet, p: ProductSummary) -> ft.Control:
    name = p.name_tr if state.lang == "tr" else p.name_en
    return tagged(
        ft.ListTile(
            title=ft.Text(name),
            subtitle=ft.Text(f"{p.brand} · {p.style_code} · {money(p.price_min_kurus)}"),
            on_click=lambda _: state.product.open(p.id),
            min_height=TOUCH + 8,
        ),
        f"product-{p.id}",
    )


def build(state: Tablet) -> ft.Control:
    lang, ps = state.lang, state.product

    def set_query(e: ft.Event[ft.TextField]) -> None:
        ps.query = e.control.value or ""

    def run_search(text: str) -> None:
        ps.query = text  # from the submit event itself, not the last change event
        state.product.search()

    search = ft.TextField(
        label=t(lang, "search_product"),
        value=ps.query,
        on_change=set_query,
        on_submit=lambda e: run_search(e.control.value or ""),
        prefix_icon=ft.Icons.SEARCH,
        height=TOUCH + 8,
        width=640,
    )
    top: list[ft.Control] = [
        ft.Row(
            [
                button(t(lang, "back"), lambda _: state.customer.show(), "back", primary=False),
                search,
            ]
        )
    ]
    if ps.product is None:
        return ft.Column(
            [*top, *(_result(state, p) for p in ps.results)], scroll=ft.ScrollMode.AUTO, expand=True
        )

    p = ps.product
    name = p.name_tr if lang == "tr" else p.name_en
    by_key = {(v.colour, v.size): v for v in p.variants}
    header: list[ft.Control] = [ft.Text(t(lang, "size"), weight=ft.FontWeight.BOLD, width=120)]
    header += [ft.Text(size, width=64, text_align=ft.TextAlign.CENTER) for size in p.sizes]
    rows: list[ft.Control] = [ft.Row(header)]
    for colour in p.colours:
        cells: list[ft.Control] = [ft.Text(colour, width=120)]
        for size in p.sizes:
            v = by_key.get((colour, size))
            if v is None:
                cells.append(ft.Container(width=64, height=TOUCH))
                continue
            chosen = v.sku == ps.sku
            cells.append(
                tagged(
                    ft.Container(
                        ft.Text(size, weight=ft.FontWeight.BOLD if chosen else None),
                        width=64,
                        height=TOUCH,
                        alignment=ft.Alignment.CENTER,
                        border_radius=8,
                        border=ft.Border.all(
                            3 if chosen else 1, ft.Colors.BLACK if chosen else ft.Colors.GREY_400
                        ),
                        on_click=lambda _, sku=v.sku: state.product.select(sku),
                    ),
                    f"variant-{v.sku}",
                )
            )
        rows.append(ft.Row(cells))

    stock: list[ft.Control] = []
    if ps.availability is not None:
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
                        padding=10,
                        border_radius=8,
                    ),
                    f"stock-{loc.code}",
                )
            )
    actions: list[ft.Control] = []
    if state.customer.view is not None and ps.sku is not None:
        who = f"{state.customer.view.profile.first_name} {state.customer.view.profile.last_name}"
        actions = [
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
            ),
        ]
        if ps.done:
            actions.append(
                tagged(ft.Text(t(lang, ps.done), color=ft.Colors.GREEN_800), "product-done")
            )
    v = ps.variant
    price = money(v.price_kurus) if v else money(p.price_min_kurus)
    left = ft.Column(
        [
            ft.Text(p.brand.upper(), color=ft.Colors.GREY_700),
            tagged(ft.Text(name, size=26, weight=ft.FontWeight.BOLD), "product-name"),
            ft.Text(f"{price} · {t(lang, 'kdv_included', rate=p.kdv_rate)}", size=18),
            ft.Text(v.sku if v else "", color=ft.Colors.GREY_700),
            *rows,
            *actions,
        ],
        spacing=10,
        col={"xs": 12, "md": 7},
    )
    right = ft.Column(
        [ft.Text(t(lang, "stock_by_location"), size=18, weight=ft.FontWeight.BOLD), *stock],
        spacing=6,
        col={"xs": 12, "md": 5},
    )
    return ft.Column(
        [*top, ft.ResponsiveRow([left, right], spacing=16)], scroll=ft.ScrollMode.AUTO, expand=True
    )
