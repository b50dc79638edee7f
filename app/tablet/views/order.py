"""One order: its lines, where each ships from, and its status history."""

from __future__ import annotations

import flet as ft

from app.tablet.i18n import local_time, money, t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import button, tagged


def build(state: Tablet) -> ft.Control:
    lang, o = state.lang, state.order.order
    top = button(t(lang, "back"), lambda _: state.order.back(), "back", primary=False)
    if o is None:
        return ft.Column([top])
    lines = [
        ft.Text(
            f"{line.name_tr if lang == 'tr' else line.name_en} · {line.size} · {line.colour}"
            f" · {line.quantity} · {money(line.line_total_kurus)} · {line.source_location_code}"
        )
        for line in o.lines
    ]
    history = [ft.Text(f"{local_time(h.at)} · {h.status}") for h in o.history]
    return ft.Column(
        [
            top,
            tagged(ft.Text(o.number, size=24, weight=ft.FontWeight.BOLD), "order-number"),
            *lines,
            *history,
        ],
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
