"""Scene 12's exchange panel: for each line coming back, the product's other sizes and colours
with the count on this shelf, the difference the customer pays or gets back, and where the new
one comes from; after the exchange, the new order and what moved."""

from __future__ import annotations

import flet as ft

from app.contracts.exchanges import ExchangeOut
from app.domain.exchanges import Direction, ReplacementSource
from app.tablet.i18n import colour_name, money, t
from app.tablet.state.returns_exchange import ExchangePlan, Swap
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, tagged
from app.tablet.views.order import MUTED, card


def _choices(state: Tablet, line_id: int, swap: Swap) -> ft.Control:
    lang, x = state.lang, state.exchange
    chips: list[ft.Control] = []
    for v in swap.variants:
        here, anywhere = swap.here(v.sku), swap.anywhere(v.sku)
        stock = t(lang, "exchange_here_n", n=here) if here else t(lang, "exchange_elsewhere")
        words = f"{v.size} · {colour_name(lang, v.colour, v.colour_en)} · {stock}"
        chips.append(
            tagged(
                ft.Chip(
                    label=ft.Text(words),
                    selected=swap.sku == v.sku,
                    disabled=anywhere <= 0,
                    on_select=lambda _, sku=v.sku: x.choose(line_id, sku),
                    height=TOUCH,
                ),
                f"exchange-{line_id}-{v.sku}",
            )
        )
    return ft.Row(chips, wrap=True, spacing=8, run_spacing=8)


def panel(state: Tablet, plan: ExchangePlan) -> list[ft.Control]:
    """What replaces the returns scene's refund choice while an exchange is being made."""
    lang, x, r = state.lang, state.exchange, state.returns
    if plan.done is not None:
        return [done(state, plan.done)]
    order = r.opened
    rows: list[ft.Control] = []
    for line_id, swap in plan.swaps.items():
        line = next(ln for ln in order.lines if ln.order_line_id == line_id) if order else None
        if line is not None:
            rows.append(ft.Text(r.line_name(line), weight=ft.FontWeight.W_600))
        rows.append(_choices(state, line_id, swap))
    diff = x.difference()
    money_words = (
        t(lang, "exchange_pays", amount=money(diff))
        if diff > 0
        else t(lang, "exchange_gets", amount=money(-diff))
        if diff < 0
        else t(lang, "exchange_even")
    )
    chosen = all(s.sku for s in plan.swaps.values())
    where = (
        t(lang, "exchange_from_shelf")
        if x.source() == ReplacementSource.FROM_SHELF
        else t(lang, "exchange_ordered")
    )
    return [
        card(
            t(lang, "exchange_title"),
            [
                *rows,
                *([ft.Text(where, color=MUTED)] if chosen else []),
                ft.Text(money_words, size=18, weight=ft.FontWeight.BOLD),
                ft.Row(
                    [
                        button(
                            t(lang, "exchange_confirm"), lambda _: x.confirm(), "exchange-confirm"
                        ),
                        button(
                            t(lang, "exchange_drop"),
                            lambda _: x.drop(),
                            "exchange-drop",
                            primary=False,
                        ),
                    ],
                    wrap=True,
                    spacing=12,
                ),
            ],
            "exchange-panel",
        )
    ]


def done(state: Tablet, out: ExchangeOut) -> ft.Control:
    lang, r = state.lang, state.returns
    s = out.settlement
    key = {
        Direction.CHARGE: "exchange_settled_charge",
        Direction.REFUND: "exchange_settled_refund",
        Direction.NONE: "exchange_settled_none",
    }[s.direction]
    return card(
        t(lang, "exchange_done_title", number=out.order.number),
        [
            ft.Text(t(lang, key, amount=money(s.amount_kurus)), size=20, weight=ft.FontWeight.BOLD),
            ft.Text(t(lang, "exchange_reference", ref=s.reference), color=MUTED),
            ft.Row(
                [
                    button(
                        t(lang, "return_again"), lambda _: r.again(), "return-again", primary=False
                    ),
                    button(t(lang, "return_new"), lambda _: r.show(), "return-new"),
                ],
                wrap=True,
                spacing=12,
            ),
        ],
        "exchange-done",
    )
