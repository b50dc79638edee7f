"""The customer scene's looks: what was sent them (when, how, how many products) and what became
of it (sent, opened, clicked), with those still waiting on this tablet first."""

from __future__ import annotations

import flet as ft

from app.contracts.customers import CustomerView
from app.contracts.looks import LookOut
from app.tablet.i18n import items, local_time, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, tagged
from app.tablet.views.customer.parts import small
from app.tablet.views.order import chip

ICONS = {
    "email": ft.Icons.MAIL_OUTLINE,
    "sms": ft.Icons.SMS_OUTLINED,
    "whatsapp": ft.Icons.CHAT_OUTLINED,
}
# (background, text) of what became of a look: on its way warm, reached green, lost red.
COLOURS = {
    "queued": (ft.Colors.AMBER_50, ft.Colors.AMBER_900),
    "sending": (ft.Colors.AMBER_50, ft.Colors.AMBER_900),
    "waiting": (ft.Colors.AMBER_50, ft.Colors.AMBER_900),
    "sent": (ft.Colors.BLUE_50, ft.Colors.BLUE_900),
    "handed": (ft.Colors.BLUE_50, ft.Colors.BLUE_900),
    "opened": (ft.Colors.GREEN_50, ft.Colors.GREEN_900),
    "clicked": (ft.Colors.GREEN_100, ft.Colors.GREEN_900),
    "blocked": (ft.Colors.RED_50, ft.Colors.RED_900),
    "failed": (ft.Colors.RED_50, ft.Colors.RED_900),
}


def _status(lang: str, status: str) -> ft.Control:
    bg, fg = COLOURS.get(status, (ft.Colors.GREY_200, ft.Colors.GREY_900))
    return chip(t(lang, "look_status_" + status), bg, fg)


def _row(state: Tablet, look: LookOut) -> ft.Control:
    lang = state.lang
    status = state.look.look_status(look)
    what = t(
        lang,
        "look_row",
        date=local_time(look.created_at),
        channel=t(lang, "look_channel_" + look.channel),
        items=items(lang, len(look.items)),
    )
    extra: list[ft.Control] = []
    if look.whatsapp_url:
        url = look.whatsapp_url

        async def open_whatsapp(_: object) -> None:
            await ft.UrlLauncher().launch_url(url)

        extra.append(
            tagged(
                ft.IconButton(
                    ft.Icons.OPEN_IN_NEW,
                    tooltip=t(lang, "look_open_whatsapp"),
                    on_click=open_whatsapp,
                    width=TOUCH,
                    height=TOUCH,
                ),
                f"look-{look.id}-whatsapp",
            )
        )
    return tagged(
        ft.Row(
            [
                ft.Icon(ICONS.get(look.channel, ft.Icons.SEND), size=20),
                ft.Column(
                    [
                        ft.Text(what, size=14, weight=ft.FontWeight.W_500),
                        small(t(lang, "look_by", name=look.associate_name)),
                    ],
                    spacing=2,
                    expand=True,
                ),
                _status(lang, status),
                *extra,
            ],
            spacing=8,
        ),
        f"look-{look.id}",
    )


def look_list(state: Tablet, view: CustomerView) -> list[ft.Control]:
    lang = state.lang
    rows: list[ft.Control] = [
        tagged(
            ft.Row(
                [
                    ft.Icon(ft.Icons.SCHEDULE_SEND, size=20),
                    ft.Text(
                        f"{t(lang, 'command_look')}: {w.label}",
                        size=14,
                        expand=True,
                    ),
                    _status(lang, "waiting"),
                ],
                spacing=8,
            ),
            f"look-waiting-{w.id}",
        )
        for w in state.look.queued_looks
    ]
    rows += [_row(state, x) for x in state.look.looks_for(view.profile.id)]
    return rows
