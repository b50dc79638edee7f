"""Clienteling: an associate's client book and the follow-up tasks that keep a relationship
going between visits (issue 15, scene 14). Pure rules: which clients a filter keeps and in
what order, when each kind of task is due, and which changes a task's state allows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal

from app.domain.errors import Conflict, Invalid
from app.domain.text import fold, search_terms


class TaskKind(StrEnum):
    AFTER_PURCHASE = "after_purchase"  # a check-in some days after a sale in the store
    BIRTHDAY = "birthday"
    ABANDONED_CART = "abandoned_cart"  # an online cart left for a day
    BACK_IN_STOCK = "back_in_stock"  # a wishlisted variant available at the store
    HOLD_EXPIRING = "hold_expiring"  # a reserve-in-store hold about to run out
    LAPSED = "lapsed"  # no visit nor order for months
    MANUAL = "manual"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    SNOOZED = "snoozed"  # open again once its snoozed_until day comes


class BookSort(StrEnum):
    LAST_VISIT = "last_visit"
    SPEND = "spend"
    NAME = "name"


TaskScope = Literal["today", "open", "overdue"]
Direction = Literal["asc", "desc"]
# The order a list is read in when the caller names none: the latest visit and the biggest
# spender first, names from A.
NATURAL_DIRECTION: dict[BookSort, Direction] = {
    BookSort.LAST_VISIT: "desc",
    BookSort.SPEND: "desc",
    BookSort.NAME: "asc",
}

AFTER_PURCHASE_DAYS = 3  # the check-in call, counted from the day of the sale
AFTER_PURCHASE_LOOKBACK_DAYS = AFTER_PURCHASE_DAYS + 7  # older sales get no task any more
BIRTHDAY_LEAD_DAYS = 7  # a week ahead: time to pick a present or send a look
CART_IDLE = timedelta(hours=24)
CART_LOOKBACK = timedelta(days=14)  # a cart left longer ago is no follow-up any more
HOLD_WARNING = timedelta(hours=24)
LAPSED_DAYS = 120
# A lapse is noticed in the first two months it lasts: the first run of the worker on years of
# history must not bury the associates under every customer who ever stopped coming.
LAPSED_WINDOW_DAYS = 60
SPEND_DAYS = 365
MAX_SNOOZE_DAYS = 90
DONE_WINDOW_DAYS = 30  # the manager's "done on time" counts the last 30 days


# --- the client book ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientFacts:
    """What the book knows of one client, gathered by the server in a few grouped queries."""

    id: int
    first_name: str
    last_name: str
    phone: str | None
    tier: str
    sizes: Mapping[str, str]
    birth_date: date | None
    last_visit: datetime | None
    spend_kurus: int
    favourite_category: str | None
    favourite_brand: str | None
    back_in_stock_here: bool
    open_tasks: int
    assigned: bool


@dataclass(frozen=True, slots=True)
class BookFilter:
    q: str | None = None
    size: str | None = None
    category: str | None = None
    brand: str | None = None
    tiers: frozenset[str] = field(default_factory=frozenset)
    visited_within_days: int | None = None
    not_visited_days: int | None = None
    min_spend_kurus: int | None = None
    max_spend_kurus: int | None = None
    birth_month: int | None = None
    back_in_stock: bool | None = None


def favourite(counts: Mapping[str, int]) -> str | None:
    """The most frequent; a tie goes to the name first in folded order, so the answer does not
    depend on the order the database returned the rows in."""
    best = [(-n, fold(name), name) for name, n in counts.items() if n > 0]
    return min(best)[2] if best else None


_ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}


def turkish_sort_key(text: str) -> tuple[int, ...]:
    """Turkish alphabetical order: c < ç < d, ı < i, s < ş < t; "İpek" after "Irmak"."""
    lower = text.replace("İ", "i").replace("I", "ı").lower()
    return tuple(_RANK.get(ch, len(_ALPHABET) + ord(ch)) for ch in lower)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isascii() and c.isdigit())


def matches(query: str, first_name: str, last_name: str, phone: str | None) -> bool:
    """A query of letters finds the name (Turkish-folded, every word); one of digits finds the
    phone wherever the digits appear ("0532 123" finds +90532123...)."""
    terms = search_terms(query)
    if not terms:
        return True
    if any(ch.isalpha() for ch in query):
        name = fold(f"{first_name} {last_name}")
        return all(t in name for t in terms)
    digits = _digits(query)
    return len(digits) >= 3 and phone is not None and digits in _digits(phone)


def birthday_in(birth: date, year: int) -> date:
    """The birthday in `year`; 29 February is kept on the 28th in other years."""
    if birth.month == 2 and birth.day == 29:
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return birth.replace(year=year)


def next_birthday(birth: date, today: date) -> date:
    this_year = birthday_in(birth, today.year)
    return this_year if this_year >= today else birthday_in(birth, today.year + 1)


def _keeps(c: ClientFacts, f: BookFilter, now: datetime) -> bool:
    if f.q and not matches(f.q, c.first_name, c.last_name, c.phone):
        return False
    if f.size and fold(f.size) not in {fold(v) for v in c.sizes.values()}:
        return False
    if f.category and fold(f.category) != fold(c.favourite_category or ""):
        return False
    if f.brand and fold(f.brand) != fold(c.favourite_brand or ""):
        return False
    if f.tiers and c.tier not in f.tiers:
        return False
    if f.visited_within_days is not None and (
        c.last_visit is None or c.last_visit < now - timedelta(days=f.visited_within_days)
    ):
        return False
    if f.not_visited_days is not None and (
        c.last_visit is not None and c.last_visit >= now - timedelta(days=f.not_visited_days)
    ):
        return False
    if f.min_spend_kurus is not None and c.spend_kurus < f.min_spend_kurus:
        return False
    if f.max_spend_kurus is not None and c.spend_kurus > f.max_spend_kurus:
        return False
    if f.birth_month is not None and (c.birth_date is None or c.birth_date.month != f.birth_month):
        return False
    return f.back_in_stock is None or c.back_in_stock_here == f.back_in_stock


def select_clients(
    clients: Iterable[ClientFacts],
    f: BookFilter,
    *,
    sort: BookSort,
    direction: Direction | None,
    now: datetime,
) -> list[ClientFacts]:
    """The clients the filter keeps, in the order asked. Clients never seen in a store come
    last whichever way the visits are sorted; equal keys fall back to the id so pages never
    overlap or skip."""
    kept = [c for c in clients if _keeps(c, f, now)]
    descending = (direction or NATURAL_DIRECTION[sort]) == "desc"
    kept.sort(key=lambda c: c.id)
    if sort is BookSort.NAME:
        kept.sort(
            key=lambda c: turkish_sort_key(f"{c.first_name} {c.last_name}"), reverse=descending
        )
    elif sort is BookSort.SPEND:
        kept.sort(key=lambda c: c.spend_kurus, reverse=descending)
    else:
        seen = [c for c in kept if c.last_visit is not None]
        seen.sort(key=lambda c: c.last_visit or now, reverse=descending)
        kept = seen + [c for c in kept if c.last_visit is None]
    return kept


# --- when each task is due ---------------------------------------------------------------------


def after_purchase_due(sale_day: date) -> date:
    return sale_day + timedelta(days=AFTER_PURCHASE_DAYS)


def birthday_task(birth: date, today: date) -> tuple[date, date] | None:
    """(due day, birthday) when the next birthday is at most BIRTHDAY_LEAD_DAYS away."""
    birthday = next_birthday(birth, today)
    due = birthday - timedelta(days=BIRTHDAY_LEAD_DAYS)
    return (due, birthday) if due <= today else None


def cart_abandoned(updated_at: datetime, now: datetime, *, ordered_since: bool) -> bool:
    return not ordered_since and CART_IDLE <= now - updated_at <= CART_LOOKBACK


def hold_runs_out_soon(expires_at: datetime, now: datetime) -> bool:
    return now < expires_at <= now + HOLD_WARNING


def lapsed(last_activity: date, today: date) -> bool:
    return LAPSED_DAYS <= (today - last_activity).days < LAPSED_DAYS + LAPSED_WINDOW_DAYS


def task_owner(assigned: int | None, last_served_by: int | None) -> int | None:
    """The assigned associate, else whoever last sold to or served the client there; None
    leaves the task to the store's managers."""
    return assigned if assigned is not None else last_served_by


