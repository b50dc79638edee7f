"""Scene 8, the store's day for its manager: endless-aisle sales by associate, shelf-QR scans
and what they turned into, coupon redemptions, as charts, for a day, a week or a month
ending on the chosen day; then pickups ready on time and returns by reason
(manager_store_side.py). The tiles and charts are report_parts.py's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import flet as ft

from app.contracts.reports import StoreReport
from app.tablet.i18n import money, t
from app.tablet.state.manager import PERIODS
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import TOUCH, button, notice_bar, tagged
from app.tablet.views.manager_clienteling import clienteling_row
from app.tablet.views.manager_store_side import store_side_row
from app.tablet.views.report_parts import ACCENT, BAR, bars, empty_chart, panel, person, short, tile

_PICKER_OPEN = "_reyon_date_picker_open"  # on the page: its report date picker is open


def _report(lang: str, r: StoreReport) -> list[ft.Control]:
    first_names = [(person(a.name), a) for a in r.by_associate[:8]]
    sales = (
        bars(
            [
                (n, a.revenue_kurus / 100, f"{a.name}: {money(a.revenue_kurus)}")
                for n, a in first_names
            ],
            BAR,
        )
        if first_names
        else empty_chart(lang)
    )
    sales_caption = "; ".join(
        f"{a.name}: {money(a.revenue_kurus)} ({a.orders})" for a in r.by_associate[:8]
    ) or t(lang, "report_nothing")
    day_label = "%d.%m" if len(r.days) > 1 else "%d.%m.%Y"
    days = (
        bars(
            [
                (d.day.strftime(day_label), d.shelf_scans, f"{d.day:%d.%m}: {d.shelf_scans}")
                for d in r.days
            ],
            ACCENT,
        )
        if r.shelf_scans
        else empty_chart(lang)
    )
    scans_caption = t(
        lang,
        "report_scans_caption",
        scans=r.shelf_scans,
        visitors=r.shelf_scan_visitors,
        converted=r.shelf_conversions,
    )
    campaigns = (
        bars(
            [
                (short(c.campaign), c.redemptions, f"{c.campaign}: {c.redemptions}")
                for c in r.by_campaign[:8]
            ],
            BAR,
        )
        if r.by_campaign
        else empty_chart(lang)
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
                tile(
                    t(lang, "report_endless_aisle"),
                    money(r.endless_aisle_revenue_kurus),
                    t(lang, "report_orders_n", n=r.endless_aisle_orders),
                    "kpi-endless-aisle",
                ),
                tile(
                    t(lang, "report_shelf_scans"),
                    str(r.shelf_scans),
                    t(lang, "report_converted", rate=conversion),
                    "kpi-shelf-scans",
                ),
                tile(
                    t(lang, "report_redemptions"),
                    str(r.redemptions),
                    t(lang, "report_discount", amount=money(r.redemption_discount_kurus)),
                    "kpi-redemptions",
                ),
                tile(
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
                panel(t(lang, "report_by_associate"), sales, sales_caption, "chart-associates"),
                panel(t(lang, "report_scans_by_day"), days, scans_caption, "chart-scans"),
                panel(
                    t(lang, "report_by_campaign"), campaigns, campaigns_caption, "chart-campaigns"
                ),
            ],
            spacing=12,
            run_spacing=12,
        ),
        store_side_row(lang, r),
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
        body.append(clienteling_row(lang, m.report.outreach, m.team_tasks))
    return ft.Column(body, spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
