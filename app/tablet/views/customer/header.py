"""The customer scene's header: name, loyalty number, tier, points, sizes and consents."""

from __future__ import annotations

import flet as ft

from app.contracts.customers import CustomerView
from app.tablet.i18n import local_date, sizes_text, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import BRAND, tagged
from app.tablet.views.order import MUTED, chip


def header_card(state: Tablet, view: CustomerView) -> ft.Control:
    lang, p = state.lang, view.profile
    initials = (p.first_name[:1] + p.last_name[:1]).upper()
    consents = [
        _consent_chip(t(lang, "consent_clienteling"), p.consents.clienteling.given),
        _consent_chip(t(lang, "consent_email"), p.consents.email.given),
        _consent_chip(t(lang, "consent_sms"), p.consents.sms.given),
        _consent_chip(t(lang, "consent_whatsapp"), p.consents.whatsapp.given),
    ]
    if view.access != "none":
        consents.append(ft.Text(t(lang, "access_" + view.access), italic=True))
    sizes = sizes_text(lang, p.preferred_sizes) or t(lang, "customer_sizes_none")
    return ft.Container(
        ft.Row(
            [
                ft.Container(
                    ft.Text(
                        initials,
                        size=24,
                        weight=ft.FontWeight.BOLD,
                        color=ft.Colors.WHITE,
                    ),
                    width=64,
                    height=64,
                    border_radius=32,
                    bgcolor=BRAND,
                    alignment=ft.Alignment.CENTER,
                ),
                ft.Column(
                    [
                        tagged(
                            ft.Text(
                                f"{p.first_name} {p.last_name}",
                                size=28,
                                weight=ft.FontWeight.BOLD,
                            ),
                            "customer-name",
                        ),
                        ft.Text(
                            f"{p.loyalty_number} · {t(lang, 'tier_' + p.tier)} · "
                            f"{t(lang, 'points', points=p.points)} · "
                            f"{t(lang, 'customer_since', date=local_date(p.created_at))}",
                            size=15,
                        ),
                        tagged(
                            ft.Row(
                                [
                                    ft.Icon(ft.Icons.STRAIGHTEN, size=18, color=MUTED),
                                    ft.Text(t(lang, "sizes", sizes=sizes), size=15),
                                ],
                                spacing=6,
                            ),
                            "customer-sizes",
                        ),
                        ft.Row(consents, wrap=True, spacing=8),
                    ],
                    spacing=6,
                    expand=True,
                ),
            ],
            spacing=16,
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
        bgcolor=ft.Colors.WHITE,
        border_radius=12,
        padding=16,
    )


def _consent_chip(text: str, on: bool) -> ft.Control:
    # An icon, not a ✓ character: the web renderer's bundled font has no such glyph.
    return chip(
        text,
        ft.Colors.GREEN_50 if on else ft.Colors.GREY_200,
        ft.Colors.GREEN_900 if on else ft.Colors.GREY_800,
        ft.Icons.CHECK if on else ft.Icons.CLOSE,
    )
