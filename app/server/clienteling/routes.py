"""The client book and follow-up tasks (issue 15, scene 14): thin routes over book.py,
assignments.py and tasks.py. Every write honours an Idempotency-Key, as the tablet's outbox
sends one with each."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.contracts.clienteling import (
    AppointmentCreate,
    AppointmentDay,
    AppointmentOut,
    ClientAssign,
    ClientAssignmentOut,
    ClientBook,
    ColleagueList,
    TaskCreate,
    TaskHandOver,
    TaskList,
    TaskOut,
    TaskSnooze,
)
from app.contracts.common import Day, EntityId, problem_responses
from app.domain.clienteling import BookFilter, BookSort, Direction, TaskScope
from app.domain.loyalty import Tier
from app.server.clienteling import appointments, assignments, book, tasks
from app.server.db import utcnow
from app.server.deps import CurrentAssociate, CurrentManager, DbDep, PathId, SettingsDep
from app.server.idempotency.routes import IdempotencyKey, create

router = APIRouter(tags=["clienteling"], responses=problem_responses(401, 422))
TaskId = Annotated[int, PathId]
Days = Annotated[int | None, Query(ge=0, le=3650)]
Money = Annotated[int | None, Query(ge=0, le=10**12)]
Text = Annotated[str | None, Query(min_length=1, max_length=100)]


@router.get("/v1/client-book", response_model=ClientBook, responses=problem_responses(403, 404))
def client_book(
    db: DbDep,
    settings: SettingsDep,
    principal: CurrentAssociate,
    associate_id: Annotated[
        EntityId | None, Query(description="A manager: a colleague's book. Default: yours")
    ] = None,
    q: Annotated[Text, Query(description="Name (Turkish-folded) or phone digits")] = None,
    size: Annotated[Text, Query(description="One of the client's preferred sizes")] = None,
    category: Annotated[Text, Query(description="The client's favourite category")] = None,
    brand: Annotated[Text, Query(description="The client's favourite brand")] = None,
    tier: Annotated[list[Tier] | None, Query(description="Any of these tiers")] = None,
    visited_within_days: Annotated[Days, Query(description="In a store in the last N days")] = None,
    not_visited_days: Annotated[Days, Query(description="Not in a store for N days")] = None,
    min_spend_kurus: Annotated[Money, Query(description="Spend of the last 12 months")] = None,
    max_spend_kurus: Money = None,
    birth_month: Annotated[int | None, Query(ge=1, le=12)] = None,
    back_in_stock: Annotated[
        bool | None, Query(description="A wishlisted variant is available at your store")
    ] = None,
    sort: BookSort = BookSort.LAST_VISIT,
    direction: Annotated[Direction | None, Query(description="Default: natural")] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ClientBook:
    """Your clients (or, a manager, a colleague's of your store): the consenting customers
    you sold to, served (a try-on, a wish or a note recorded by you) or were given by a
    manager; a client given to a colleague at this store is theirs. Filters combine (AND);
    clients never seen in a store come last when sorting by visit."""
    flt = BookFilter(
        q=q,
        size=size,
        category=category,
        brand=brand,
        tiers=frozenset(str(t) for t in tier or ()),
        visited_within_days=visited_within_days,
        not_visited_days=not_visited_days,
        min_spend_kurus=min_spend_kurus,
        max_spend_kurus=max_spend_kurus,
        birth_month=birth_month,
        back_in_stock=back_in_stock,
    )
    with db.read_session() as session:
        return book.client_book(
            db_session=session,
            principal=principal,
            associate_id=associate_id,
            flt=flt,
            sort=sort,
            direction=direction,
            offset=offset,
            limit=limit,
            now=utcnow(),
            tz=settings.timezone,
        )


@router.post(
    "/v1/client-book/assign",
    response_model=ClientAssignmentOut,
    responses=problem_responses(400, 403, 404, 409, 413),
)
def assign_client(
    body: ClientAssign,
    request: Request,
    principal: CurrentManager,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Give a consenting client to an active associate of your store, or move them from
    another (their open tasks here move along). 403 `consent-required` without clienteling
    consent, 422 `associate-other-store` or `associate-inactive`."""
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: assignments.assign(db_session=s, principal=principal, body=body, now=utcnow()),
    )


@router.get("/v1/tasks", response_model=TaskList, responses=problem_responses(403, 404))
def list_tasks(
    db: DbDep,
    settings: SettingsDep,
    principal: CurrentAssociate,
    scope: TaskScope = "today",
    associate_id: Annotated[
        EntityId | None, Query(description="A manager: a colleague's tasks instead")
    ] = None,
) -> TaskList:
    """Your tasks not done yet: `today` (due today or before), `open` (all, snoozed too),
    `overdue`. A manager also sees the store's tasks nobody holds and, in `team`, each
    associate's open, overdue and (last 30 days) done on time or late."""
    with db.read_session() as session:
        return tasks.list_tasks(
            db_session=session,
            principal=principal,
            scope=scope,
            associate_id=associate_id,
            now=utcnow(),
            tz=settings.timezone,
        )


