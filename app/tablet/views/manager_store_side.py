"""The store side of the manager's report: click & collect pickups made ready by the day the
customer was promised, and the returns taken back here, by reason."""

from __future__ import annotations

import flet as ft

from app.contracts.reports import StoreReport
from app.tablet.i18n import count, items, money, t
from app.tablet.views.report_parts import ACCENT, bars, empty_chart, panel, tile


def percent(share: float | None) -> str:
    """0.8 -> "80%", as the shelf-scan tile writes its rate; a dash when there is none."""
    return "–" if share is None else f"{100 * share:.0f}%"


def store_side_row(lang: str, r: StoreReport) -> ft.Control:
    reasons = r.returns_by_reason
    by_reason = (
        bars(
            [
                (
                    t(lang, f"return_reason_{x.reason}"),
                    x.units,
                    f"{t(lang, f'return_reason_{x.reason}')}: {money(x.refund_kurus)}",
                )
                for x in reasons
            ],
            ACCENT,
        )
        if reasons
        else empty_chart(lang)
    )
    caption = "; ".join(
        f"{t(lang, f'return_reason_{x.reason}')}: {items(lang, x.units)} · {money(x.refund_kurus)}"
        for x in reasons
    ) or t(lang, "report_nothing")
    return ft.ResponsiveRow(
        [
            tile(
                t(lang, "report_pickups_on_time"),
                percent(r.pickups_on_time_share),
                t(
                    lang,
                    "report_pickups_on_time_sub",
                    on_time=count(lang, r.pickups_on_time),
                    ready=count(lang, r.pickups_ready),
                ),
                "kpi-pickups-on-time",
            ),
            tile(
                t(lang, "report_returns"),
                count(lang, r.returned_units),
                t(
                    lang,
                    "report_returns_sub",
                    n=count(lang, r.returns_taken),
                    amount=money(r.return_refund_kurus),
                ),
                "kpi-returns",
            ),
            panel(t(lang, "report_returns_by_reason"), by_reason, caption, "chart-return-reasons"),
        ],
        spacing=12,
        run_spacing=12,
    )
