"""The building blocks of the manager's report: a figure tile, a bar chart with its caption
in words, and what a chart shows when the window holds nothing."""

from __future__ import annotations

import flet as ft
import flet_charts as fch

from app.tablet.i18n import t
from app.tablet.views.common import tagged

BAR = "#3d5a80"
ACCENT = "#ee6c4d"
CHART_HEIGHT = 240


def tile(label: str, value: str, sub: str, identifier: str) -> ft.Control:
    # `col` on the outermost control: a ResponsiveRow reads it from its direct children.
    return ft.Container(
        tagged(
            ft.Container(
                ft.Column(
                    [
                        ft.Text(label, color=ft.Colors.GREY_700),
                        ft.Text(value, size=24, weight=ft.FontWeight.BOLD),
                        ft.Text(sub, color=ft.Colors.GREY_700, size=13),
                    ],
                    spacing=2,
                ),
                bgcolor=ft.Colors.WHITE,
                padding=12,
                border_radius=10,
            ),
            identifier,
        ),
        col={"xs": 6, "lg": 3},
    )


def short(text: str, limit: int = 12) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def person(name: str) -> str:
    """ "Demo S." for "Demo Satış Danışmanı": short under a bar, and two Demos stay apart."""
    first, _, rest = name.partition(" ")
    return f"{short(first, 10)} {rest[0]}." if rest else short(first)


def bars(values: list[tuple[str, float, str]], colour: str) -> ft.Control:
    """A bar chart of (label, value, tooltip); labels under the bars, thinned out when there
    are many (a month of days) so they never run into each other."""
    top = max((v for _, v, _ in values), default=0.0)
    every = max(1, len(values) // 8)
    width = max(4, min(22, 240 // max(1, len(values))))
    return fch.BarChart(
        groups=[
            fch.BarChartGroup(
                x=i,
                rods=[
                    fch.BarChartRod(
                        from_y=0,
                        to_y=value,
                        width=width,
                        color=colour,
                        border_radius=4,
                        tooltip=tip,
                    )
                ],
            )
            for i, (_, value, tip) in enumerate(values)
        ],
        bottom_axis=fch.ChartAxis(
            labels=[
                fch.ChartAxisLabel(value=i, label=ft.Text(label, size=11))
                for i, (label, _, _) in enumerate(values)
                if i % every == 0
            ],
            label_size=28,
        ),
        left_axis=fch.ChartAxis(label_size=44, show_max=False),
        horizontal_grid_lines=fch.ChartGridLines(color=ft.Colors.GREY_300, width=1),
        max_y=top * 1.15 if top else 1,
        height=CHART_HEIGHT,
        expand=True,
        interactive=True,
    )


def panel(title: str, chart: ft.Control, caption: str, identifier: str) -> ft.Control:
    return ft.Container(
        ft.Column(
            [
                ft.Text(title, size=16, weight=ft.FontWeight.BOLD),
                chart,
                # What the chart says, in words: for screen readers and for the tests.
                tagged(ft.Text(caption, color=ft.Colors.GREY_800), identifier),
            ],
            spacing=8,
        ),
        bgcolor=ft.Colors.WHITE,
        padding=12,
        border_radius=10,
        col={"xs": 12, "lg": 4},
    )


def empty_chart(lang: str) -> ft.Control:
    return ft.Container(
        ft.Text(t(lang, "report_nothing"), color=ft.Colors.GREY_600),
        height=CHART_HEIGHT,
        alignment=ft.Alignment.CENTER,
    )