@router.get("/v1/colleagues", response_model=ColleagueList)
def colleagues(db: DbDep, principal: CurrentAssociate) -> ColleagueList:
    """The active associates of your store, yourself included: whom a task may go to (the
    staff list with its lock-outs is a manager's; this is only names)."""
    with db.read_session() as session:
        return tasks.colleagues(db_session=session, principal=principal)


@router.post(
    "/v1/tasks",
    response_model=TaskOut,
    status_code=201,
    responses=problem_responses(400, 403, 404, 409, 413),
)
def create_task(
    body: TaskCreate,
    request: Request,
    settings: SettingsDep,
    principal: CurrentAssociate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """A task by hand for a consenting client, for you or a colleague of your store, due
    today or later (422 `task-due-past`)."""
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: tasks.create_task(
            db_session=s, principal=principal, body=body, now=utcnow(), tz=settings.timezone
        ),
    )


@router.post(
    "/v1/tasks/{task_id}/done",
    response_model=TaskOut,
    responses=problem_responses(400, 403, 404, 409, 413),
)
def task_done(
    task_id: TaskId,
    request: Request,
    settings: SettingsDep,
    principal: CurrentAssociate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Mark your task (a manager: any of the store's) done; 409 `task-already-done`."""
    return create(
        request,
        principal,
        idempotency_key,
        None,
        lambda s: tasks.finish(
            db_session=s, principal=principal, task_id=task_id, now=utcnow(), tz=settings.timezone
        ),
    )


@router.post(
    "/v1/tasks/{task_id}/snooze",
    response_model=TaskOut,
    responses=problem_responses(400, 403, 404, 409, 413),
)
def task_snooze(
    task_id: TaskId,
    body: TaskSnooze,
    request: Request,
    settings: SettingsDep,
    principal: CurrentAssociate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Put the task off until a later day, when it is open again; 422 `task-snooze-past`
    (today or before), `task-snooze-too-far` (over 90 days); 409 when done."""
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: tasks.snooze(
            db_session=s,
            principal=principal,
            task_id=task_id,
            body=body,
            now=utcnow(),
            tz=settings.timezone,
        ),
    )


@router.post(
    "/v1/tasks/{task_id}/hand-over",
    response_model=TaskOut,
    responses=problem_responses(400, 403, 404, 409, 413),
)
def task_hand_over(
    task_id: TaskId,
    body: TaskHandOver,
    request: Request,
    settings: SettingsDep,
    principal: CurrentAssociate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Give the task to a colleague of the same store; 422 `task-hand-over-other-store`,
    `task-hand-over-inactive`, `task-hand-over-same`; 409 when done."""
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: tasks.hand_over(
            db_session=s,
            principal=principal,
            task_id=task_id,
            body=body,
            now=utcnow(),
            tz=settings.timezone,
        ),
    )


# -- appointments -------------------------------------------------------------------------------

AppointmentId = Annotated[int, PathId]


@router.post(
    "/v1/appointments",
    response_model=AppointmentOut,
    status_code=201,
    responses=problem_responses(400, 403, 404, 409, 413),
)
def book_appointment(
    body: AppointmentCreate,
    request: Request,
    settings: SettingsDep,
    principal: CurrentAssociate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Book a styling, alteration or pickup appointment at your store with yourself or a
    colleague. 422 `appointment-past`, `appointment-not-on-slot`, `appointment-outside-hours`,
    `appointment-too-far`; 409 `appointment-slot-taken` when that
    associate has someone then (racing bookings: one wins); 403 `consent-required`."""
    return create(
        request,
        principal,
        idempotency_key,
        body,
        lambda s: appointments.book(
            db_session=s, principal=principal, body=body, now=utcnow(), tz=settings.timezone
        ),
    )


@router.get("/v1/appointments", response_model=AppointmentDay)
def appointment_day(
    db: DbDep,
    settings: SettingsDep,
    principal: CurrentAssociate,
    day: Annotated[Day, Query(description="The store's local day")],
) -> AppointmentDay:
    """Your store's booked appointments of one day, earliest first."""
    with db.read_session() as session:
        return appointments.day(
            db_session=session, principal=principal, on=day, tz=settings.timezone
        )


@router.post(
    "/v1/appointments/{appointment_id}/cancel",
    response_model=AppointmentOut,
    responses=problem_responses(400, 403, 404, 409, 413),
)
def cancel_appointment(
    appointment_id: AppointmentId,
    request: Request,
    principal: CurrentAssociate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Cancel a booked appointment of your store; its time is free again. 409
    `appointment-cancelled` when it was cancelled already."""
    return create(
        request,
        principal,
        idempotency_key,
        None,
        lambda s: appointments.cancel(
            db_session=s, principal=principal, appointment_id=appointment_id, now=utcnow()
        ),
    )
