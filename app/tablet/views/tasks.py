"""Scene 14, follow-up tasks: three tabs (today and overdue, every open one, overdue), one card
per task (its kind in words, the customer, when it is due) with Done, Snooze (tomorrow or next
week: date buttons, no typing) and Hand over (a colleague of this store); a new task for the
customer being served. Also the home scene's "Today" card."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import flet as ft

from app.contracts.clienteling import TaskOut
from app.tablet.i18n import LOCAL, t
from app.tablet.state.tablet import Tablet
from app.tablet.state.tasks import DUE_CHOICES, NOTE_MAX, SCOPES, SNOOZES
from app.tablet.views.common import MUTED, TOUCH, button, notice_bar, person_line, tagged

KIND_ICONS = {
    "after_purchase": ft.Icons.SHOPPING_BAG,
    "birthday": ft.Icons.CAKE,
    "abandoned_cart": ft.Icons.REMOVE_SHOPPING_CART,
    "back_in_stock": ft.Icons.INVENTORY_2,
    "hold_expiring": ft.Icons.TIMER,
    "lapsed": ft.Icons.HOURGLASS_BOTTOM,
    "manual": ft.Icons.EDIT_NOTE,
}


def _day(d: date) -> str:
    return d.strftime("%d.%m")


def due_words(lang: str, task: TaskOut, today: date) -> str:
    if task.snoozed_until is not None:
        return t(lang, "task_snoozed_until", day=_day(task.snoozed_until))
    if task.overdue:
        return t(lang, "task_overdue", day=_day(task.due))
    if task.due == today:
        return t(lang, "task_due_today")
    return t(lang, "task_due_on", day=_day(task.due))


def task_line(state: Tablet, task: TaskOut, identifier: str) -> ft.Control:
    """Kind, customer and due date; a tap opens the customer."""
    lang = state.lang
    return person_line(
        KIND_ICONS.get(task.kind, ft.Icons.TASK_ALT),
        task.customer_name,
        f"{t(lang, 'task_kind_' + task.kind)} · {due_words(lang, task, state.tasks.today)}",
        task.note,
        lambda: state.tasks.open_customer(task.customer_id),
        identifier,
        ft.Colors.RED_800 if task.overdue else MUTED,
    )


def _snooze(state: Tablet, task_id: int, days: int) -> Callable[[object], None]:
    return lambda _: state.tasks.snooze(task_id, days)


def _hand(state: Tablet, task_id: int, to: int) -> Callable[[object], None]:
    return lambda _: state.tasks.hand_over(task_id, to)


def _panel(state: Tablet, task: TaskOut) -> list[ft.Control]:
    lang, scene = state.lang, state.tasks
    if scene.panel == ("snooze", task.id):
        return [
            ft.Row(
                [
                    button(
                        t(lang, f"task_snooze_{d}", day=_day(scene.day(d))),
                        _snooze(state, task.id, d),
                        f"task-{task.id}-snooze-{d}",
                        primary=False,
                    )
                    for d in SNOOZES
                ],
                wrap=True,
            )
        ]
    if scene.panel == ("hand_over", task.id):
        people = scene.hand_over_choices(task)
        if not people:
            return [ft.Text(t(lang, "task_no_colleague"), color=MUTED)]
        return [
            ft.Text(t(lang, "task_hand_over_to"), color=MUTED),
            ft.Row(
                [
                    button(
                        c.name,
                        _hand(state, task.id, c.id),
                        f"task-{task.id}-to-{c.id}",
                        primary=False,
                    )
                    for c in people
                ],
                wrap=True,
            ),
        ]
    return []


def _card(state: Tablet, task: TaskOut) -> ft.Control:
    lang, scene = state.lang, state.tasks
    actions = ft.Row(
        [
            button(
                t(lang, "task_done_button"), lambda _: scene.done(task.id), f"task-{task.id}-done"
            ),
            button(
                t(lang, "task_snooze_button"),
                lambda _: scene.open_panel("snooze", task.id),
                f"task-{task.id}-snooze",
                primary=False,
            ),
            button(
                t(lang, "task_hand_over_button"),
                lambda _: scene.open_panel("hand_over", task.id),
                f"task-{task.id}-hand-over",
                primary=False,
            ),
        ],
        wrap=True,
    )
    return ft.Container(
        ft.Column(
            [task_line(state, task, f"task-{task.id}"), actions, *_panel(state, task)], spacing=8
        ),
        bgcolor=ft.Colors.WHITE,
        border_radius=12,
        padding=12,
    )


def _new_task(state: Tablet) -> list[ft.Control]:
    lang, scene = state.lang, state.tasks
    serving = scene.serving
    if serving is None:
        return []
    if not scene.adding:
        return [button(t(lang, "task_new", name=serving[1]), lambda _: scene.start_new(), "task-new", primary=False)]  # fmt: skip
    note = ft.TextField(label=t(lang, "task_note"), value=scene.new_note, max_length=NOTE_MAX, multiline=True, min_lines=1, max_lines=3)  # fmt: skip
    dues = [
        tagged(
            ft.Chip(
                label=ft.Text(t(lang, f"task_due_{d}", day=_day(scene.day(d)))),
                selected=scene.new_due == d,
                on_select=lambda _, d=d: scene.set_new_due(d),
                height=TOUCH,
            ),
            f"task-new-due-{d}",
        )
        for d in DUE_CHOICES
    ]
    return [
        tagged(
            ft.Container(
                ft.Column(
                    [
                        ft.Text(
                            t(lang, "task_new", name=serving[1]), size=17, weight=ft.FontWeight.BOLD
                        ),
                        ft.Text(t(lang, "task_new_due"), color=MUTED),
                        ft.Row(dues, wrap=True, spacing=8),
                        note,
                        ft.Row(
                            [
                                button(
                                    t(lang, "task_save"),
                                    lambda _: scene.save_new(note.value or ""),
                                    "task-new-save",
                                ),
                                button(
                                    t(lang, "task_cancel"),
                                    lambda _: scene.cancel_new(),
                                    "task-new-cancel",
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
            "task-new-panel",
        )
    ]


def build(state: Tablet) -> ft.Control:
    lang, scene = state.lang, state.tasks
    tabs = [
        tagged(
            ft.Button(
                t(lang, "tasks_scope_" + s),
                on_click=lambda _, s=s: scene.load(s),
                height=TOUCH,
                style=ft.ButtonStyle(
                    bgcolor="#1d1d1f" if s == scene.scope else ft.Colors.WHITE,
                    color=ft.Colors.WHITE if s == scene.scope else "#1d1d1f",
                    shape=ft.RoundedRectangleBorder(radius=10),
                ),
            ),
            f"tasks-scope-{s}",
        )
        for s in SCOPES
    ]
    body: list[ft.Control] = [
        ft.Row(
            [
                button(t(lang, "back"), lambda _: state.go_home(), "back", primary=False),
                ft.Text(t(lang, "tasks_title"), size=22, weight=ft.FontWeight.BOLD),
                button(
                    t(lang, "nav_client_book"),
                    lambda _: state.client_book.show(),
                    "tasks-to-book",
                    primary=False,
                ),
                button(
                    t(lang, "nav_appointments"),
                    lambda _: state.appointments.show(),
                    "tasks-to-appointments",
                    primary=False,
                ),
            ],
            wrap=True,
        ),
        ft.Row(tabs, wrap=True, spacing=8),
        *_new_task(state),
    ]
    if scene.offline and scene.as_of is not None:
        body.append(notice_bar(t(lang, "tasks_offline", time=scene.as_of.astimezone(LOCAL).strftime("%H:%M")), True))  # fmt: skip
    cards = [_card(state, x) for x in scene.items]
    body += cards or [tagged(ft.Text(t(lang, "tasks_empty"), color=MUTED), "tasks-empty")]
    return ft.Column(body, spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
