"""The home scene's "Today" card: the associate's tasks due today and overdue, then the
store's appointments of the day; a tap on a line opens the customer."""

from __future__ import annotations

import flet as ft

from app.tablet.i18n import t
from app.tablet.state.tablet import Tablet
from app.tablet.views.appointments import appointment_line
from app.tablet.views.common import MUTED, button, tagged
from app.tablet.views.tasks import task_line


def today_card(state: Tablet) -> ft.Control:
    """The home scene's card: up to five of today's and overdue tasks, with their count."""
    lang, scene = state.lang, state.tasks
    rows = [task_line(state, x, f"today-{x.id}") for x in scene.home_rows]
    badge = tagged(
        ft.Container(
            ft.Text(str(scene.today_count), color=ft.Colors.WHITE, weight=ft.FontWeight.BOLD),
            bgcolor=ft.Colors.RED_700 if scene.today_count else ft.Colors.GREY_500,
            border_radius=14,
            padding=ft.Padding.symmetric(horizontal=10, vertical=2),
        ),
        "today-count",
    )
    return tagged(
        ft.Container(
            ft.Column(
                [
                    ft.Row(
                        [
                            ft.Icon(ft.Icons.CHECKLIST, color=ft.Colors.BROWN_700),
                            ft.Text(t(lang, "home_today"), size=18, weight=ft.FontWeight.W_600),
                            badge,
                            button(
                                t(lang, "home_all_tasks"),
                                lambda _: scene.show(),
                                "today-all",
                                primary=False,
                            ),
                        ],
                        wrap=True,
                    ),
                    # In a Row: the card spans the scene even with nothing in it.
                    *(rows or [ft.Row([ft.Text(t(lang, "home_today_empty"), color=MUTED)])]),
                    *_appointments_today(state),
                ],
                spacing=6,
            ),
            bgcolor=ft.Colors.WHITE,
            border_radius=12,
            padding=14,
        ),
        "today-card",
    )


def _appointments_today(state: Tablet) -> list[ft.Control]:
    """Under the tasks: today's appointments at the store, earliest first."""
    lang, scene = state.lang, state.appointments
    rows = [appointment_line(state, a, f"today-appointment-{a.id}") for a in scene.home_rows]
    return [
        ft.Divider(height=8),
        ft.Row(
            [
                ft.Icon(ft.Icons.EVENT, color=ft.Colors.BROWN_700),
                ft.Text(t(lang, "home_appointments"), size=16, weight=ft.FontWeight.W_600),
                tagged(
                    ft.Text(str(len(scene.today_items)), weight=ft.FontWeight.BOLD),
                    "today-appointments-count",
                ),
                button(
                    t(lang, "nav_appointments"),
                    lambda _: scene.show(),
                    "today-appointments",
                    primary=False,
                ),
            ],
            wrap=True,
        ),
        *(rows or [ft.Row([ft.Text(t(lang, "appointments_empty"), color=MUTED)])]),
    ]
