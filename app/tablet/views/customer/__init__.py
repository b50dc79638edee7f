"""Scene 3: the single customer view: who they are, then what they saved, tried on, left in
the online cart, ordered from every channel, the coupons they hold and the store's notes.
Every item leads to its product on that variant, every order to the order scene.

The parts of the screen: header.py, tiles.py (saved, tried on, in the cart), orders.py,
coupons.py, notes.py, store_side.py (pickups waiting, returns, transfers)."""

from __future__ import annotations

import flet as ft

from app.contracts.customers import CustomerView
from app.tablet.i18n import t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import attention, button
from app.tablet.views.customer import store_side
from app.tablet.views.customer.coupons import coupon_card
from app.tablet.views.customer.header import header_card
from app.tablet.views.customer.looks import look_list
from app.tablet.views.customer.notes import note_list
from app.tablet.views.customer.orders import order_list
from app.tablet.views.customer.parts import section
from app.tablet.views.customer.tiles import cart, try_ons, wishlist
from app.tablet.views.home import consent_channels, consent_text
from app.tablet.views.recommendations import shelf


def build(state: Tablet) -> ft.Control:
    lang = state.lang
    view: CustomerView | None = state.customer.view
    if view is None:
        return ft.Text(t(lang, "loading"))
    p = view.profile
    # Identified by their QR code here just now: that scan is the proof for their consent.
    consent = (
        [
            attention(
                t(lang, "consent_visit_ask", name=f"{p.first_name} {p.last_name}"),
                ft.Column(
                    [
                        consent_text(state),
                        consent_channels(state),
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
    coupons = [coupon_card(lang, c) for c in sorted(view.coupons, key=lambda c: c.valid_until)]
    return ft.Column(
        [
            ft.Row(
                [
                    button(
                        t(lang, "back"),
                        lambda _: state.go_home(),
                        "back",
                        primary=False,
                    ),
                    button(t(lang, "products"), lambda _: state.product.show(), "products"),
                    button(
                        t(
                            lang,
                            "basket_n",
                            n=sum(x.quantity for x in state.basket.lines),
                        ),
                        lambda _: state.basket.show(),
                        "basket",
                    ),
                    # Only for a customer who consented: a visit alone is no relationship.
                    *(
                        [
                            button(t(lang, "look_open"), lambda _: state.look.open(), "look-open"),
                            button(
                                t(lang, "appointment_book"),
                                lambda _: state.appointments.start_booking(),
                                "appointment-book",
                                primary=False,
                            ),
                        ]
                        if p.consents.clienteling.given
                        else []
                    ),
                ],
                wrap=True,
            ),
            header_card(state, view),
            *consent,
            ft.ResponsiveRow(
                [
                    section(
                        t(lang, "wishlist"),
                        ft.Icons.FAVORITE_BORDER,
                        wishlist(state, view),
                        "section-wishlist",
                        lang,
                    ),
                    section(
                        t(lang, "orders"),
                        ft.Icons.RECEIPT_LONG_OUTLINED,
                        order_list(state, view),
                        "section-orders",
                        lang,
                    ),
                    section(
                        t(lang, "try_ons"),
                        ft.Icons.CHECKROOM,
                        try_ons(state, view),
                        "section-try-ons",
                        lang,
                    ),
                    section(
                        t(lang, "cart"),
                        ft.Icons.SHOPPING_CART_OUTLINED,
                        cart(state, view),
                        "section-cart",
                        lang,
                    ),
                    section(
                        t(lang, "coupons"),
                        ft.Icons.LOCAL_OFFER_OUTLINED,
                        coupons,
                        "section-coupons",
                        lang,
                    ),
                    section(
                        t(lang, "notes"),
                        ft.Icons.STICKY_NOTE_2_OUTLINED,
                        note_list(state, view),
                        "section-notes",
                        lang,
                    ),
                    section(
                        t(lang, "looks"),
                        ft.Icons.SEND_OUTLINED,
                        look_list(state, view),
                        "section-looks",
                        lang,
                    ),
                    *store_side.sections(state, view),
                ],
                spacing=12,
                run_spacing=12,
            ),
            *shelf(
                state, t(lang, "reco_customer_title"), state.customer.suggestions, "reco-customer"
            ),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
