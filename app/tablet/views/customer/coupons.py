"""The customer scene's coupon cards, as the brand app shows them."""

from __future__ import annotations

import flet as ft

from app.contracts.promotions import CouponOut
from app.tablet.i18n import local_date, money, t
from app.tablet.views.common import BRAND, tagged
from app.tablet.views.customer.parts import small
from app.tablet.views.order import MUTED

COUPON_HEIGHT = 96


def coupon_value(lang: str, c: CouponOut) -> str:
    """What the coupon gives, as the brand app shows it: %15, or 50,00 TL."""
    if c.kind == "percent":
        return t(lang, "customer_coupon_percent", value=f"{c.value / 100:g}")
    return t(lang, "customer_coupon_amount", value=money(c.value))


def coupon_card(lang: str, c: CouponOut) -> ft.Control:
    facts: list[ft.Control] = [
        ft.Text(
            c.campaign,
            size=15,
            weight=ft.FontWeight.BOLD,
            max_lines=1,
            overflow=ft.TextOverflow.ELLIPSIS,
        ),
        ft.Text(t(lang, "customer_coupon_code", code=c.code), size=13, color=MUTED),
        ft.Text(t(lang, "customer_coupon_until", date=local_date(c.valid_until)), size=13),
    ]
    if c.min_basket_kurus:
        facts.append(small(t(lang, "customer_coupon_min", amount=money(c.min_basket_kurus))))
    return tagged(
        ft.Container(
            ft.Row(
                [
                    ft.Container(
                        ft.Text(
                            coupon_value(lang, c),
                            size=16,
                            weight=ft.FontWeight.BOLD,
                            color=ft.Colors.WHITE,
                            text_align=ft.TextAlign.CENTER,
                        ),
                        width=110,
                        height=COUPON_HEIGHT,
                        padding=10,
                        bgcolor=BRAND,
                        border_radius=ft.BorderRadius.only(top_left=10, bottom_left=10),
                        alignment=ft.Alignment.CENTER,
                    ),
                    ft.Container(ft.Column(facts, spacing=2), padding=8, expand=True),
                ],
                spacing=0,
            ),
            height=COUPON_HEIGHT,
            border=ft.Border.all(1, ft.Colors.GREY_300),
            border_radius=10,
        ),
        f"coupon-{c.code}",
    )
