"""Before the first log-in: enrol this tablet in its store with the manager's one-time code."""

from __future__ import annotations

import flet as ft

from app.tablet.i18n import t
from app.tablet.state.enrolment import CODE_MAX
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, notice_bar


def build(state: Tablet) -> ft.Control:
    lang, enrolment = state.lang, state.enrolment
    code_field = ft.TextField(
        label=t(lang, "enrol_code"),
        value=enrolment.code,
        max_length=CODE_MAX,
        capitalization=ft.TextCapitalization.CHARACTERS,
        height=TOUCH + 24,
        autofocus=True,
    )
    name_field = ft.TextField(
        label=t(lang, "enrol_name"), value=enrolment.name, max_length=80, height=TOUCH + 24
    )

    def enrol(_: object) -> None:
        # The fields as they are now: a scanner types the code and Enter at once.
        enrolment.code = code_field.value or ""
        enrolment.name = name_field.value or ""
        state.enrolment.enrol()

    code_field.on_submit = enrol
    return ft.Container(
        ft.Column(
            [
                ft.Text(t(lang, "enrol_title"), size=28, weight=ft.FontWeight.BOLD),
                ft.Text(t(lang, "enrol_help"), size=16),
                code_field,
                name_field,
                notice_bar(t(lang, enrolment.error) if enrolment.error else None, True),
                button(t(lang, "enrol_button"), enrol, "enrol"),
                ft.TextButton(
                    t(lang, "language"),
                    on_click=lambda _: state.set_language("en" if lang == "tr" else "tr"),
                    height=TOUCH,
                ),
            ],
            width=480,
            spacing=14,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        ),
        alignment=ft.Alignment.TOP_CENTER,
        padding=24,
        expand=True,
    )
