"""Follow-up tasks by hand and their life: the lists (mine; a manager's per associate), made
by hand, done, snoozed, handed over. Each change is a conditional update on the task's status,
so two tablets acting on one task at once cannot both succeed."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, or_, select, update
from sqlmodel import Session, col

from app.contracts.clienteling import (
    AssociateTaskCounts,
    Colleague,
    ColleagueList,
    TaskCreate,
    TaskHandOver,
    TaskList,
    TaskOut,
    TaskSnooze,
)
from app.domain import clienteling as rules
from app.domain.clienteling import TaskKind, TaskScope, TaskStatus
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound
from app.domain.local_days import local_day, local_today
from app.server.auth.models import Associate
from app.server.clienteling.assignments import colleague, consenting_client
from app.server.clienteling.models import FollowUpTask
from app.server.customers.models import Customer
from app.server.db import core_table, insert_id
from app.server.deps import Principal

MAX_LISTED = 500
_TASKS = core_table(FollowUpTask)
_COLUMNS = (
    *(_TASKS.c[name] for name in TaskOut.model_fields if name in _TASKS.c),
    col(Customer.first_name),
    col(Customer.last_name),
)


def _out(row: Row[Any], today: date) -> TaskOut:
    t = row._mapping
    status = rules.effective_status(TaskStatus(t["status"]), t["snoozed_until"], today)
    return TaskOut(
        id=t["id"],
        kind=t["kind"],
        customer_id=t["customer_id"],
        customer_name=f"{t['first_name']} {t['last_name']}",
        associate_id=t["associate_id"],
        store_id=t["store_id"],
        due_on=t["due_on"],
        due=rules.due_of(t["due_on"], t["snoozed_until"]),
        status=status,
        snoozed_until=t["snoozed_until"] if status is TaskStatus.SNOOZED else None,
        overdue=rules.in_scope("overdue", status, t["due_on"], t["snoozed_until"], today),
        done_at=t["done_at"],
        note=t["note"],
        source_ref=t["source_ref"],
        created_by=t["created_by"],
        handed_from=t["handed_from"],
        created_at=t["created_at"],
    )


def _read(session: Session, task_id: int, today: date) -> TaskOut:
    row = session.execute(
        select(*_COLUMNS)
        .join(Customer, col(Customer.id) == _TASKS.c.customer_id)
        .where(_TASKS.c.id == task_id)
    ).one()
    return _out(row, today)


def list_tasks(
    *,
    db_session: Session,
    principal: Principal,
    scope: TaskScope,
    associate_id: int | None,
    now: datetime,
    tz: str,
) -> TaskList:
    """Your tasks not done yet in the scope, soonest due first. A manager also gets the
    store's tasks nobody holds, and every associate's counts; with `associate_id`, a
    colleague's list instead of their own."""
    today = local_today(tz, now)
    manager = principal.at_least("manager")
    whose = associate_id or principal.associate_id
    if whose != principal.associate_id:
        if not manager:
            raise Forbidden("forbidden-role", "Not allowed", "Only a manager sees a colleague's.")
        colleague(db_session, principal, whose)
    held = _TASKS.c.associate_id == whose
    rows = db_session.execute(
        select(*_COLUMNS)
        .join(Customer, col(Customer.id) == _TASKS.c.customer_id)
        .where(
            _TASKS.c.store_id == principal.store_id,
            _TASKS.c.status != TaskStatus.DONE,
            # A client who withdrew clienteling consent leaves every list (KVKK), as the book.
            col(Customer.consent_clienteling),
            or_(held, _TASKS.c.associate_id.is_(None))
            if manager and associate_id is None
            else held,
        )
    ).all()
    items = [
        _out(r, today)
        for r in rows
        if rules.in_scope(scope, TaskStatus(r.status), r.due_on, r.snoozed_until, today)
    ]
    items.sort(key=lambda t: (t.due, t.id))
    team = _team(db_session, principal.store_id, now, tz) if manager else None
    return TaskList(scope=scope, today=today, items=items[:MAX_LISTED], team=team)


def _team(session: Session, store_id: int, now: datetime, tz: str) -> list[AssociateTaskCounts]:
    """Open, overdue and lately done (on time or not) per associate of the store."""
    staff = session.execute(
        select(col(Associate.id), col(Associate.name))
        .where(col(Associate.home_location_id) == store_id, col(Associate.active))
        .order_by(col(Associate.name))
    ).all()
    today = local_today(tz, now)
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    since = now - timedelta(days=rules.DONE_WINDOW_DAYS)
    rows = session.execute(
        select(
            _TASKS.c.associate_id,
            _TASKS.c.status,
            _TASKS.c.due_on,
            _TASKS.c.snoozed_until,
            _TASKS.c.done_at,
        ).where(
            _TASKS.c.store_id == store_id,
            or_(_TASKS.c.status != TaskStatus.DONE, _TASKS.c.done_at >= since),
        )
    )
    for who, status, due_on, until, done_at in rows:
        tally = counts[who]
        if status == TaskStatus.DONE:
            on_time = rules.done_on_time(local_day(done_at, tz), due_on, until)
            tally["done_on_time" if on_time else "done_late"] += 1
            continue
        tally["open"] += 1
        tally["overdue"] += rules.in_scope("overdue", TaskStatus(status), due_on, until, today)
    names: dict[int | None, str] = {aid: name for aid, name in staff}
    names.update({who: "" for who in counts if who not in names})  # "" : nobody holds them
    return [
        AssociateTaskCounts(
            associate_id=who,
            name=name,
            open=counts[who]["open"],
            overdue=counts[who]["overdue"],
            done_on_time=counts[who]["done_on_time"],
            done_late=counts[who]["done_late"],
        )
        for who, name in names.items()
    ]


