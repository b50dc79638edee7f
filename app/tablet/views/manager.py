"""Scene 8, the store's day for its manager: endless-aisle sales by associate, shelf-QR scans
and what they turned into, coupon redemptions, as charts, for a day, a week or a month
ending on the chosen day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import flet as ft
import flet_charts as fch

from app.contracts.reports import StoreReport
from app.tablet.i18n import money, t
from app.tablet.state.manager import PERIODS
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, notice_bar, tagged

BAR = "#3d5a80"
ACCENT = "#ee6c4d"
CHART_HEIGHT = 240


_PICKER_OPEN = "_reyon_date_picker_open"  # on the page: its report date picker is open


def _tile(label: str, value: str, sub: str, identifier: str) -> ft.Control:
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


def _short(text: str, limit: int = 12) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _person(name: str) -> str:
    """ "Demo S." for "Demo Satış Danışmanı": short under a bar, and two Demos stay apart."""
    first, _, rest = name.partition(" ")
    return f"{_short(first, 10)} {rest[0]}." if rest else _short(first)


def _bars(values: list[tuple[str, float, str]], colour: str) -> ft.Control:
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


def _panel(title: str, chart: ft.Control, caption: str, identifier: str) -> ft.Control:
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


def _empty_chart(lang: str) -> ft.Control:
    return ft.Container(
        ft.Text(t(lang, "report_nothing"), color=ft.Colors.GREY_600),
        height=CHART_HEIGHT,
        alignment=ft.Alignment.CENTER,
    )


def _report(lang: str, r: StoreReport) -> list[ft.Control]:
    first_names = [(_person(a.name), a) for a in r.by_associate[:8]]
    sales = (
        _bars(
            [
                (n, a.revenue_kurus / 100, f"{a.name}: {money(a.revenue_kurus)}")
                for n, a in first_names
            ],
            BAR,
        )
        if first_names
        else _empty_chart(lang)
    )
    sales_caption = "; ".join(
        f"{a.name}: {money(a.revenue_kurus)} ({a.orders})" for a in r.by_associate[:8]
    ) or t(lang, "report_nothing")
    day_label = "%d.%m" if len(r.days) > 1 else "%d.%m.%Y"
    days = (
        _bars(
            [
                (d.day.strftime(day_label), d.shelf_scans, f"{d.day:%d.%m}: {d.shelf_scans}")
                for d in r.days
            ],
            ACCENT,
        )
        if r.shelf_scans
        else _empty_chart(lang)
    )
    scans_caption = t(
        lang,
        "report_scans_caption",
        scans=r.shelf_scans,
        visitors=r.shelf_scan_visitors,
        converted=r.shelf_conversions,
    )
    campaigns = (
        _bars(
            [
                (_short(c.campaign), c.redemptions, f"{c.campaign}: {c.redemptions}")
                for c in r.by_campaign[:8]
            ],
            BAR,
        )
        if r.by_campaign
        else _empty_chart(lang)
    )
    campaigns_caption = "; ".join(
        f"{c.campaign}: {c.redemptions} · {money(c.discount_kurus)}" for c in r.by_campaign[:8]
    ) or t(lang, "report_nothing")
    conversion = (
        f"{100 * r.shelf_conversions / r.shelf_scans:.0f}%".replace(".", ",")
        if r.shelf_scans
        else "–"
    )
    return [
        ft.ResponsiveRow(
            [
                _tile(
                    t(lang, "report_endless_aisle"),
                    money(r.endless_aisle_revenue_kurus),
                    t(lang, "report_orders_n", n=r.endless_aisle_orders),
                    "kpi-endless-aisle",
                ),
                _tile(
                    t(lang, "report_shelf_scans"),
                    str(r.shelf_scans),
                    t(lang, "report_converted", rate=conversion),
                    "kpi-shelf-scans",
                ),
                _tile(
                    t(lang, "report_redemptions"),
                    str(r.redemptions),
                    t(lang, "report_discount", amount=money(r.redemption_discount_kurus)),
                    "kpi-redemptions",
                ),
                _tile(
                    t(lang, "report_cross_channel"),
                    str(r.cross_channel_customers),
                    t(lang, "report_cross_channel_sub"),
                    "kpi-cross-channel",
                ),
            ],
            spacing=12,
        ),
        ft.ResponsiveRow(
            [
                _panel(t(lang, "report_by_associate"), sales, sales_caption, "chart-associates"),
                _panel(t(lang, "report_scans_by_day"), days, scans_caption, "chart-scans"),
                _panel(
                    t(lang, "report_by_campaign"), campaigns, campaigns_caption, "chart-campaigns"
                ),
            ],
            spacing=12,
            run_spacing=12,
        ),
    ]


def _period(state: Tablet, days: int) -> Callable[[object], None]:
    return lambda _: state.manager.report_period(days)


def build(state: Tablet) -> ft.Control:
    lang, m = state.lang, state.manager
    shown = m.last_day or state.session.today()

    def picked(e: ft.Event[ft.DatePicker]) -> None:
        value = e.control.value
        if isinstance(value, datetime):
            state.manager.report_day(value.date())
        elif isinstance(value, date):
            state.manager.report_day(value)

    def open_picker(e: ft.Event[ft.Button]) -> None:
        # One picker at a time: six quick taps opened six, one over the other, and each
        # needed its own Cancel (found by the random-walk browser test).
        page = e.page
        if getattr(page, _PICKER_OPEN, False):
            return
        setattr(page, _PICKER_OPEN, True)

        def closed(_: object) -> None:
            setattr(page, _PICKER_OPEN, False)

        def chosen(ev: ft.Event[ft.DatePicker]) -> None:
            closed(ev)
            picked(ev)

        page.show_dialog(
            ft.DatePicker(
                value=datetime(shown.year, shown.month, shown.day),
                first_date=datetime(shown.year - 3, 1, 1),
                last_date=datetime.combine(state.session.today(), datetime.min.time()),
                on_change=chosen,
                on_dismiss=closed,  # cancelled, or a tap outside it
            )
        )

    first = shown.toordinal() - m.period + 1
    window = (
        shown.strftime("%d.%m.%Y")
        if m.period == 1
        else f"{date.fromordinal(first):%d.%m.%Y} – {shown:%d.%m.%Y}"
    )
    controls = ft.Row(
        [
            button(t(lang, "back"), lambda _: state.go_home(), "back", primary=False),
            tagged(
                ft.IconButton(
                    ft.Icons.CHEVRON_LEFT,
                    on_click=lambda _: state.manager.report_step(-1),
                    tooltip=t(lang, "report_earlier"),
                    width=TOUCH,
                    height=TOUCH,
                ),
                "report-earlier",
            ),
            tagged(
                ft.Button(
                    window,
                    icon=ft.Icons.CALENDAR_MONTH,
                    on_click=open_picker,
                    height=TOUCH,
                ),
                "report-date",
            ),
            tagged(
                ft.IconButton(
                    ft.Icons.CHEVRON_RIGHT,
                    on_click=lambda _: state.manager.report_step(1),
                    tooltip=t(lang, "report_later"),
                    disabled=shown >= state.session.today(),
                    width=TOUCH,
                    height=TOUCH,
                ),
                "report-later",
            ),
            *(
                button(
                    t(lang, f"period_{p}"), _period(state, p), f"period-{p}", primary=p == m.period
                )
                for p in PERIODS
            ),
        ],
        wrap=True,
    )
    body: list[ft.Control] = [
        ft.Row(
            [
                ft.Text(t(lang, "manager_title"), size=22, weight=ft.FontWeight.BOLD),
                button(t(lang, "team"), lambda _: state.team.show(), "team", primary=False),
            ],
            alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
            wrap=True,
        ),
        controls,
    ]
    if m.error:
        body.append(notice_bar(f"{t(lang, m.error)} {m.error_detail}".strip(), True))
    if m.report is not None:
        body += _report(lang, m.report)
    return ft.Column(body, spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
