"""Scene 9, settings: the central API's address (checked before it is used), the language,
this tablet's device id, and which versions run here and on the server."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app import __version__
from app.tablet.i18n import LANGUAGES, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, notice_bar, tagged


def _row(label: str, value: str, identifier: str) -> ft.Control:
    return ft.Row(
        [
            ft.Text(label, width=200, color=ft.Colors.GREY_700),
            tagged(ft.Text(value, expand=True), identifier),
        ]
    )


def _language(state: Tablet, code: str) -> Callable[[object], None]:
    return lambda _: state.set_language(code)


def build(state: Tablet) -> ft.Control:
    lang, s = state.lang, state.settings
    api_field = ft.TextField(
        label=t(lang, "api_address"),
        value=s.api_url,
        on_submit=lambda e: state.settings.apply_api_url(e.control.value or ""),
        keyboard_type=ft.KeyboardType.URL,
        height=TOUCH + 8,
        expand=True,
    )
    if s.error:
        status = notice_bar(t(lang, "api_" + s.error), True)
    elif s.health is not None:
        key = "api_saved" if s.saved else "api_ok"
        status = notice_bar(
            t(lang, key, version=s.health.version, database=s.health.database), False
        )
    else:
        status = ft.Container(height=0)
    languages = ft.Row(
        [
            button(
                t(lang, "language_" + code),
                _language(state, code),
                f"lang-{code}",
                primary=code == lang,
            )
            for code in LANGUAGES
        ]
    )
    return ft.Column(
        [
            ft.Row([button(t(lang, "back"), lambda _: state.go_home(), "back", primary=False)]),
            ft.Text(t(lang, "settings"), size=22, weight=ft.FontWeight.BOLD),
            ft.Text(t(lang, "api_address"), size=16, weight=ft.FontWeight.W_600),
            ft.Row(
                [
                    api_field,
                    button(
                        t(lang, "api_save"),
                        lambda _: state.settings.apply_api_url(api_field.value or ""),
                        "api-save",
                    ),
                ]
            ),
            tagged(status, "api-status"),
            ft.Text(t(lang, "language_title"), size=16, weight=ft.FontWeight.W_600),
            languages,
            ft.Text(t(lang, "about"), size=16, weight=ft.FontWeight.W_600),
            _row(t(lang, "api_in_use"), state.settings.api_in_use, "api-in-use"),
            _row(t(lang, "device_id"), state.session.device_id, "device-id"),
            _row(t(lang, "app_version"), __version__, "app-version"),
            _row(
                t(lang, "server_version"),
                s.health.version if s.health is not None else "–",
                "server-version",
            ),
            ft.Text(t(lang, "about_text"), color=ft.Colors.GREY_700),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
