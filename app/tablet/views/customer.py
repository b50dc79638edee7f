"""Scene 3: the single customer view: who they are, then what they saved, tried on, left in
the online cart, ordered from every channel, the coupons they hold and the store's notes."""

from __future__ import annotations

from collections.abc import Sequence

import flet as ft

from app.contracts.customers import CustomerView, ItemRef
from app.tablet.i18n import local_date, money, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import attention, button, tagged
from app.tablet.views.home import consent_text

CHANNEL_ICONS = {
    "web": ft.Icons.LANGUAGE,
    "app": ft.Icons.PHONE_IPHONE,
    "store": ft.Icons.STOREFRONT,
    "endless_aisle": ft.Icons.ALL_INCLUSIVE,
}


def _item(lang: str, item: ItemRef) -> str:
    name = item.name_tr if lang == "tr" else item.name_en
    return f"{name} · {item.size} · {item.colour}"


def _section(title: str, rows: Sequence[ft.Control], identifier: str, lang: str) -> ft.Control:
    body = list(rows) or [ft.Text(t(lang, "empty"), color=ft.Colors.GREY_600)]
    # Two columns on a landscape tablet, one on a portrait one.
    return ft.Container(
        tagged(
            ft.Container(
                ft.Column([ft.Text(title, size=18, weight=ft.FontWeight.BOLD), *body], spacing=6),
                bgcolor=ft.Colors.WHITE,
                border_radius=12,
                padding=14,
                expand=True,
            ),
            identifier,
        ),
        col={"xs": 12, "md": 6},
    )


def _chip(text: str, on: bool) -> ft.Control:
    # An icon, not a ✓ character: the web renderer's bundled font has no such glyph.
    mark = ft.Icon(ft.Icons.CHECK if on else ft.Icons.CLOSE, size=16)
    return ft.Container(
        ft.Row([mark, ft.Text(text, size=14)], spacing=4, tight=True),
        bgcolor=ft.Colors.GREEN_50 if on else ft.Colors.GREY_200,
        border_radius=16,
        padding=ft.Padding.symmetric(horizontal=10, vertical=6),
    )


def build(state: Tablet) -> ft.Control:
    lang = state.lang
    view: CustomerView | None = state.customer.view
    if view is None:
        return ft.Text(t(lang, "loading"))
    p = view.profile
    sizes = ", ".join(f"{k}: {v}" for k, v in p.preferred_sizes.items()) or "–"
    header = ft.Container(
        ft.Column(
            [
                tagged(
                    ft.Text(f"{p.first_name} {p.last_name}", size=28, weight=ft.FontWeight.BOLD),
                    "customer-name",
                ),
                ft.Text(
                    f"{p.loyalty_number} · {t(lang, 'tier_' + p.tier)} · "
                    f"{t(lang, 'points', points=p.points)}",
                    size=16,
                ),
                ft.Text(t(lang, "sizes", sizes=sizes), size=14),
                ft.Row(
                    [
                        _chip(t(lang, "consent_clienteling"), p.consents.clienteling.given),
                        _chip(t(lang, "consent_email"), p.consents.email.given),
                        _chip(t(lang, "consent_sms"), p.consents.sms.given),
                        ft.Text(t(lang, "access_" + view.access), italic=True)
                        if view.access != "none"
                        else ft.Container(),
                    ],
                    wrap=True,
                ),
            ],
            spacing=6,
        ),
        padding=14,
    )
    wishlist = [
        ft.Text(
            f"{_item(lang, w.item)} · {money(w.item.price_kurus)} · {t(lang, 'channel_' + w.channel)}"
        )
        for w in view.wishlist
    ]
    try_ons = [
        ft.Text(f"{_item(lang, x.item)} · {t(lang, 'outcome_' + x.outcome)} · {x.location_code}")
        for x in view.try_ons[:20]
    ]
    cart = (
        [ft.Text(f"{_item(lang, line.item)} × {line.quantity}") for line in view.cart.lines]
        + [ft.Text(money(view.cart.total_kurus), weight=ft.FontWeight.BOLD)]
        if view.cart
        else []
    )
    orders: list[ft.Control] = [
        ft.Row(
            [
                ft.Icon(CHANNEL_ICONS.get(o.channel, ft.Icons.RECEIPT), size=20),
                ft.Text(
                    f"{o.number} · {local_date(o.placed_at)} · {t(lang, 'status_' + o.status)} · "
                    f"{t(lang, 'items', n=o.item_count)} · {money(o.total_kurus)}",
                    expand=True,  # wraps on a portrait tablet instead of running off the edge
                ),
            ]
        )
        for o in view.orders[:30]
    ]
    # Orders this tablet placed that wait for the network: the customer sees them too.
    orders[:0] = [
        tagged(
            ft.Row(
                [
                    ft.Icon(ft.Icons.SCHEDULE_SEND, size=20, color=ft.Colors.AMBER_900),
                    ft.Text(t(lang, "queued_order", label=c.label), expand=True),
                ]
            ),
            f"queued-order-{c.id}",
        )
        for c in state.customer.queued_orders
    ]
    coupons = [ft.Text(f"{c.campaign} · {c.code}") for c in view.coupons]
    # Identified by their QR code here just now: that scan is the proof for their consent.
    consent = (
        [
            attention(
                t(lang, "consent_visit_ask", name=f"{p.first_name} {p.last_name}"),
                ft.Column(
                    [
                        consent_text(state),
                        button(
                            t(lang, "consent_record"),
                            lambda _: state.customer.record_consent(),
                            "record-consent",
                        ),
                    ],
                    spacing=10,
                ),
                "consent-visit",
            )
        ]
        if state.customer.may_record_visit_consent
        else []
    )
    note_field = ft.TextField(
        label=t(lang, "note_hint"),
        multiline=True,
        min_lines=1,
        max_lines=4,
        max_length=2000,
        expand=True,
    )
    notes: list[ft.Control] = [
        ft.Text(f"{n.body} — {n.associate_name}, {local_date(n.created_at)}") for n in view.notes
    ] or [ft.Text(t(lang, "empty"), color=ft.Colors.GREY_600)]
    notes.append(
        ft.Row(
            [
                note_field,
                button(
                    t(lang, "add_note"),
                    lambda _: state.customer.add_note(note_field.value or ""),
                    "add-note",
                    primary=False,
                ),
            ]
        )
    )
    return ft.Column(
        [
            ft.Row(
                [
                    button(t(lang, "back"), lambda _: state.go_home(), "back", primary=False),
                    button(t(lang, "products"), lambda _: state.product.show(), "products"),
                    button(
                        t(lang, "basket_n", n=sum(x.quantity for x in state.basket.lines)),
                        lambda _: state.basket.show(),
                        "basket",
                    ),
                ]
            ),
            header,
            *consent,
            ft.ResponsiveRow(
                [
                    _section(t(lang, "wishlist"), wishlist, "section-wishlist", lang),
                    _section(t(lang, "orders"), orders, "section-orders", lang),
                    _section(t(lang, "try_ons"), try_ons, "section-try-ons", lang),
                    _section(t(lang, "cart"), cart, "section-cart", lang),
                    _section(t(lang, "coupons"), coupons, "section-coupons", lang),
                    _section(t(lang, "notes"), notes, "section-notes", lang),
                ],
                spacing=12,
                run_spacing=12,
            ),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
