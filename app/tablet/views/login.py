"""Scene 1: log in with store, associate code and a PIN pad."""

from __future__ import annotations

import contextlib

import flet as ft

from app.tablet.i18n import t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import BRAND, TOUCH, button, notice_bar, tagged


def build(state: Tablet) -> ft.Control:
    lang, login = state.lang, state.login

    # Log in is offered once the app itself holds a store, a code and four digits: the
    # associate sees it light up, and a tap can never overtake the field's last change
    # (under load a tap on a ready-looking screen was answered "fill in every field").
    go = ft.Button(
        t(lang, "log_in"),
        height=TOUCH,
        style=ft.ButtonStyle(
            bgcolor={ft.ControlState.DISABLED: ft.Colors.GREY_300, ft.ControlState.DEFAULT: BRAND},
            color={
                ft.ControlState.DISABLED: ft.Colors.GREY_700,
                ft.ControlState.DEFAULT: ft.Colors.WHITE,
            },
            shape=ft.RoundedRectangleBorder(radius=10),
            padding=ft.Padding.symmetric(horizontal=20, vertical=12),
        ),
        disabled=not login.complete(),
    )

    def offer_log_in() -> None:
        if go.disabled == (not login.complete()):
            return
        go.disabled = not login.complete()
        with contextlib.suppress(Exception):  # the scene is being redrawn at this moment
            go.update()

    def set_store(e: ft.Event[ft.TextField]) -> None:
        login.store_code = e.control.value or ""
        offer_log_in()

    def set_code(e: ft.Event[ft.TextField]) -> None:
        login.associate_code = e.control.value or ""
        offer_log_in()

    # The PIN pad only redraws the dots: rebuilding the scene on every tap would swap the
    # buttons under a fast finger and lose taps. The dots say how many digits were taken
    # (a screen reader hears it; a browser test waits for it before the next tap).
    dots = ft.Row(spacing=10, height=24)
    pin_dots = ft.Semantics(content=dots, identifier="pin-dots")

    def show_pin() -> None:
        dots.controls = [
            ft.Container(width=16, height=16, border_radius=8, bgcolor=BRAND) for _ in login.pin
        ] or [ft.Text(t(lang, "pin"), size=18, color=ft.Colors.GREY_700)]
        pin_dots.label = t(lang, "pin_entered", n=len(login.pin))

    show_pin()

    store_field = ft.TextField(
        label=t(lang, "store_code"),
        value=login.store_code,
        on_change=set_store,
        capitalization=ft.TextCapitalization.CHARACTERS,
        height=TOUCH + 8,
    )
    code_field = ft.TextField(
        label=t(lang, "associate_code"),
        value=login.associate_code,
        on_change=set_code,
        height=TOUCH + 8,
    )

    def log_in(_: object) -> None:
        # Read the fields as they are now: a fast tap on Log in can arrive before the last
        # change event of a field has been handled.
        login.store_code = store_field.value or login.store_code
        login.associate_code = code_field.value or login.associate_code
        state.login.log_in()

    go.on_click = log_in

    error_bar = notice_bar(t(lang, login.error) if login.error else None, True)

    def digit(d: str) -> ft.Control:
        def press(_: object) -> None:
            login.press_digit(d)
            show_pin()
            pin_dots.update()
            offer_log_in()
            if error_bar.visible:  # typing again: the old message no longer applies
                error_bar.visible = False
                error_bar.update()

        return tagged(
            ft.Button(
                d,
                on_click=press,
                width=88,
                height=64,
                style=ft.ButtonStyle(
                    shape=ft.RoundedRectangleBorder(radius=12), text_style=ft.TextStyle(size=24)
                ),
            ),
            f"pin-{d}",
        )

    def clear(_: object) -> None:
        login.clear_pin()
        show_pin()
        pin_dots.update()
        offer_log_in()

    pad = ft.Column(
        [
            ft.Row([digit(d) for d in "123"], alignment=ft.MainAxisAlignment.CENTER),
            ft.Row([digit(d) for d in "456"], alignment=ft.MainAxisAlignment.CENTER),
            ft.Row([digit(d) for d in "789"], alignment=ft.MainAxisAlignment.CENTER),
            ft.Row(
                [
                    tagged(
                        ft.Button(t(lang, "clear"), on_click=clear, width=88, height=64),
                        "pin-clear",
                    ),
                    digit("0"),
                    ft.Container(width=88, height=64),
                ],
                alignment=ft.MainAxisAlignment.CENTER,
            ),
        ],
        spacing=10,
    )
    return ft.Container(
        ft.Column(
            [
                ft.Text(t(lang, "app_title"), size=36, weight=ft.FontWeight.BOLD),
                # Text fields are found by their label (role textbox): wrapped in Semantics,
                # Flutter's web input would no longer take typed text from the browser.
                store_field,
                code_field,
                pin_dots,
                pad,
                error_bar,
                *(
                    [
                        button(
                            t(lang, "enrol_again"),
                            lambda _: state.enrolment.start(),
                            "enrol-again",
                            primary=False,
                        )
                    ]
                    if login.error == "device_not_enrolled"
                    else []
                ),
                tagged(go, "log-in"),
                ft.Row(
                    [
                        ft.TextButton(
                            t(lang, "language"),
                            on_click=lambda _: state.set_language("en" if lang == "tr" else "tr"),
                            height=TOUCH,
                        ),
                        tagged(
                            ft.TextButton(
                                t(lang, "settings"),
                                icon=ft.Icons.SETTINGS,
                                on_click=lambda _: state.settings.show(),
                                height=TOUCH,
                            ),
                            "login-settings",
                        ),
                    ],
                    alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
                ),
            ],
            width=420,
            spacing=14,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        ),
        alignment=ft.Alignment.TOP_CENTER,
        padding=24,
        expand=True,
    )
