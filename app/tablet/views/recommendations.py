"""Recommendations as a row of cards (picture, name, price, the reason in a sentence, the
stock here): "complete the look" and "similar, in stock here" on the product scene, "for this
customer" on the customer scene. A tap opens the product."""

from __future__ import annotations

import flet as ft

from app.contracts.recommendations import Reason, Recommendation
from app.tablet.i18n import money, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import picture, product_card, tagged

WIDTH = 300  # px: two cards a row beside the stock list, three on a portrait tablet
MUTED = ft.Colors.GREY_700  # as the product cards say brands and stock


def reason_words(lang: str, reason: Reason) -> tuple[str, str]:
    """Why (a sentence the associate can say) and the stock here, in `lang`."""
    source = reason.source_tr if lang == "tr" else reason.source_en
    why = t(
        lang,
        "reco_" + reason.kind,
        orders=reason.orders,
        size=reason.size or "",
        source=source or "",
    )
    if reason.here > 0:
        key = "reco_here_size" if reason.size else "reco_here"
    else:
        key = "reco_not_here_size" if reason.size else "reco_not_here"
    return why, t(lang, key, n=reason.here, size=reason.size or "")


def _card(state: Tablet, r: Recommendation, identifier: str) -> ft.Control:
    """Picture beside the words: a row of these stays short enough to sit under the product
    or the customer's lists without pushing them off the screen."""
    lang, p = state.lang, r.product
    why, stock = reason_words(lang, r.reason)
    return product_card(
        state,
        p.id,
        ft.Row(
            [
                picture(state, p.thumb_url, width=80, height=100),
                ft.Column(
                    [
                        ft.Text(p.brand.upper(), size=11, color=MUTED, weight=ft.FontWeight.W_500),
                        ft.Text(
                            p.name_tr if lang == "tr" else p.name_en,
                            size=14,
                            weight=ft.FontWeight.BOLD,
                            max_lines=2,
                            overflow=ft.TextOverflow.ELLIPSIS,
                        ),
                        ft.Text(money(p.price_min_kurus), size=13),
                        ft.Text(why, size=13, color=ft.Colors.INDIGO_700),
                        ft.Text(
                            stock,
                            size=12,
                            color=ft.Colors.GREEN_800 if r.reason.here > 0 else MUTED,
                        ),
                    ],
                    spacing=2,
                    expand=True,
                ),
            ],
            spacing=10,
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
        WIDTH,
        identifier,
    )


def shelf(state: Tablet, title: str, items: list[Recommendation], prefix: str) -> list[ft.Control]:
    """A titled row of cards, or nothing at all when there is nothing to recommend."""
    if not items:
        return []
    cards = [_card(state, r, f"{prefix}-{r.product.id}") for r in items]
    return [
        tagged(ft.Text(title, size=18, weight=ft.FontWeight.BOLD), prefix),
        ft.Row(cards, wrap=True, spacing=10, run_spacing=10),
    ]
