"""Scene 2: one big scan field always in reach (a hardware scanner types into it and presses
Enter), customer search beside it, and the customers seen recently."""

from __future__ import annotations

import flet as ft

from app.contracts.customers import CustomerSummary
from app.tablet.i18n import t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, attention, button, tagged
from app.tablet.views.today import today_card


def _customer_tile(state: Tablet, c: CustomerSummary, identifier: str) -> ft.Control:
    return tagged(
        ft.ListTile(
            title=ft.Text(f"{c.first_name} {c.last_name}"),
            subtitle=ft.Text(f"{c.loyalty_number} · {t(state.lang, 'tier_' + c.tier)}"),
            on_click=lambda _: state.home.open_customer(c.id),
            min_height=TOUCH + 8,
        ),
        identifier,
    )


def consent_text(state: Tablet) -> ft.Control:
    """The words the customer agrees to, in the language on screen, with their version."""
    flow = state.customer.consent
    return tagged(
        ft.Container(
            ft.Column(
                [
                    ft.Text(
                        t(state.lang, "consent_text_title", version=flow.text_version),
                        size=13,
                        color=ft.Colors.GREY_700,
                    ),
                    ft.Text(flow.text(state.lang), size=15),
                ],
                spacing=4,
            ),
            bgcolor=ft.Colors.WHITE,
            border_radius=8,
            padding=12,
        ),
        "consent-text",
    )


def consent_channels(state: Tablet) -> ft.Control:
    """The message channels the customer may also opt into, one chip each, none chosen for
    them: an e-mail address or a phone on file for each."""
    lang, scene = state.lang, state.customer
    offered = scene.consent_channels
    if not offered:
        return ft.Container(height=0)
    chips = [
        tagged(
            ft.Chip(
                label=ft.Text(t(lang, "consent_" + c)),
                selected=c in scene.consent.channels,
                on_select=lambda _, c=c: scene.toggle_consent_channel(c),
                height=TOUCH,
            ),
            f"consent-channel-{c}",
        )
        for c in offered
    ]
    return ft.Column(
        [
            ft.Text(t(lang, "consent_channels_ask"), size=14),
            ft.Row(chips, wrap=True, spacing=8),
        ],
        spacing=6,
    )


def _consent_panel(state: Tablet) -> ft.Control:
    """A customer found by search who has not consented: the text, then a code sent to their
    phone or e-mail on file, which they read back."""
    lang, flow = state.lang, state.customer.consent
    c = state.customer.needs_consent
    assert c is not None
    actions: list[ft.Control]
    if flow.challenge is None:
        actions = [
            *(
                [
                    button(
                        t(lang, "consent_send_sms", to=c.phone),
                        lambda _: state.customer.send_consent_code("sms"),
                        "consent-send-sms",
                    )
                ]
                if c.phone
                else []
            ),
            *(
                [
                    button(
                        t(lang, "consent_send_email", to=c.email),
                        lambda _: state.customer.send_consent_code("email"),
                        "consent-send-email",
                        primary=not c.phone,
                    )
                ]
                if c.email
                else []
            ),
        ] or [ft.Text(t(lang, "consent_no_contact"))]
    else:

        def set_code(e: ft.Event[ft.TextField]) -> None:
            flow.code = e.control.value or ""

        code_field = ft.TextField(
            label=t(lang, "consent_code_field"),
            value=flow.code,
            on_change=set_code,
            on_submit=lambda e: state.customer.confirm_consent_code(e.control.value or ""),
            keyboard_type=ft.KeyboardType.NUMBER,
            text_size=20,
            height=TOUCH + 8,
            width=380,
        )
        actions = [
            tagged(code_field, "consent-code"),
            button(
                t(lang, "consent_confirm"),
                lambda _: state.customer.confirm_consent_code(code_field.value or ""),
                "consent-confirm",
            ),
            button(
                t(lang, "consent_new_code"),
                lambda _: state.customer.new_consent_code(),
                "consent-new-code",
                primary=False,
            ),
        ]
        if flow.tries_left is not None:
            actions.append(
                tagged(
                    ft.Text(
                        t(lang, "consent_code_wrong", n=flow.tries_left), color=ft.Colors.RED_900
                    ),
                    "consent-tries-left",
                )
            )
    return attention(
        t(lang, "consent_ask", name=f"{c.first_name} {c.last_name}"),
        ft.Column(
            [consent_text(state), consent_channels(state), ft.Row(actions, wrap=True)],
            spacing=10,
        ),
        "consent-panel",
    )


def build(state: Tablet, scan_tools: list[ft.Control] | None = None) -> ft.Control:
    """scan_tools: the camera and photo buttons, made by the app (they need the page)."""
    lang = state.lang

    def set_scan(e: ft.Event[ft.TextField]) -> None:
        state.home.scan_text = e.control.value or ""

    def set_search(e: ft.Event[ft.TextField]) -> None:
        state.home.search_text = e.control.value or ""

    def search(text: str) -> None:
        state.home.search_text = text
        state.home.search()

    scan_field = ft.TextField(
        label=t(lang, "scan_hint"),
        value=state.home.scan_text,
        autofocus=True,  # a hardware scanner types into whatever has focus
        on_change=set_scan,
        # The submitted text comes with the event itself: the last change event may not have
        # been handled yet when a scanner's Enter arrives.
        on_submit=lambda e: state.home.submit_scan(e.control.value or ""),
        text_size=20,
        height=TOUCH + 16,
        width=460,  # with its three buttons, one row on a portrait tablet too
    )
    scan_row = ft.Row(
        [
            scan_field,
            button(
                t(lang, "scan"),
                lambda _: state.home.submit_scan(scan_field.value or ""),
                "scan-submit",
            ),
            *(scan_tools or []),
        ],
        wrap=True,
    )
    search_field = ft.TextField(
        label=t(lang, "search_customer"),
        value=state.home.search_text,
        on_change=set_search,
        on_submit=lambda e: search(e.control.value or ""),
        height=TOUCH + 8,
        prefix_icon=ft.Icons.SEARCH,
        width=560,
    )
    results = [_customer_tile(state, c, f"result-{c.id}") for c in state.home.search_results]
    consent = [_consent_panel(state)] if state.customer.needs_consent is not None else []
    recent = [_customer_tile(state, c, f"recent-{c.id}") for c in state.customer.recent]
    return ft.Column(
        [
            ft.Text(t(lang, "scan"), size=22, weight=ft.FontWeight.BOLD),
            scan_row,
            ft.Row(
                [
                    search_field,
                    button(t(lang, "products"), lambda _: state.product.show(), "products"),
                    *(
                        [button(t(lang, "till"), lambda _: state.till.show(), "till")]
                        if state.session.is_cashier
                        else []
                    ),
                ],
                wrap=True,
            ),
            # The store's side of orders, in the order a day brings them.
            ft.Row(
                [
                    button(t(lang, "prepare_open"), lambda _: state.prepare.show(), "prepare"),
                    button(t(lang, "transfer_open"), lambda _: state.transfers.show(), "transfers"),
                    button(t(lang, "return_open"), lambda _: state.returns.show(), "returns"),
                ],
                wrap=True,
            ),
            *consent,
            *results,
            today_card(state),  # today's and overdue follow-ups: a tap opens the customer
            ft.Text(t(lang, "recent_customers"), size=18, weight=ft.FontWeight.W_600),
            *(recent or [ft.Text(t(lang, "empty"), color=ft.Colors.GREY_600)]),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
