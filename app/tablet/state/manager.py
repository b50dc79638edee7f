"""Scene 8, the manager's view of the store: a window of local days (one day, a week or a
month ending on the chosen day) and the report for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.contracts.clienteling import AssociateTaskCounts
from app.contracts.reports import StoreReport
from app.tablet.problem import ApiProblem
from app.tablet.state.session import Scene

PERIODS = (1, 7, 30)  # days


@dataclass
class ManagerScene(Scene):
    last_day: date | None = None  # None: today, whatever day that is when the view opens
    period: int = 1
    report: StoreReport | None = None
    error: str | None = None  # i18n key
    error_detail: str = ""
    # Each associate's open, overdue and done follow-up tasks (now, not the report's window).
    team_tasks: list[AssociateTaskCounts] | None = None

    def show(self) -> None:
        if not self.session.is_manager:
            return
        self.session.show("manager")
        self._load()
        self.session.changed()

    def _load(self) -> None:
        today = self.session.today()
        last = min(self.last_day or today, today)
        self.last_day = last
        first = last - timedelta(days=self.period - 1)
        try:
            self.report = self.gateway.store_report(first, last)
            self.error, self.error_detail = None, ""
        except ApiProblem as exc:
            self.error = "offline" if exc.offline else "report_refused"
            self.error_detail = self.words(exc)
        try:
            # The smallest scope: the team's counts come with any of them.
            self.team_tasks = self.gateway.tasks("overdue").team
        except ApiProblem:
            self.team_tasks = None  # the report shows without them

    def report_day(self, day: date) -> None:
        self.last_day = min(day, self.session.today())  # no figures from the future
        self._load()
        self.session.changed()

    def report_step(self, days: int) -> None:
        self.report_day((self.last_day or self.session.today()) + timedelta(days=days))

    def report_period(self, period: int) -> None:
        if period in PERIODS:
            self.period = period
            self._load()
        self.session.changed()
