"""Scene 3: the single customer view: who they are, then what they saved, tried on, left in
the online cart, ordered from every channel, the coupons they hold and the store's notes.
Every item leads to its product on that variant, every order to the order scene."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import flet as ft

from app.contracts.customers import CustomerView, ItemRef
from app.contracts.orders import OrderSummary
from app.contracts.promotions import CouponOut
from app.tablet.i18n import chars_left, colour_name, items, local_date, money, sizes_text, t
from app.tablet.state.customer import NOTE_MAX
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import BRAND, TOUCH, attention, button, picture, tagged
from app.tablet.views.home import consent_text
from app.tablet.views.order import CHANNEL_ICONS, MUTED, chip, status_chip

TILE = 132  # px: a product tile's width; four side by side in half a landscape tablet
SHOWN = 8  # items of a kind shown until the associate asks for all
ORDERS_SHOWN = 6
COUPON_HEIGHT = 96
OUTCOME_COLOURS = {
    "bought": (ft.Colors.GREEN_50, ft.Colors.GREEN_900, ft.Icons.SHOPPING_BAG_OUTLINED),
    "liked": (ft.Colors.PINK_50, ft.Colors.PINK_900, ft.Icons.FAVORITE_BORDER),
    "did_not_fit": (ft.Colors.AMBER_50, ft.Colors.AMBER_900, ft.Icons.STRAIGHTEN),
    "disliked": (ft.Colors.GREY_200, ft.Colors.GREY_900, ft.Icons.THUMB_DOWN_OFF_ALT),
}


def _section(
    title: str, icon: ft.IconData, rows: Sequence[ft.Control], identifier: str, lang: str
) -> ft.Control:
    body = list(rows) or [ft.Text(t(lang, "empty"), color=ft.Colors.GREY_600)]
    # Two columns on a landscape tablet, one on a portrait one (800 px is "md").
    return ft.Container(
        tagged(
            ft.Container(
                ft.Column(
                    [
                        ft.Row(
                            [
                                ft.Icon(icon, size=22, color=BRAND),
                                # Its own node: else the title is only the group's label,
                                # which finding by text does not see.
                                tagged(
                                    ft.Text(title, size=18, weight=ft.FontWeight.BOLD),
                                    f"{identifier}-title",
                                ),
                            ],
                            spacing=8,
                        ),
                        *body,
                    ],
                    spacing=10,
                ),
                bgcolor=ft.Colors.WHITE,
                border_radius=12,
                padding=14,
                expand=True,
            ),
            identifier,
        ),
        col={"xs": 12, "lg": 6},
    )


def _open(state: Tablet, item: ItemRef) -> Callable[[object], None]:
    return lambda _: state.product.open(item.product_id, item.sku)


def _tile(state: Tablet, item: ItemRef, extra: list[ft.Control], identifier: str) -> ft.Control:
    """A product as a fashion tile: picture, name, size and colour, price, then what the
    list says about it; a tap opens the product on this variant."""
    name = item.name_tr if state.lang == "tr" else item.name_en
    return tagged(
        ft.Container(
            ft.Column(
                [
                    picture(state, item.thumb_url, width=TILE - 16, height=(TILE - 16) * 5 // 4),
                    ft.Text(
                        name,
                        size=14,
                        weight=ft.FontWeight.BOLD,
                        max_lines=2,
                        overflow=ft.TextOverflow.ELLIPSIS,
                    ),
                    ft.Text(
                        f"{item.size} · {colour_name(state.lang, item.colour, item.colour_en)}",
                        size=13,
                        color=MUTED,
                    ),
                    ft.Text(money(item.price_kurus), size=14, weight=ft.FontWeight.W_500),
                    *extra,
                ],
                spacing=4,
            ),
            width=TILE,
            padding=8,
            border_radius=10,
            bgcolor="#faf8f5",
            border=ft.Border.all(1, ft.Colors.GREY_200),
            ink=True,
            on_click=_open(state, item),
        ),
        identifier,
    )


def _more(state: Tablet, kind: str, total: int, shown: int) -> list[ft.Control]:
    """The way to the rest of a list, when only its latest entries are shown."""
    if total <= shown:
        return []
    return [
        tagged(
            ft.TextButton(
                t(state.lang, "customer_show_all", n=total),
                icon=ft.Icons.EXPAND_MORE,
                on_click=lambda _: state.customer.show_all(kind),
                height=TOUCH,
            ),
            f"{kind}-all",
        )
    ]


def _tiles(state: Tablet, kind: str, tiles: list[ft.Control], total: int) -> list[ft.Control]:
    if not tiles:
        return []
    rows: list[ft.Control] = [
        ft.Row(
            tiles,
            wrap=True,
            spacing=10,
            run_spacing=10,
            vertical_alignment=ft.CrossAxisAlignment.START,
        )
    ]
    return rows + _more(state, kind, total, len(tiles))


def _small(text: str, *, expand: bool = False) -> ft.Control:
    return ft.Text(
        text, size=12, color=MUTED, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS, expand=expand
    )


def _wishlist(state: Tablet, view: CustomerView) -> list[ft.Control]:
    lang = state.lang
    tiles = [
        _tile(
            state,
            w.item,
            [
                ft.Row(
                    [
                        ft.Icon(CHANNEL_ICONS.get(w.channel, ft.Icons.RECEIPT), size=14),
                        _small(
                            t(
                                lang,
                                "customer_saved_from",
                                channel=t(lang, "channel_" + w.channel),
                                date=local_date(w.created_at),
                            ),
                            expand=True,
                        ),
                    ],
                    spacing=4,
                )
            ],
            f"wish-{w.id}",
        )
        for w in view.wishlist[: state.customer.shown("wishlist", SHOWN)]
    ]
    return _tiles(state, "wishlist", tiles, len(view.wishlist))


def _try_ons(state: Tablet, view: CustomerView) -> list[ft.Control]:
    lang = state.lang
    tiles = []
    for x in view.try_ons[: state.customer.shown("try_ons", SHOWN)]:
        bg, fg, icon = OUTCOME_COLOURS.get(x.outcome, (ft.Colors.GREY_200, MUTED, None))
        extra = [
            chip(t(lang, "outcome_" + x.outcome), bg, fg, icon),
            _small(
                t(lang, "customer_tried_at", place=x.location_code, date=local_date(x.tried_at))
            ),
        ]
        if x.note:
            extra.append(_small(x.note))
        tiles.append(_tile(state, x.item, extra, f"try-on-{x.id}"))
    return _tiles(state, "try_ons", tiles, len(view.try_ons))


def _cart(state: Tablet, view: CustomerView) -> list[ft.Control]:
    lang, cart = state.lang, view.cart
    if cart is None or not cart.lines:
        return []
    tiles = [
        _tile(
            state,
            line.item,
            [_small(t(lang, "customer_quantity", n=line.quantity))],
            f"cart-{line.item.sku}",
        )
        for line in cart.lines[: state.customer.shown("cart", SHOWN)]
    ]
    return [
        ft.Row(
            [
                ft.Icon(CHANNEL_ICONS.get(cart.channel, ft.Icons.RECEIPT), size=18, color=MUTED),
                ft.Text(
                    t(
                        lang,
                        "customer_cart_from",
                        channel=t(lang, "channel_" + cart.channel),
                        date=local_date(cart.updated_at),
                    ),
                    color=MUTED,
                ),
            ],
            spacing=6,
        ),
        *_tiles(state, "cart", tiles, len(cart.lines)),
        ft.Text(
            t(lang, "customer_cart_total", total=money(cart.total_kurus)),
            size=16,
            weight=ft.FontWeight.BOLD,
        ),
    ]


def _order(state: Tablet, o: OrderSummary) -> ft.Control:
    lang = state.lang
    where = f" · {o.store_location_code}" if o.store_location_code else ""
    return tagged(
        ft.Container(
            ft.Row(
                [
                    ft.Container(
                        ft.Icon(CHANNEL_ICONS.get(o.channel, ft.Icons.RECEIPT), size=22),
                        width=44,
                        height=44,
                        border_radius=22,
                        bgcolor=ft.Colors.GREY_100,
                        alignment=ft.Alignment.CENTER,
                    ),
                    ft.Column(
                        [
                            ft.Row(
                                [
                                    ft.Text(o.number, size=15, weight=ft.FontWeight.BOLD),
                                    status_chip(lang, o.status),
                                ],
                                spacing=8,
                                wrap=True,
                            ),
                            ft.Text(
                                f"{local_date(o.placed_at)} · {t(lang, 'channel_' + o.channel)}"
                                f"{where} · {items(lang, o.item_count)}",
                                size=13,
                                color=MUTED,
                            ),
                        ],
                        spacing=2,
                        expand=True,
                    ),
                    ft.Text(money(o.total_kurus), size=15, weight=ft.FontWeight.W_500),
                    ft.Icon(ft.Icons.CHEVRON_RIGHT, color=MUTED),
                ],
                spacing=10,
            ),
            padding=ft.Padding.symmetric(horizontal=8, vertical=6),
            border_radius=10,
            ink=True,
            on_click=lambda _: state.order.open(o.id),
            tooltip=t(lang, "customer_open_order"),
            height=max(TOUCH + 12, 60),
        ),
        f"order-{o.id}",
    )


def _orders(state: Tablet, view: CustomerView) -> list[ft.Control]:
    lang = state.lang
    # Orders this tablet placed that wait for the network: the customer sees them too.
    queued: list[ft.Control] = [
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
    orders = [_order(state, o) for o in view.orders[: state.customer.shown("orders", ORDERS_SHOWN)]]
    return [*queued, *orders, *_more(state, "orders", len(view.orders), len(orders))]


def coupon_value(lang: str, c: CouponOut) -> str:
    """What the coupon gives, as the brand app shows it: %15, or 50,00 TL."""
    if c.kind == "percent":
        return t(lang, "customer_coupon_percent", value=f"{c.value / 100:g}")
    return t(lang, "customer_coupon_amount", value=money(c.value))


def _coupon(lang: str, c: CouponOut) -> ft.Control:
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
        facts.append(_small(t(lang, "customer_coupon_min", amount=money(c.min_basket_kurus))))
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


def _notes(state: Tablet, view: CustomerView) -> list[ft.Control]:
    lang, scene = state.lang, state.customer
    rows: list[ft.Control] = [
        ft.Container(
            ft.Column(
                [
                    ft.Text(n.body, size=14, selectable=False),
                    _small(
                        t(
                            lang,
                            "customer_note_by",
                            name=n.associate_name,
                            place=n.location_code,
                            date=local_date(n.created_at),
                        )
                    ),
                ],
                spacing=2,
            ),
            bgcolor="#faf8f5",
            border_radius=8,
            padding=10,
        )
        for n in view.notes
    ] or [ft.Text(t(lang, "empty"), color=ft.Colors.GREY_600)]
    # Our own counter, in the screen's language (Flutter's built-in one speaks English).
    counter = ft.Text(chars_left(lang, scene.note_room(scene.note_draft)), size=12, color=MUTED)

    def typed(e: ft.Event[ft.TextField]) -> None:
        text = e.control.value or ""
        scene.keep_draft(text)
        counter.value = chars_left(lang, scene.note_room(text))
        counter.update()

    note_field = ft.TextField(
        label=t(lang, "note_hint"),
        value=scene.note_draft,
        multiline=True,
        min_lines=1,
        max_lines=4,
        max_length=NOTE_MAX,
        counter=counter,
        on_change=typed,
        expand=True,
    )
    rows.append(
        ft.Row(
            [
                note_field,
                button(
                    t(lang, "add_note"),
                    lambda _: scene.add_note(note_field.value or ""),
                    "add-note",
                    primary=False,
                ),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
        )
    )
    return rows


def _header(state: Tablet, view: CustomerView) -> ft.Control:
    lang, p = state.lang, view.profile
    initials = (p.first_name[:1] + p.last_name[:1]).upper()
    consents = [
        _consent_chip(t(lang, "consent_clienteling"), p.consents.clienteling.given),
        _consent_chip(t(lang, "consent_email"), p.consents.email.given),
        _consent_chip(t(lang, "consent_sms"), p.consents.sms.given),
    ]
    if view.access != "none":
        consents.append(ft.Text(t(lang, "access_" + view.access), italic=True))
    sizes = sizes_text(lang, p.preferred_sizes) or t(lang, "customer_sizes_none")
    return ft.Container(
        ft.Row(
            [
                ft.Container(
                    ft.Text(initials, size=24, weight=ft.FontWeight.BOLD, color=ft.Colors.WHITE),
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
                                f"{p.first_name} {p.last_name}", size=28, weight=ft.FontWeight.BOLD
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
    coupons = [_coupon(lang, c) for c in sorted(view.coupons, key=lambda c: c.valid_until)]
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
                ],
                wrap=True,
            ),
            _header(state, view),
            *consent,
            ft.ResponsiveRow(
                [
                    _section(
                        t(lang, "wishlist"),
                        ft.Icons.FAVORITE_BORDER,
                        _wishlist(state, view),
                        "section-wishlist",
                        lang,
                    ),
                    _section(
                        t(lang, "orders"),
                        ft.Icons.RECEIPT_LONG_OUTLINED,
                        _orders(state, view),
                        "section-orders",
                        lang,
                    ),
                    _section(
                        t(lang, "try_ons"),
                        ft.Icons.CHECKROOM,
                        _try_ons(state, view),
                        "section-try-ons",
                        lang,
                    ),
                    _section(
                        t(lang, "cart"),
                        ft.Icons.SHOPPING_CART_OUTLINED,
                        _cart(state, view),
                        "section-cart",
                        lang,
                    ),
                    _section(
                        t(lang, "coupons"),
                        ft.Icons.LOCAL_OFFER_OUTLINED,
                        coupons,
                        "section-coupons",
                        lang,
                    ),
                    _section(
                        t(lang, "notes"),
                        ft.Icons.STICKY_NOTE_2_OUTLINED,
                        _notes(state, view),
                        "section-notes",
                        lang,
                    ),
                ],
                spacing=12,
                run_spacing=12,
            ),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
