"""Scene 7: the till. One scan field for the sale's items and the customer's coupon; what the
coupon gives on this basket; redeem once; void on a cancelled sale."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.tablet.i18n import money, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, attention, button, notice_bar, picture, tagged


def _item(state: Tablet, sku: str, qty: int) -> ft.Control:
    """A line of the sale: its picture, name, size and price where the catalogue has them;
    the SKU and count always (what the cashier checks against the label)."""
    lang = state.lang
    known = state.till.known.get(sku)

    def remove(_: object) -> None:
        state.till.remove_item(sku)

    words: list[ft.Control] = []
    if known is not None:
        words += [
            ft.Text(known.name(lang), weight=ft.FontWeight.W_600),
            ft.Text(
                t(lang, "size_colour", size=known.size, colour=known.colour_name(lang)),
                color=ft.Colors.GREY_800,
            ),
        ]
    words.append(ft.Text(f"{sku} × {qty}", color=ft.Colors.GREY_700))
    price = (
        ft.Text(
            t(lang, "till_each", qty=qty, price=money(known.price_kurus)),
            width=160,
            text_align=ft.TextAlign.RIGHT,
        )
        if known is not None
        else ft.Container(width=160)
    )
    # Not one tagged row: its words would merge into one label and no longer be found as
    # text (the SKU line is what the cashier, and the browser tests, look for).
    return ft.Row(
        [
            picture(state, known.thumb_url if known else None, width=48, height=60),
            ft.Column(words, spacing=2, expand=True),
            price,
            tagged(
                ft.IconButton(
                    ft.Icons.REMOVE_CIRCLE_OUTLINE,
                    on_click=remove,
                    tooltip=t(lang, "till_remove"),
                    width=TOUCH,
                    height=TOUCH,
                ),
                f"till-remove-{sku}",
            ),
        ],
    )


def _sale_total(state: Tablet) -> list[ft.Control]:
    lang, till = state.lang, state.till
    if not till.items:
        return []
    total = till.total_kurus
    text = (
        f"{t(lang, 'total')}: {money(total)}"
        if total is not None
        else t(lang, "till_total_unknown")
    )
    return [tagged(ft.Text(text, size=18, weight=ft.FontWeight.BOLD), "till-total")]


def _shopper(state: Tablet) -> list[ft.Control]:
    lang, till = state.lang, state.till
    if till.shopper_id is None:
        return []
    text = (
        t(lang, "till_shopper", name=till.shopper_name)
        if till.shopper_name
        else t(lang, "till_shopper_owner")
    )
    return [tagged(ft.Text(text, size=16, weight=ft.FontWeight.W_600), "till-shopper")]


def _scan(state: Tablet) -> Callable[[ft.Event[ft.TextField]], None]:
    def scanned(e: ft.Event[ft.TextField]) -> None:
        state.till.scan(e.control.value or "")

    return scanned


def build(state: Tablet, scan_tools: list[ft.Control] | None = None) -> ft.Control:
    lang, till = state.lang, state.till
    field = ft.TextField(
        label=t(lang, "till_scan"),
        autofocus=True,
        on_submit=_scan(state),
        text_size=20,
        height=TOUCH + 16,
        width=560,
    )
    items: list[ft.Control] = [_item(state, sku, qty) for sku, qty in till.items.items()] or [
        ft.Text(t(lang, "till_no_items"), color=ft.Colors.GREY_600)
    ]
    coupon: list[ft.Control] = []
    if till.coupon:
        shown = till.coupon_name or (
            till.coupon if len(till.coupon) <= 24 else till.coupon[:23] + "…"
        )
        coupon.append(
            tagged(
                ft.Text(t(lang, "till_coupon", code=shown), max_lines=1, no_wrap=True),
                "till-coupon",
            )
        )
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
            *_shopper(state),
            ft.Text(t(lang, "till_items"), size=18, weight=ft.FontWeight.W_600),
            *items,
            *_sale_total(state),
            *coupon,
            notice_bar(message, till.error),
            *risk,
            ft.Row(actions, wrap=True),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
