"""The store's appointments: a day at a time (back a week, on as far as one may book), each
appointment as a card (its time, kind, the customer, with whom; cancel asked twice), and the
booking panel for the customer being served (kind, with whom, the free times as buttons: no
typing of a time). Also the rows of the home scene's "Today" card."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

import flet as ft

from app.contracts.clienteling import AppointmentOut
from app.domain.appointments import NOTE_MAX
from app.tablet.i18n import LOCAL, t
from app.tablet.state.appointments import KINDS
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import MUTED, TOUCH, button, person_line, tagged

KIND_ICONS = {
    "styling": ft.Icons.CHECKROOM,
    "alteration": ft.Icons.CONTENT_CUT,
    "pickup": ft.Icons.SHOPPING_BAG,
}


def _hm(at: datetime) -> str:
    return at.astimezone(LOCAL).strftime("%H:%M")


def _chip(text: str, selected: bool, action: Callable[[], None], ident: str) -> ft.Control:
    return tagged(
        ft.Chip(label=ft.Text(text), selected=selected, on_select=lambda _: action(), height=TOUCH),
        ident,
    )


def appointment_line(state: Tablet, a: AppointmentOut, identifier: str) -> ft.Control:
    """Time, kind, the customer and with whom; a tap opens the customer."""
    lang = state.lang
    return person_line(
        KIND_ICONS.get(a.kind, ft.Icons.EVENT),
        f"{_hm(a.starts_at)}–{_hm(a.ends_at)} · {a.customer_name}",
        t(
            lang,
            "appointment_with",
            kind=t(lang, f"appointment_kind_{a.kind}"),
            name=a.associate_name,
        ),
        a.note,
        lambda: state.tasks.open_customer(a.customer_id),
        identifier,
    )


def _card(state: Tablet, a: AppointmentOut) -> ft.Control:
    lang, scene = state.lang, state.appointments
    if scene.asked_cancel == a.id:
        actions: list[ft.Control] = [
            ft.Text(t(lang, "appointment_cancel_ask"), color=ft.Colors.RED_800),
            button(
                t(lang, "appointment_cancel_yes"),
                lambda _: scene.cancel(a.id),
                f"appointment-{a.id}-cancel-yes",
            ),
            button(
                t(lang, "appointment_cancel_no"),
                lambda _: scene.ask_cancel(a.id),
                f"appointment-{a.id}-cancel-no",
                primary=False,
            ),
        ]
    else:
        actions = [
            button(
                t(lang, "appointment_cancel"),
                lambda _: scene.ask_cancel(a.id),
                f"appointment-{a.id}-cancel",
                primary=False,
            ),
        ]
    return ft.Container(
        ft.Column(
            [
                appointment_line(state, a, f"appointment-{a.id}"),
                ft.Row(actions, wrap=True, vertical_alignment=ft.CrossAxisAlignment.CENTER),
            ],
            spacing=8,
        ),
        bgcolor=ft.Colors.WHITE,
        border_radius=12,
        padding=12,
    )


def _booking(state: Tablet) -> list[ft.Control]:
    lang, scene = state.lang, state.appointments
    serving = scene.serving
    if not scene.booking or serving is None:
        return []
    me = state.session.who.associate if state.session.who else None
    people = [(me.id, t(lang, "appointment_me"))] if me else []
    people += [(c.id, c.name) for c in scene.colleagues if me is None or c.id != me.id]
    kinds = [
        _chip(
            t(lang, f"appointment_kind_{k}"),
            scene.kind == k,
            partial(scene.set_kind, k),
            f"appointment-kind-{k}",
        )
        for k in KINDS
    ]
    whom = [
        _chip(
            name,
            scene.who == pid,
            partial(scene.set_with, pid),
            f"appointment-with-{pid}",
        )
        for pid, name in people
    ]
    free = scene.free_starts()
    times: list[ft.Control] = [
        _chip(
            _hm(at),
            scene.start == at,
            partial(scene.pick, at),
            f"appointment-at-{_hm(at).replace(':', '')}",
        )
        for at in free
    ] or [tagged(ft.Text(t(lang, "appointment_no_time"), color=MUTED), "appointment-no-time")]
    note = ft.TextField(
        label=t(lang, "appointment_note"),
        value=scene.note,
        max_length=NOTE_MAX,
        multiline=True,
        min_lines=1,
        max_lines=3,
    )
    return [
        tagged(
            ft.Container(
                ft.Column(
                    [
                        ft.Text(
                            t(lang, "appointment_for", name=serving[1]),
                            size=17,
                            weight=ft.FontWeight.BOLD,
                        ),
                        ft.Row(kinds, wrap=True, spacing=8),
                        ft.Text(t(lang, "appointment_with_whom"), color=MUTED),
                        ft.Row(whom, wrap=True, spacing=8),
                        ft.Text(t(lang, "appointment_free_times"), color=MUTED),
                        ft.Row(times, wrap=True, spacing=6, run_spacing=6),
                        note,
                        ft.Row(
                            [
                                button(
                                    t(lang, "appointment_save"),
                                    lambda _: scene.book(note.value or ""),
                                    "appointment-save",
                                ),
                                button(
                                    t(lang, "appointment_close"),
                                    lambda _: scene.stop_booking(),
                                    "appointment-close",
                                    primary=False,
                                ),
                            ],
                            wrap=True,
                        ),
                    ],
                    spacing=10,
                ),
                bgcolor=ft.Colors.WHITE,
                border_radius=12,
                padding=14,
            ),
            "appointment-panel",
        )
    ]


def _day_words(state: Tablet) -> str:
    lang, day = state.lang, state.appointments.shown_day
    today = state.session.today()
    name = t(lang, "appointment_today") if day == today else t(lang, f"weekday_{day.weekday()}")
    return f"{name} {day:%d.%m.%Y}"


def build(state: Tablet) -> ft.Control:
    lang, scene = state.lang, state.appointments
    day_nav = ft.Row(
        [
            tagged(
                ft.IconButton(
                    ft.Icons.CHEVRON_LEFT,
                    on_click=lambda _: scene.go_day(-1),
                    disabled=not scene.can_go_back,
                    tooltip=t(lang, "appointment_day_before"),
                    width=TOUCH,
                    height=TOUCH,
                ),
                "appointment-day-before",
            ),
            tagged(
                ft.Text(_day_words(state), size=18, weight=ft.FontWeight.W_600), "appointment-day"
            ),
            tagged(
                ft.IconButton(
                    ft.Icons.CHEVRON_RIGHT,
                    on_click=lambda _: scene.go_day(1),
                    disabled=not scene.can_go_on,
                    tooltip=t(lang, "appointment_day_after"),
                    width=TOUCH,
                    height=TOUCH,
                ),
                "appointment-day-after",
            ),
            button(
                t(lang, "appointment_today"),
                lambda _: scene.load(None),
                "appointment-today",
                primary=False,
            ),
        ],
        wrap=True,
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )
    body: list[ft.Control] = [
        ft.Row(
            [
                button(t(lang, "back"), lambda _: state.go_home(), "back", primary=False),
                ft.Text(t(lang, "appointments_title"), size=22, weight=ft.FontWeight.BOLD),
                button(
                    t(lang, "nav_tasks"),
                    lambda _: state.tasks.show(),
                    "appointments-to-tasks",
                    primary=False,
                ),
            ],
            wrap=True,
        ),
        day_nav,
        *_booking(state),
    ]
    cards = [_card(state, a) for a in scene.items]
    body += cards or [
        tagged(ft.Text(t(lang, "appointments_empty"), color=MUTED), "appointments-empty")
    ]
    return ft.Column(body, spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