def create_task(
    *, db_session: Session, principal: Principal, body: TaskCreate, now: datetime, tz: str
) -> TaskOut:
    """A task made by hand, for yourself or a colleague of your store, for a client who gave
    clienteling consent (a follow-up keeps a relationship, which needs it)."""
    today = local_today(tz, now)
    consenting_client(
        db_session, body.customer_id, "A follow-up task needs the client's clienteling consent."
    )
    owner = body.associate_id or principal.associate_id
    if owner != principal.associate_id:
        colleague(db_session, principal, owner)
    if body.due_on < today:
        raise Invalid("task-due-past", "Due day in the past", f"Pick today ({today}) or later.")
    task_id = insert_id(
        db_session,
        FollowUpTask,
        {
            "associate_id": owner,
            "customer_id": body.customer_id,
            "store_id": principal.store_id,
            "kind": TaskKind.MANUAL,
            "due_on": body.due_on,
            "status": TaskStatus.OPEN,
            "note": body.note,
            "created_by": principal.associate_id,
            "created_at": now,
            "updated_at": now,
        },
    )
    return _read(db_session, task_id, today)


def _task_to_change(session: Session, principal: Principal, task_id: int) -> FollowUpTask:
    task = session.get(FollowUpTask, task_id)
    if task is None or task.store_id != principal.store_id:
        raise NotFound("Task", task_id)
    if task.associate_id != principal.associate_id and not principal.at_least("manager"):
        raise Forbidden("task-not-yours", "Not your task", "Only its associate or a manager.")
    return task


def _apply(session: Session, task: FollowUpTask, values: dict[str, Any]) -> None:
    """Write the change only to the task as it was read: still not done, and still held by
    the same associate (or still the managers'). A tablet that lost the race to another (done
    there, or handed over meanwhile) is told, never silently written over."""
    holder = _TASKS.c.associate_id
    changed = session.execute(
        update(_TASKS)
        .where(
            _TASKS.c.id == task.id,
            _TASKS.c.status != TaskStatus.DONE,
            holder.is_(None) if task.associate_id is None else holder == task.associate_id,
        )
        .values(**values)
    ).rowcount  # type: ignore[attr-defined]
    if changed == 1:
        return
    now_status = session.execute(select(_TASKS.c.status).where(_TASKS.c.id == task.id)).scalar()
    rules.check_can_finish(TaskStatus(now_status) if now_status else TaskStatus.DONE)
    raise Conflict(
        "task-changed",
        "Task changed meanwhile",
        "This task was handed to someone else a moment ago; open the list again.",
    )


def finish(
    *, db_session: Session, principal: Principal, task_id: int, now: datetime, tz: str
) -> TaskOut:
    task = _task_to_change(db_session, principal, task_id)
    rules.check_can_finish(task.status)
    values = {"status": TaskStatus.DONE, "done_at": now, "done_by": principal.associate_id}
    _apply(db_session, task, {**values, "snoozed_until": None, "updated_at": now})
    return _read(db_session, task_id, local_today(tz, now))


def snooze(
    *,
    db_session: Session,
    principal: Principal,
    task_id: int,
    body: TaskSnooze,
    now: datetime,
    tz: str,
) -> TaskOut:
    today = local_today(tz, now)
    task = _task_to_change(db_session, principal, task_id)
    rules.check_snooze(task.status, body.until, today)
    values = {"status": TaskStatus.SNOOZED, "snoozed_until": body.until, "updated_at": now}
    _apply(db_session, task, values)
    return _read(db_session, task_id, today)


def hand_over(
    *,
    db_session: Session,
    principal: Principal,
    task_id: int,
    body: TaskHandOver,
    now: datetime,
    tz: str,
) -> TaskOut:
    task = _task_to_change(db_session, principal, task_id)
    to = db_session.get(Associate, body.associate_id)
    if to is None:
        raise NotFound("Associate", body.associate_id)
    rules.check_hand_over(
        task.status,
        current=task.associate_id,
        to=body.associate_id,
        same_store=to.home_location_id == task.store_id,
        active=to.active,
    )
    values = {"associate_id": to.id, "handed_from": task.associate_id, "updated_at": now}
    _apply(db_session, task, values)
    return _read(db_session, task_id, local_today(tz, now))


def colleagues(*, db_session: Session, principal: Principal) -> ColleagueList:
    rows = db_session.execute(
        select(Associate)
        .where(
            col(Associate.home_location_id) == principal.store_id,
            col(Associate.active).is_(True),
        )
        .order_by(col(Associate.name))
    ).scalars()
    return ColleagueList(items=[Colleague(id=a.id or 0, name=a.name, role=a.role) for a in rows])
