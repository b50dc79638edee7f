"""The client book and follow-up tasks on the wire (issue 15, scene 14)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from app.contracts.common import Day, EntityId, Moment, Request
from app.domain.appointments import NOTE_MAX, AppointmentKind, AppointmentStatus
from app.domain.clienteling import BookSort, Direction, TaskKind, TaskScope, TaskStatus
from app.domain.loyalty import Tier

TaskNote = Annotated[str, Field(max_length=500)]


class ClientRow(BaseModel):
    id: int
    first_name: str
    last_name: str
    phone: str | None
    tier: Tier
    last_visit_at: datetime | None  # the latest order, try-on or scan in any store
    spend_12m_kurus: int  # orders of the last 12 months from every channel, less refunds
    currency: str = "TRY"
    favourite_category: str | None
    favourite_brand: str | None
    sizes: dict[str, str]
    birthday_this_month: bool
    back_in_stock_here: bool  # a wishlisted variant is available at the associate's store
    open_tasks: int  # not done, the associate's own
    assigned: bool  # a manager gave the client to this associate (else: served by them)


class ClientBook(BaseModel):
    associate_id: int
    store_id: int
    sort: BookSort
    direction: Direction
    total: int  # clients the filters keep, on every page
    offset: int
    limit: int
    items: list[ClientRow]


class ClientAssign(Request):
    customer_id: EntityId
    associate_id: EntityId


class ClientAssignmentOut(BaseModel):
    customer_id: int
    store_id: int
    associate_id: int
    assigned_by: int
    at: datetime
    moved_from: int | None  # the associate the client was assigned to before, if any


class TaskOut(BaseModel):
    id: int
    kind: TaskKind
    customer_id: int
    customer_name: str
    associate_id: int | None  # None: left to the store's managers
    store_id: int
    due_on: date  # the day it was due first, local
    due: date  # when it is due now: the snoozed-until day, else due_on
    status: TaskStatus  # a snooze that has run out reads as open
    snoozed_until: date | None
    overdue: bool
    done_at: datetime | None
    note: str
    source_ref: str | None
    created_by: int | None  # None: made by the worker
    handed_from: int | None
    created_at: datetime


class AssociateTaskCounts(BaseModel):
    associate_id: int | None  # None: the tasks nobody holds yet
    name: str
    open: int
    overdue: int
    done_on_time: int  # done in the last 30 days by their due day
    done_late: int


class TaskList(BaseModel):
    scope: TaskScope
    today: date  # the store's local day the scope was read on
    items: list[TaskOut]
    # A manager's view: every associate of the store with their counts, and the unheld tasks.
    team: list[AssociateTaskCounts] | None = None


class TaskCreate(Request):
    customer_id: EntityId
    due_on: Day
    note: TaskNote = ""
    associate_id: EntityId | None = None  # default: yourself; a colleague of your store


class TaskSnooze(Request):
    until: Day


class TaskHandOver(Request):
    associate_id: EntityId


class Colleague(BaseModel):
    """An active associate of your store: whom a task may be handed over to."""

    id: int
    name: str
    role: str


class ColleagueList(BaseModel):
    items: list[Colleague]


# -- appointments -------------------------------------------------------------------------------


class AppointmentCreate(Request):
    customer_id: EntityId
    kind: AppointmentKind
    starts_at: Moment  # on a quarter-hour, within the store's hours (local)
    associate_id: EntityId | None = None  # default: yourself; a colleague of your store
    note: Annotated[str, Field(max_length=NOTE_MAX)] = ""


class AppointmentOut(BaseModel):
    id: int
    store_id: int
    associate_id: int
    associate_name: str
    customer_id: int
    customer_name: str
    kind: AppointmentKind
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus
    note: str


class BusySlot(BaseModel):
    """A quarter-hour an associate is taken then (by any booked appointment, shown or not)."""

    associate_id: int
    slot_at: datetime


class AppointmentDay(BaseModel):
    """A store's calendar for one local day: the booked appointments, earliest first; the
    day's appointment hours; and every quarter-hour each associate is taken, including by
    clients not shown by name, so a tablet offers only times that are free."""

    day: date
    store_id: int
    opens_at: datetime
    closes_at: datetime
    items: list[AppointmentOut]
    busy: list[BusySlot] = Field(default_factory=list)
