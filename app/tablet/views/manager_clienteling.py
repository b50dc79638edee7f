"""Clienteling on the manager's report (issue 15): per associate, the looks sent in the report's
window and what they brought (opened, clicked, orders and sales credited within 14 days), and
each associate's follow-up tasks now (open, overdue, done on time or late in 30 days)."""

from __future__ import annotations

import flet as ft

from app.contracts.clienteling import AssociateTaskCounts
from app.contracts.looks import OutreachFigures
from app.tablet.i18n import count, money, t
from app.tablet.views.common import tagged

MUTED = ft.Colors.GREY_700


def _table(lang: str, heads: list[str], rows: list[list[str]], identifier: str) -> ft.Control:
    numeric = [i > 0 for i in range(len(heads))]
    table = ft.DataTable(
        columns=[
            ft.DataColumn(label=ft.Text(t(lang, h), weight=ft.FontWeight.W_600), numeric=n)
            for h, n in zip(heads, numeric, strict=True)
        ],
        rows=[ft.DataRow(cells=[ft.DataCell(ft.Text(c)) for c in r]) for r in rows],
        column_spacing=18,
        heading_row_height=44,
        data_row_min_height=44,
    )
    # Scrolls sideways on a portrait tablet rather than squeezing the figures.
    return tagged(ft.Row([table], scroll=ft.ScrollMode.AUTO), identifier)


def _box(title: str, body: ft.Control) -> ft.Control:
    return ft.Container(
        ft.Column([ft.Text(title, size=16, weight=ft.FontWeight.BOLD), body], spacing=8),
        bgcolor=ft.Colors.WHITE,
        padding=12,
        border_radius=12,
        col={"xs": 12, "lg": 6},
    )


def outreach_table(lang: str, figures: list[OutreachFigures]) -> ft.Control:
    if not figures:
        body: ft.Control = tagged(ft.Text(t(lang, "report_outreach_none"), color=MUTED), "outreach-table")  # fmt: skip
    else:
        rows = [
            [
                f.associate_name,
                count(lang, f.sent),
                count(lang, f.opened),
                count(lang, f.clicked),
                count(lang, f.orders_credited),
                money(f.sales_credited_kurus),
            ]
            for f in figures
        ]
        heads = ["report_col_associate", "report_col_sent", "report_col_opened", "report_col_clicked", "report_col_orders", "report_col_sales"]  # fmt: skip
        body = _table(lang, heads, rows, "outreach-table")
    return _box(t(lang, "report_outreach"), body)


def tasks_table(lang: str, team: list[AssociateTaskCounts] | None) -> ft.Control:
    if team is None:
        body: ft.Control = tagged(ft.Text(t(lang, "report_tasks_none"), color=MUTED), "team-tasks-table")  # fmt: skip
    else:
        shown = [c for c in team if c.associate_id is not None or c.open]
        rows = [
            [
                c.name if c.associate_id is not None else t(lang, "task_unheld"),
                count(lang, c.open),
                count(lang, c.overdue),
                count(lang, c.done_on_time),
                count(lang, c.done_late),
            ]
            for c in shown
        ]
        heads = ["report_col_associate", "report_col_open", "report_col_overdue", "report_col_on_time", "report_col_late"]  # fmt: skip
        body = _table(lang, heads, rows, "team-tasks-table")
    return _box(t(lang, "report_tasks"), body)


def clienteling_row(
    lang: str, figures: list[OutreachFigures], team: list[AssociateTaskCounts] | None
) -> ft.Control:
    return ft.ResponsiveRow(
        [outreach_table(lang, figures), tasks_table(lang, team)], spacing=12, run_spacing=12
    )
