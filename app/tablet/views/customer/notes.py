"""The customer scene's notes from the store team and the field to add one."""

from __future__ import annotations

import flet as ft

from app.contracts.customers import CustomerView
from app.tablet.i18n import chars_left, local_date, t
from app.tablet.state.customer import NOTE_MAX
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import button
from app.tablet.views.customer.parts import small
from app.tablet.views.order import MUTED


def note_list(state: Tablet, view: CustomerView) -> list[ft.Control]:
    lang, scene = state.lang, state.customer
    rows: list[ft.Control] = [
        ft.Container(
            ft.Column(
                [
                    ft.Text(n.body, size=14, selectable=False),
                    small(
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
