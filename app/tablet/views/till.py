"""Scene 7: the till. One scan field for the sale's items and the customer's coupon; what the
coupon gives on this basket; redeem once; void on a cancelled sale."""

from __future__ import annotations

import flet as ft

from app.tablet.i18n import money, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, attention, button, notice_bar, tagged


def build(state: Tablet, scan_tools: list[ft.Control] | None = None) -> ft.Control:
    lang, till = state.lang, state.till
    field = ft.TextField(
        label=t(lang, "till_scan"),
        autofocus=True,
        on_submit=lambda e: state.till.scan(e.control.value or ""),
        text_size=20,
        height=TOUCH + 16,
        width=560,
    )
    items: list[ft.Control] = [ft.Text(f"{sku} × {qty}") for sku, qty in till.items.items()] or [
        ft.Text(t(lang, "till_no_items"), color=ft.Colors.GREY_600)
    ]
    coupon: list[ft.Control] = []
    if till.coupon:
        coupon.append(tagged(ft.Text(t(lang, "till_coupon", code=till.coupon[:24])), "till-coupon"))
    if till.check is not None:
        c = till.check.coupon
        value = f"%{c.value / 100:g}" if c.kind == "percent" else money(c.value)
        coupon.append(
            tagged(
                ft.Text(
                    f"{c.campaign} · {value} · {t(lang, 'discount')}: {money(till.check.discount_kurus)}"
                    f" · {t(lang, 'total')}: {money(till.check.basket_total_kurus - till.check.discount_kurus)}",
                    size=18,
                    weight=ft.FontWeight.BOLD,
                ),
                "till-check",
            )
        )
    message = None
    if till.message:
        message = t(lang, till.message) + (f" ({till.detail})" if till.detail else "")
    risk: list[ft.Control] = []
    offer = till.offline_offer
    if offer is not None:
        risk = [
            attention(
                t(
                    lang,
                    "offline_risk",
                    campaign=offer.campaign,
                    discount=money(offer.discount_kurus),
                    used=offer.used_count,
                    max=offer.max_count,
                    used_value=money(offer.used_value_kurus),
                    max_value=money(offer.max_value_kurus),
                ),
                button(
                    t(lang, "redeem_offline"),
                    lambda _: state.till.redeem_offline(),
                    "redeem-offline",
                ),
                "offline-risk",
            )
        ]
    actions = [
        button(
            t(lang, "check_coupon"),
            lambda _: state.till.check_coupon(),
            "check-coupon",
            primary=False,
        ),
        button(t(lang, "redeem"), lambda _: state.till.redeem_coupon(), "redeem"),
    ]
    if till.redemption is not None and till.redemption.status != "voided":
        actions.append(
            button(t(lang, "void"), lambda _: state.till.void_coupon(), "void", primary=False)
        )
    actions.append(
        button(t(lang, "new_sale"), lambda _: state.till.new_sale(), "new-sale", primary=False)
    )
    return ft.Column(
        [
            ft.Row([button(t(lang, "back"), lambda _: state.go_home(), "back", primary=False)]),
            ft.Text(t(lang, "till"), size=22, weight=ft.FontWeight.BOLD),
            ft.Row([field, *(scan_tools or [])], wrap=True),
            ft.Text(t(lang, "till_items"), size=18, weight=ft.FontWeight.W_600),
            *items,
            *coupon,
            notice_bar(message, till.error),
            *risk,
            ft.Row(actions, wrap=True),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
