"""Scene 8, the manager's view of the store: a window of local days (one day, a week or a
month ending on the chosen day) and the report for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.contracts.reports import StoreReport
from app.tablet.client import ApiProblem, ReyonClient

PERIODS = (1, 7, 30)  # days


@dataclass
class ManagerState:
    last_day: date | None = None  # None: today, whatever day that is when the view opens
    period: int = 1
    report: StoreReport | None = None
    error: str | None = None  # i18n key
    error_detail: str = ""

    def load(self, client: ReyonClient, today: date) -> None:
        last = min(self.last_day or today, today)
        self.last_day = last
        first = last - timedelta(days=self.period - 1)
        try:
            self.report = client.store_report(first, last)
            self.error, self.error_detail = None, ""
        except ApiProblem as exc:
            self.error = "offline" if exc.offline else "report_refused"
            self.error_detail = exc.detail or exc.title

    def choose_day(self, client: ReyonClient, day: date, today: date) -> None:
        self.last_day = min(day, today)  # no figures from the future
        self.load(client, today)

    def step(self, client: ReyonClient, days: int, today: date) -> None:
        self.choose_day(client, (self.last_day or today) + timedelta(days=days), today)

    def choose_period(self, client: ReyonClient, period: int, today: date) -> None:
        if period in PERIODS:
            self.period = period
            self.load(client, today)
