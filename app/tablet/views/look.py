"""Scene 15, send a look: the products (pictures to tap, from what the customer saved and tried
on, or found by search), then the message (a template, the personal line, its language) and the
way to send it (only the channels the customer opted into; the others shown with the reason).
Two columns on a landscape tablet, one under the other on a portrait one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import flet as ft

from app.tablet.i18n import chars_left, t
from app.tablet.state.look import MAX_LINE, TEMPLATES
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, tagged
from app.tablet.views.look_items import products
from app.tablet.views.order import MUTED


def _panel(title: str, body: list[ft.Control], identifier: str, col: int) -> ft.Control:
    return ft.Container(
        tagged(
            ft.Container(
                ft.Column(
                    [ft.Text(title, size=18, weight=ft.FontWeight.BOLD), *body],
                    spacing=12,
                    # Fields as wide as the panel; rows of chips and tiles wrap within it.
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                ),
                bgcolor=ft.Colors.WHITE,
                border_radius=12,
                padding=14,
            ),
            identifier,
        ),
        col={"xs": 12, "lg": col},  # side by side on a landscape tablet only
    )


def _channels(state: Tablet) -> list[ft.Control]:
    """One chip per channel, then why each one that cannot be chosen cannot (a disabled chip
    alone says nothing to the associate)."""
    lang, scene = state.lang, state.look
    chips: list[ft.Control] = []
    reasons: list[ft.Control] = []
    for c in scene.channels:
        name = t(lang, "look_channel_" + c.channel)
        chips.append(
            tagged(
                ft.Chip(
                    label=ft.Text(name),
                    leading=ft.Icon(_CHANNEL_ICONS[c.channel], size=18),
                    selected=scene.channel == c.channel,
                    on_select=lambda _, ch=c.channel: scene.choose_channel(ch),
                    disabled=not c.allowed or scene.done,
                    show_checkmark=False,  # it would sit on the icon; the chip's colour says it
                    height=TOUCH,
                ),
                f"look-channel-{c.channel}",
            )
        )
        if c.why_not:
            reasons.append(
                ft.Row(
                    [
                        ft.Icon(ft.Icons.BLOCK, size=14, color=MUTED),
                        tagged(
                            ft.Text(t(lang, c.why_not, channel=name), size=13, color=MUTED),
                            f"look-why-{c.channel}",
                        ),
                    ],
                    spacing=6,
                )
            )
    return [ft.Row(chips, wrap=True, spacing=8, run_spacing=8), *reasons]


_CHANNEL_ICONS = {
    "email": ft.Icons.MAIL_OUTLINE,
    "sms": ft.Icons.SMS_OUTLINED,
    "whatsapp": ft.Icons.CHAT_OUTLINED,
}


def _message(state: Tablet) -> list[ft.Control]:
    lang, scene = state.lang, state.look
    counter = ft.Text(chars_left(lang, scene.line_room), size=12, color=MUTED)

    def typed(e: ft.Event[ft.TextField]) -> None:
        scene.set_line(e.control.value or "")
        counter.value = chars_left(lang, scene.line_room)
        counter.update()

    line = ft.TextField(
        label=t(lang, "look_line"),
        value=scene.line,
        multiline=True,
        min_lines=3,
        max_lines=6,
        max_length=MAX_LINE,
        counter=counter,
        on_change=typed,
        disabled=scene.done,
    )

    async def send(_: object) -> None:
        # The field's text as the tap finds it: its last change event may still be on its way.
        await asyncio.to_thread(scene.send, line.value or "")
        await _launch(scene.take_launch())

    async def open_whatsapp(_: object) -> None:
        await _launch(scene.result.whatsapp_url if scene.result else None)

    def pick(key: str, text: str, chosen: bool, act: Callable[[], None]) -> ft.Control:
        return tagged(
            ft.Chip(
                label=ft.Text(text),
                selected=chosen,
                on_select=lambda _: act(),
                disabled=scene.done,
                height=TOUCH,
            ),
            key,
        )

    templates = [
        pick(
            f"look-template-{k}",
            t(lang, "look_template_" + k),
            scene.template == k,
            lambda k=k: scene.use_template(k),  # type: ignore[misc]
        )
        for k in TEMPLATES
    ]
    langs = [
        pick(
            f"look-lang-{x}",
            t(lang, "look_lang_" + x),
            scene.lang == x,
            lambda x=x: scene.set_lang(x),  # type: ignore[misc]
        )
        for x in ("tr", "en")
    ]
    if scene.done:
        actions: list[ft.Control] = [
            button(t(lang, "look_new"), lambda _: scene.new_look(), "look-new"),
            button(t(lang, "look_back"), lambda _: scene.back(), "look-back", primary=False),
        ]
        if scene.result is not None and scene.result.whatsapp_url:
            actions.insert(0, button(t(lang, "look_open_whatsapp"), open_whatsapp, "look-wa"))
        end: ft.Control = tagged(ft.Row(actions, wrap=True), "look-done")
    else:
        words = t(lang, "look_send_" + scene.channel) if scene.channel else t(lang, "look_send")
        end = button(words, send, "look-send")
    return [
        ft.Row(templates, wrap=True, spacing=8, run_spacing=8),
        ft.Row(langs, spacing=8),
        line,  # found by its label: a TextField inside Semantics takes no typing (FLET.md)
        ft.Text(t(lang, "look_channel_title"), size=15, weight=ft.FontWeight.W_600),
        *_channels(state),
        ft.Row([end]),  # its own width, not the panel's
    ]


async def _launch(url: str | None) -> None:
    """WhatsApp (or its web page) with the text filled in: the associate taps send there."""
    if url:
        await ft.UrlLauncher().launch_url(url)


def build(state: Tablet) -> ft.Control:
    lang, scene = state.lang, state.look
    view = scene.view
    if view is None:
        return ft.Text(t(lang, "loading"))
    p = view.profile
    return ft.Column(
        [
            ft.Row(
                [
                    button(t(lang, "back"), lambda _: scene.back(), "look-cancel", primary=False),
                    tagged(
                        ft.Text(
                            t(lang, "look_title", name=f"{p.first_name} {p.last_name}"),
                            size=24,
                            weight=ft.FontWeight.BOLD,
                        ),
                        "look-title",
                    ),
                ],
                wrap=True,
            ),
            ft.ResponsiveRow(
                [
                    _panel(
                        t(lang, "look_items_title"),
                        products(state),
                        "look-products",
                        7,
                    ),
                    _panel(
                        t(lang, "look_words_title"),
                        _message(state),
                        "look-message",
                        5,
                    ),
                ],
                spacing=12,
                run_spacing=12,
                vertical_alignment=ft.CrossAxisAlignment.START,
            ),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