# --- a task's state ----------------------------------------------------------------------------


def effective_status(status: TaskStatus, snoozed_until: date | None, today: date) -> TaskStatus:
    if status is TaskStatus.SNOOZED and (snoozed_until is None or snoozed_until <= today):
        return TaskStatus.OPEN
    return status


def due_of(due_on: date, snoozed_until: date | None) -> date:
    """A snoozed task is due the day it wakes: the associate agreed a new day with the client."""
    return snoozed_until if snoozed_until is not None else due_on


def in_scope(
    scope: TaskScope, status: TaskStatus, due_on: date, snoozed_until: date | None, today: date
) -> bool:
    if status is TaskStatus.DONE:
        return False
    if scope == "open":
        return True
    if effective_status(status, snoozed_until, today) is not TaskStatus.OPEN:
        return False
    due = due_of(due_on, snoozed_until)
    return due <= today if scope == "today" else due < today


def done_on_time(done_day: date, due_on: date, snoozed_until: date | None) -> bool:
    return done_day <= due_of(due_on, snoozed_until)


def check_can_finish(status: TaskStatus) -> None:
    if status is TaskStatus.DONE:
        raise Conflict("task-already-done", "Task already done", "This task was done already.")


def check_snooze(status: TaskStatus, until: date, today: date) -> None:
    check_can_finish(status)
    if until <= today:
        raise Invalid(
            "task-snooze-past",
            "Snooze date not in the future",
            f"Snooze until a day after today ({today.isoformat()}).",
        )
    if until > today + timedelta(days=MAX_SNOOZE_DAYS):
        raise Invalid(
            "task-snooze-too-far",
            "Snooze date too far",
            f"A task can be snoozed for at most {MAX_SNOOZE_DAYS} days.",
        )


def check_hand_over(
    status: TaskStatus, *, current: int | None, to: int, same_store: bool, active: bool
) -> None:
    check_can_finish(status)
    if not same_store:
        raise Invalid(
            "task-hand-over-other-store",
            "Colleague of another store",
            "A task is handed over to a colleague of the same store.",
        )
    if not active:
        raise Invalid(
            "task-hand-over-inactive",
            "Colleague not active",
            "This colleague's account is deactivated.",
        )
    if current == to:
        raise Invalid(
            "task-hand-over-same", "Already theirs", "The task is already this colleague's."
        )
