"""Scene 14, follow-up tasks: today's (and overdue), every open one, the overdue; done, snoozed
to a day from buttons, handed over to a colleague of the store, or made by hand for the
customer being served. Each change is a write through the gateway's one write path with an
idempotency key made at the tap, so a change made as the Wi-Fi drops waits in the outbox and
a double tap acts once. The home scene's "Today" card reads the same list.

Offline the lists are the ones read last in this shift (in memory only, gone at log-out),
with the time they were read; a change made then leaves the list at once and waits."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from app.contracts.clienteling import AssociateTaskCounts, Colleague, TaskCreate, TaskOut
from app.tablet.gateway import Submitted, checked
from app.tablet.problem import ApiProblem
from app.tablet.state.customer import CustomerScene
from app.tablet.state.session import Scene

SCOPES = ("today", "open", "overdue")
SNOOZES = (1, 7)  # days: tomorrow, next week
DUE_CHOICES = (0, 1, 7)  # a new task: today, tomorrow, next week
HOME_ROWS = 5
NOTE_MAX = 500


@dataclass
class TasksScene(Scene):
    customer: CustomerScene = field(repr=False, kw_only=True)
    scope: str = "today"
    items: list[TaskOut] = field(default_factory=list)
    team: list[AssociateTaskCounts] | None = None
    # Today's (and overdue) for the home card, read with the list or on its own.
    today_items: list[TaskOut] = field(default_factory=list)
    offline: bool = False
    as_of: datetime | None = None
    # The store's day as the API counted it with the last list: snoozes and due days are
    # counted from it, so a tablet whose clock is off still asks for the day meant.
    api_today: date | None = None
    # One open panel at a time under a task: ("snooze" | "hand_over", task id).
    panel: tuple[str, int] | None = None
    colleagues: list[Colleague] = field(default_factory=list)
    # A new task for the customer being served: its due day (days from today) and note.
    new_due: int | None = None
    new_note: str = ""
    adding: bool = False
    _kept: dict[str, tuple[list[TaskOut], datetime]] = field(default_factory=dict, repr=False)
    _gone: set[int] = field(default_factory=set, repr=False)  # changed here, off the lists
    _acting: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- what the views read ----------------------------------------------------------------

    @property
    def home_rows(self) -> list[TaskOut]:
        return self.today_items[:HOME_ROWS]

    @property
    def today_count(self) -> int:
        return len(self.today_items)

    @property
    def serving(self) -> tuple[int, str] | None:
        """The customer being served: whom "new task" is for."""
        v = self.customer.view
        return (v.profile.id, f"{v.profile.first_name} {v.profile.last_name}") if v else None

    @property
    def today(self) -> date:
        return self.api_today or self.session.today()

    def day(self, days: int) -> date:
        return self.today + timedelta(days=days)

    # -- reading -----------------------------------------------------------------------------

    def show(self, scope: str | None = None) -> None:
        self.session.show("tasks")
        self.session.say(None)
        self.panel = None
        self.load(scope or self.scope)

    def load(self, scope: str) -> None:
        if scope in SCOPES:
            self.scope = scope
            self.items = self._read(scope)
            if scope == "today":
                self.today_items = self.items
        self.session.changed()

    def load_today(self) -> None:
        """The home card's list (after log-in and on the way home; the caller redraws)."""
        self.today_items = self._read("today", quiet=True)

    def _read(self, scope: str, *, quiet: bool = False) -> list[TaskOut]:
        try:
            answer = self.gateway.tasks(scope)
        except ApiProblem as exc:
            kept = self._kept.get(scope)
            if exc.offline and kept is not None:
                self.offline, self.as_of = True, kept[1]
                return [t for t in kept[0] if t.id not in self._gone]
            if not quiet:
                self.refused(exc)
            return [t for t in (kept[0] if kept else []) if t.id not in self._gone]
        now = datetime.now(UTC)
        self._kept[scope] = (answer.items, now)
        self._gone.clear()  # the API's list now says what became of them
        self.api_today = answer.today
        if answer.team is not None:
            self.team = answer.team
        self.offline, self.as_of = False, None
        return answer.items

    # -- acting on a task -------------------------------------------------------------------

    def open_customer(self, customer_id: int) -> None:
        """Through the customer scene's own way in: the API decides again who may see them."""
        self.customer.open(customer_id)

    def open_panel(self, what: str, task_id: int) -> None:
        if what not in ("snooze", "hand_over"):
            return
        self.panel = None if self.panel == (what, task_id) else (what, task_id)
        if self.panel is not None and what == "hand_over" and not self.colleagues:
            try:
                self.colleagues = self.gateway.colleagues()
            except ApiProblem as exc:
                self.panel = None
                self.refused(exc)
                return
        self.session.changed()

    def hand_over_choices(self, task: TaskOut) -> list[Colleague]:
        return [c for c in self.colleagues if c.id != task.associate_id]

    def done(self, task_id: int) -> None:
        self._act(
            task_id,
            lambda task, key, label: self.gateway.task_done(
                self.session.author, task.id, key=key, label=label
            ),
            "task_done",
        )

    def snooze(self, task_id: int, days: int) -> None:
        if days not in SNOOZES:
            return
        until = self.day(days)
        self._act(
            task_id,
            lambda task, key, label: self.gateway.snooze_task(
                self.session.author, task.id, until, key=key, label=label
            ),
            "task_snoozed",
            {"day": until.strftime("%d.%m")},
        )

    def hand_over(self, task_id: int, associate_id: int) -> None:
        name = next((c.name for c in self.colleagues if c.id == associate_id), "")
        self._act(
            task_id,
            lambda task, key, label: self.gateway.hand_over_task(
                self.session.author, task.id, associate_id, key=key, label=label
            ),
            "task_handed",
            {"name": name},
        )

    def _task(self, task_id: int) -> TaskOut | None:
        lists = (self.items, self.today_items)
        return next((t for tasks in lists for t in tasks if t.id == task_id), None)

    def _act(
        self,
        task_id: int,
        write: Callable[[TaskOut, str, str], Submitted],
        said: str,
        values: dict[str, object] | None = None,
    ) -> None:
        """A double tap acts once: the second finds the first running, or the task gone."""
        if not self._acting.acquire(blocking=False):
            return
        try:
            task = self._task(task_id)
            if task is None or task_id in self._gone:
                return
            label = f"{task.customer_name} · {task.kind}"
            submitted = write(task, str(uuid.uuid4()), label)
            self.panel = None
            if submitted.status == "failed" and submitted.problem is not None:
                self.refused(submitted.problem)
                if submitted.problem.status in (403, 404, 409):
                    self.load(self.scope)  # someone else changed it: the list as it is now
                return
            self._gone.add(task_id)
            self.items = [t for t in self.items if t.id != task_id]
            self.today_items = [t for t in self.today_items if t.id != task_id]
            if submitted.status == "queued":
                self.session.say("task_queued")
            else:
                self.session.say(None)
                self.session.confirm(said, values)
            self.session.changed()
        finally:
            self._acting.release()

    # -- a new task for the customer being served -----------------------------------------

    def start_new(self) -> None:
        self.adding, self.new_due, self.new_note = self.serving is not None, 1, ""
        self.session.changed()

    def cancel_new(self) -> None:
        self.adding = False
        self.session.changed()

    def set_new_due(self, days: int) -> None:
        if days in DUE_CHOICES:
            self.new_due = days
        self.session.changed()

    def save_new(self, note: str) -> None:
        """`note`: the field's text as the tap found it."""
        serving = self.serving
        if not self.adding or serving is None or self.new_due is None:
            return
        if not self._acting.acquire(blocking=False):
            return
        try:
            self.new_note = note[:NOTE_MAX]
            body = checked(
                lambda: TaskCreate(
                    customer_id=serving[0], due_on=self.day(self.new_due or 0), note=self.new_note
                )
            )
            label = f"{serving[1]} · manual"
            submitted = self.gateway.add_task(
                self.session.author, body, key=str(uuid.uuid4()), label=label
            )
            if submitted.status == "failed" and submitted.problem is not None:
                self.refused(submitted.problem)
                return
            self.adding, self.new_note = False, ""
            if submitted.status == "queued":
                self.session.say("task_queued")
                self.session.changed()
                return
            self.session.say(None)
            self.session.confirm("task_added", {"name": serving[1]})
        finally:
            self._acting.release()
        self.load(self.scope)
