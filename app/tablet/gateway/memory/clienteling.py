"""The in-memory gateway's client book and follow-up tasks, under the API's rules
(app/server/clienteling and the pure app/domain/clienteling.py they share): an associate sees
their own book and tasks, a manager also the tasks nobody holds and each associate's counts; a
done task cannot be done, snoozed or handed over again (409 task-already-done); a snooze is to
a later day within 90 days; a task goes to an active colleague of the same store. Writes are
queued like an order when the switch says offline."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.contracts.clienteling import (
    AssociateTaskCounts,
    ClientBook,
    ClientRow,
    Colleague,
    TaskCreate,
    TaskList,
    TaskOut,
)
from app.contracts.customers import CustomerView
from app.domain import clienteling as rules
from app.domain.clienteling import (
    BookFilter,
    BookSort,
    ClientFacts,
    TaskKind,
    TaskScope,
    TaskStatus,
)
from app.domain.errors import DomainError
from app.tablet.gateway import Author, BookQuery, Submitted, checked
from app.tablet.gateway.memory.base import MemoryBase, utcnow
from app.tablet.problem import ApiProblem

ZONE = ZoneInfo("Europe/Istanbul")  # the demo stores' zone, as the API's settings give it


def _today() -> date:
    return utcnow().astimezone(ZONE).date()


@dataclass
class MemoryTask:
    id: int
    kind: TaskKind
    customer_id: int
    associate_id: int | None
    store_id: int
    due_on: date
    status: TaskStatus = TaskStatus.OPEN
    snoozed_until: date | None = None
    done_at: datetime | None = None
    note: str = ""
    created_by: int | None = None
    handed_from: int | None = None


def _problem(exc: DomainError, status: int) -> ApiProblem:
    return ApiProblem(status, exc.kind, exc.title, exc.detail)


class MemoryClienteling(MemoryBase):
    def __init__(self) -> None:
        super().__init__()
        self.book: dict[int, list[ClientFacts]] = {}  # associate id -> their clients
        self.follow_ups: dict[int, MemoryTask] = {}
        self._task_ids = itertools.count(1)

    # -- reads --------------------------------------------------------------------------------

    def _mine(self) -> tuple[int, int, bool]:
        self._need_online()
        if self._who is None:
            raise ApiProblem(401, "unauthenticated", "Log in")
        a = self._who.associate
        return a.id, a.store.id, a.role == "manager"

    def client_book(self, query: BookQuery) -> ClientBook:
        me, store, _ = self._mine()
        today = _today()
        flt = BookFilter(
            q=query.q or None,
            tiers=frozenset(query.tiers),
            birth_month=query.birth_month,
            back_in_stock=query.back_in_stock,
            not_visited_days=query.not_visited_days,
        )
        facts = [replace(c, open_tasks=self._open_of(me, c.id)) for c in self.book.get(me, [])]
        sort = BookSort(query.sort)
        kept = rules.select_clients(facts, flt, sort=sort, direction=None, now=utcnow())
        page = kept[query.offset : query.offset + query.limit]
        return ClientBook(
            associate_id=me,
            store_id=store,
            sort=sort,
            direction=rules.NATURAL_DIRECTION[sort],
            total=len(kept),
            offset=query.offset,
            limit=query.limit,
            items=[self._row(c, today) for c in page],
        )

    @staticmethod
    def _row(c: ClientFacts, today: date) -> ClientRow:
        return ClientRow(id=c.id, first_name=c.first_name, last_name=c.last_name, phone=c.phone, tier=c.tier, last_visit_at=c.last_visit, spend_12m_kurus=c.spend_kurus, favourite_category=c.favourite_category, favourite_brand=c.favourite_brand, sizes=dict(c.sizes), birthday_this_month=c.birth_date is not None and c.birth_date.month == today.month, back_in_stock_here=c.back_in_stock_here, open_tasks=c.open_tasks, assigned=c.assigned)  # fmt: skip

    def _open_of(self, associate_id: int, customer_id: int) -> int:
        return sum(
            1
            for t in self.follow_ups.values()
            if t.associate_id == associate_id
            and t.customer_id == customer_id
            and t.status is not TaskStatus.DONE
        )

    def tasks(self, scope: str) -> TaskList:
        me, store, manager = self._mine()
        if scope not in ("today", "open", "overdue"):
            raise ApiProblem(422, "validation", "Invalid input", "scope")
        known: TaskScope = scope  # type: ignore[assignment]
        today = _today()
        mine = [
            t
            for t in self.follow_ups.values()
            if t.store_id == store
            and (t.associate_id == me or (manager and t.associate_id is None))
            and rules.in_scope(known, t.status, t.due_on, t.snoozed_until, today)
        ]
        mine.sort(key=lambda t: (rules.due_of(t.due_on, t.snoozed_until), t.id))
        return TaskList(
            scope=known,
            today=today,
            items=[self._out(t, today) for t in mine],
            team=self._team(store, today) if manager else None,
        )

    def _team(self, store: int, today: date) -> list[AssociateTaskCounts]:
        people: list[tuple[int | None, str]] = [
            (a.id, a.name) for a in self.associates.values() if a.store_id == store and a.active
        ]
        people.append((None, ""))
        counts = []
        for who, name in people:
            held = [t for t in self.follow_ups.values() if t.store_id == store and t.associate_id == who]  # fmt: skip
            live = [t for t in held if t.status is not TaskStatus.DONE]
            done = [t for t in held if t.status is TaskStatus.DONE and t.done_at is not None]
            on_time = sum(1 for t in done if t.done_at and rules.done_on_time(t.done_at.astimezone(ZONE).date(), t.due_on, t.snoozed_until))  # fmt: skip
            counts.append(AssociateTaskCounts(associate_id=who, name=name, open=len(live), overdue=sum(1 for t in live if rules.in_scope("overdue", t.status, t.due_on, t.snoozed_until, today)), done_on_time=on_time, done_late=len(done) - on_time))  # fmt: skip
        return counts

    def _out(self, t: MemoryTask, today: date) -> TaskOut:
        view = self.customers.get(t.customer_id)
        name = f"{view.profile.first_name} {view.profile.last_name}" if view else ""
        status = rules.effective_status(t.status, t.snoozed_until, today)
        overdue = rules.in_scope("overdue", t.status, t.due_on, t.snoozed_until, today)
        return TaskOut(id=t.id, kind=t.kind, customer_id=t.customer_id, customer_name=name, associate_id=t.associate_id, store_id=t.store_id, due_on=t.due_on, due=rules.due_of(t.due_on, t.snoozed_until), status=status, snoozed_until=t.snoozed_until if status is TaskStatus.SNOOZED else None, overdue=overdue, done_at=t.done_at, note=t.note, source_ref=None, created_by=t.created_by, handed_from=t.handed_from, created_at=utcnow())  # fmt: skip

    def colleagues(self) -> list[Colleague]:
        _, store, _ = self._mine()
        return sorted(
            (
                Colleague(id=a.id, name=a.name, role=a.role)
                for a in self.associates.values()
                if a.store_id == store and a.active
            ),
            key=lambda c: c.name,
        )

    # -- writes -------------------------------------------------------------------------------

    def task_done(self, by: Author, task_id: int, *, key: str, label: str) -> Submitted:
        def done() -> TaskOut:
            t = self._task_to_change(task_id)
            t.status, t.done_at = TaskStatus.DONE, utcnow()
            return self._out(t, _today())

        return self._submit(by, "task", key, label, None, done)

    def snooze_task(
        self, by: Author, task_id: int, until: date, *, key: str, label: str
    ) -> Submitted:
        def snooze() -> TaskOut:
            t = self._task_to_change(task_id)
            try:
                rules.check_snooze(t.status, until, _today())
            except DomainError as exc:
                raise _problem(exc, 422) from None
            t.status, t.snoozed_until = TaskStatus.SNOOZED, until
            return self._out(t, _today())

        return self._submit(by, "task", key, label, None, snooze)

    def hand_over_task(
        self, by: Author, task_id: int, associate_id: int, *, key: str, label: str
    ) -> Submitted:
        def hand() -> TaskOut:
            t = self._task_to_change(task_id)
            to = next((a for a in self.associates.values() if a.id == associate_id), None)
            if to is None:
                raise ApiProblem(404, "not-found", "No such associate")
            try:
                rules.check_hand_over(t.status, current=t.associate_id, to=to.id, same_store=to.store_id == t.store_id, active=to.active)  # fmt: skip
            except DomainError as exc:
                raise _problem(exc, 422) from None
            t.handed_from, t.associate_id = t.associate_id, to.id
            return self._out(t, _today())

        return self._submit(by, "task", key, label, None, hand)

    def add_task(self, by: Author, body: TaskCreate, *, key: str, label: str) -> Submitted:
        request = checked(lambda: TaskCreate.model_validate(body.model_dump()))

        def make() -> TaskOut:
            me, store, _ = self._mine()
            self._visible(request.customer_id)
            if request.due_on < _today():
                raise ApiProblem(422, "task-due-past", "Due date in the past")
            t = MemoryTask(id=next(self._task_ids), kind=TaskKind.MANUAL, customer_id=request.customer_id, associate_id=request.associate_id or me, store_id=store, due_on=request.due_on, note=request.note, created_by=me)  # fmt: skip
            self.follow_ups[t.id] = t
            return self._out(t, _today())

        return self._submit(by, "task", key, label, request.customer_id, make)

    def _task_to_change(self, task_id: int) -> MemoryTask:
        me, store, manager = self._mine()
        t = self.follow_ups.get(task_id)
        if t is None or t.store_id != store:
            raise ApiProblem(404, "not-found", "No such task")
        if t.associate_id != me and not manager:
            raise ApiProblem(403, "task-not-yours", "Not your task")
        try:
            rules.check_can_finish(t.status)
        except DomainError as exc:
            raise _problem(exc, 409) from None
        return t

    def add_follow_up(self, kind: TaskKind, customer_id: int, associate_id: int | None, *, due_in_days: int, store_id: int = 1) -> MemoryTask:  # fmt: skip
        """What `reyon worker` makes (tests and the demo world)."""
        t = MemoryTask(id=next(self._task_ids), kind=kind, customer_id=customer_id, associate_id=associate_id, store_id=store_id, due_on=_today() + timedelta(days=due_in_days))  # fmt: skip
        self.follow_ups[t.id] = t
        return t


# -- the demo world's clients: Ayşe's book at IST01 ---------------------------------------------

_CLIENTS = (
    # id, first, last, tier, days since the last visit (None: never), spend TL, category,
    # birth month offset (0: this month), back in stock here
    (201, "Deniz", "Aydın", "gold", 2, 48_500, "shirts", 0, True),
    (202, "Burak", "Şahin", "silver", 12, 21_900, "jackets", 3, False),
    (203, "Selin", "Koç", "platinum", 40, 96_000, "dresses", 0, False),
    (204, "Ozan", "Çelik", "classic", 130, 4_500, "shoes", 5, False),
    (205, "İpek", "Arslan", "gold", 6, 37_250, "knitwear", 1, True),
    (206, "Irmak", "Yıldız", "silver", 95, 12_800, "trousers", 7, False),
    (207, "Cem", "Öztürk", "classic", None, 0, None, 9, False),
    (208, "Gizem", "Kaplan", "gold", 20, 29_400, "dresses", 2, False),
    (209, "Umut", "Doğan", "silver", 60, 15_600, "shirts", 11, True),
    (210, "Ece", "Polat", "classic", 200, 2_300, "accessories", 4, False),
    (211, "Kaan", "Erdem", "gold", 1, 55_100, "jackets", 6, False),
    (212, "Zehra", "Güneş", "platinum", 9, 120_400, "knitwear", 8, False),
)


def fill_client_book(g: MemoryClienteling) -> None:
    """Elif and a dozen more consenting clients in Ayşe's book, and the worker's tasks of a
    morning: one due today, one overdue, one later; and one nobody holds (the manager's)."""
    now, today = utcnow(), _today()
    base: CustomerView = g.customers[1]
    facts = [ClientFacts(id=1, first_name="Elif", last_name="Yılmaz", phone=base.profile.phone, tier="gold", sizes={"top": "M"}, birth_date=None, last_visit=now - timedelta(days=4), spend_kurus=64_000_00, favourite_category="shirts", favourite_brand="Reyon", back_in_stock_here=False, open_tasks=0, assigned=False)]  # fmt: skip
    for cid, first, last, tier, days, spend, category, month, back in _CLIENTS:
        phone = f"+90532{cid:07d}"
        profile = base.profile.model_copy(update={"id": cid, "loyalty_number": f"RY{cid:08d}", "first_name": first, "last_name": last, "phone": phone, "email": f"c{cid}@example.com", "tier": tier})  # fmt: skip
        g.customers[cid] = base.model_copy(update={"profile": profile}, deep=True)
        birth = date(1990, (today.month - 1 + month) % 12 + 1, 10)
        last_visit = now - timedelta(days=days) if days is not None else None
        facts.append(ClientFacts(id=cid, first_name=first, last_name=last, phone=phone, tier=tier, sizes={"top": "M"}, birth_date=birth, last_visit=last_visit, spend_kurus=spend * 100, favourite_category=category, favourite_brand="Reyon", back_in_stock_here=back, open_tasks=0, assigned=cid % 4 == 0))  # fmt: skip
    g.book[1] = facts
    g.add_follow_up(TaskKind.AFTER_PURCHASE, 1, 1, due_in_days=0)
    g.add_follow_up(TaskKind.BIRTHDAY, 201, 1, due_in_days=-2)
    g.add_follow_up(TaskKind.BACK_IN_STOCK, 205, 1, due_in_days=0)
    g.add_follow_up(TaskKind.LAPSED, 204, 1, due_in_days=3)
    g.add_follow_up(TaskKind.ABANDONED_CART, 203, None, due_in_days=0)
