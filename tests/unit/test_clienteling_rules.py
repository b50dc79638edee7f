"""The client book's and the follow-up tasks' pure rules (app/domain/clienteling.py): which
clients a filter keeps and in what order, Turkish search and sorting, when each task is due,
and which changes a task's state allows."""

from __future__ import annotations

import calendar
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.domain import clienteling as rules
from app.domain.clienteling import BookFilter, BookSort, ClientFacts, TaskStatus
from app.domain.errors import Conflict, Invalid
from app.domain.text import fold

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)
)
TURKISH = "abcçdefgğhıijklmnoöprsştuüvyzABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ"
names = st.text(alphabet=TURKISH, min_size=1, max_size=12)


def _client(i: int, **kw: object) -> ClientFacts:
    values: dict[str, object] = {
        "id": i,
        "first_name": "Ayşe",
        "last_name": "Yılmaz",
        "phone": "+905321234567",
        "tier": "classic",
        "sizes": {},
        "birth_date": None,
        "last_visit": None,
        "spend_kurus": 0,
        "favourite_category": None,
        "favourite_brand": None,
        "back_in_stock_here": False,
        "open_tasks": 0,
        "assigned": False,
    }
    values.update(kw)
    return ClientFacts(**values)  # type: ignore[arg-type]


clients = st.builds(
    lambda i, first, last, spend, visit, tier, size, birth, stock: _client(
        i,
        first_name=first,
        last_name=last,
        spend_kurus=spend,
        last_visit=visit,
        tier=tier,
        sizes={"top": size} if size else {},
        birth_date=birth,
        back_in_stock_here=stock,
    ),
    st.integers(1, 10_000),
    names,
    names,
    st.integers(0, 10**8),
    st.none() | moments,
    st.sampled_from(["classic", "silver", "gold", "platinum"]),
    st.none() | st.sampled_from(["S", "M", "L", "42"]),
    st.none() | days,
    st.booleans(),
)
books = st.lists(clients, max_size=30, unique_by=lambda c: c.id)


# --- the book ----------------------------------------------------------------------------------


def test_turkish_alphabetical_order() -> None:
    people = ["Şule", "Sude", "Çağla", "Cem", "İpek", "Irmak", "Ümit", "Uğur", "Öykü", "Ozan"]
    assert sorted(people, key=rules.turkish_sort_key) == [
        "Cem", "Çağla", "Irmak", "İpek", "Ozan", "Öykü", "Sude", "Şule", "Uğur", "Ümit",
    ]  # fmt: skip


@given(st.text(alphabet=TURKISH, min_size=1, max_size=1), st.text(alphabet=TURKISH, max_size=1))
def test_the_key_follows_the_alphabet_letter_by_letter(a: str, b: str) -> None:
    lower = "abcçdefgğhıijklmnoöprsştuüvyz"
    as_lower = {**{c: c for c in lower}, **dict(zip("IİÇĞÖŞÜ", "ıiçğöşü", strict=True))}
    la = as_lower.get(a, a.lower())
    lb = as_lower.get(b, b.lower()) if b else ""
    expected = (lower.index(la),) < ((lower.index(lb),) if lb else ())
    assert (rules.turkish_sort_key(a) < rules.turkish_sort_key(b)) == expected


@given(names, names)
def test_a_name_is_found_however_it_is_typed(first: str, last: str) -> None:
    for query in (first, last.upper(), fold(first), f"{fold(last)} {first.lower()}"):
        assume(any(ch.isalpha() for ch in query))
        assert rules.matches(query, first, last, None)


def test_search_examples() -> None:
    assert rules.matches("İPEK", "ipek", "Çelik", None)
    assert rules.matches("ırmak uğur", "Irmak", "Uğur", None)
    assert rules.matches("sule isik", "Şule", "Işık", None)
    assert not rules.matches("şule demir", "Şule", "Işık", None)
    assert rules.matches("0532 123", "A", "B", "+905321234567")
    assert rules.matches("4567", "A", "B", "+905321234567")
    assert not rules.matches("45", "A", "B", "+905321234567")  # too few digits to mean anything
    assert not rules.matches("0533", "A", "B", "+905321234567")
    assert not rules.matches("0532", "A", "B", None)


@given(st.from_regex(r"\+90[0-9]{10}", fullmatch=True), st.data())
def test_any_three_digits_of_the_phone_find_it(phone: str, data: st.DataObject) -> None:
    digits = phone[1:]
    start = data.draw(st.integers(0, len(digits) - 3))
    end = data.draw(st.integers(start + 3, len(digits)))
    assert rules.matches(digits[start:end], "A", "B", phone)


@given(st.dictionaries(names, st.integers(0, 50), max_size=6), st.randoms())
def test_the_favourite_is_the_most_frequent_whatever_the_row_order(
    counts: dict[str, int], rnd: object
) -> None:
    best = rules.favourite(counts)
    if not any(counts.values()):
        assert best is None
        return
    assert best is not None and counts[best] == max(counts.values())
    shuffled = list(counts.items())
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert rules.favourite(dict(shuffled)) == best


@given(books, st.sampled_from(list(BookSort)), st.sampled_from(["asc", "desc", None]))
def test_a_sort_orders_every_client_once(
    book: list[ClientFacts], sort: BookSort, direction: rules.Direction | None
) -> None:
    out = rules.select_clients(book, BookFilter(), sort=sort, direction=direction, now=NOW)
    assert sorted(c.id for c in out) == sorted(c.id for c in book)
    descending = (direction or rules.NATURAL_DIRECTION[sort]) == "desc"
    for a, b in itertools.pairwise(out):
        if sort is BookSort.SPEND:
            assert (
                (a.spend_kurus >= b.spend_kurus) if descending else a.spend_kurus <= b.spend_kurus
            )
        elif sort is BookSort.NAME:
            ka = rules.turkish_sort_key(f"{a.first_name} {a.last_name}")
            kb = rules.turkish_sort_key(f"{b.first_name} {b.last_name}")
            assert (ka >= kb) if descending else ka <= kb
        elif a.last_visit is None:
            assert b.last_visit is None  # never seen in a store: last, either way
        elif b.last_visit is not None:
            assert (a.last_visit >= b.last_visit) if descending else a.last_visit <= b.last_visit


@given(books, st.integers(1, 7))
def test_pages_neither_overlap_nor_skip(book: list[ClientFacts], size: int) -> None:
    for sort in BookSort:
        out = rules.select_clients(book, BookFilter(), sort=sort, direction=None, now=NOW)
        again = rules.select_clients(
            list(reversed(book)), BookFilter(), sort=sort, direction=None, now=NOW
        )
        assert [c.id for c in out] == [c.id for c in again]  # ties: by id, not by input order
        pages = [out[i : i + size] for i in range(0, len(out), size)]
        assert [c.id for page in pages for c in page] == [c.id for c in out]


filters = st.builds(
    BookFilter,
    size=st.none() | st.sampled_from(["m", "S", "42"]),
    tiers=st.frozensets(st.sampled_from(["classic", "gold"]), max_size=2),
    visited_within_days=st.none() | st.integers(0, 400),
    not_visited_days=st.none() | st.integers(0, 400),
    min_spend_kurus=st.none() | st.integers(0, 10**8),
    max_spend_kurus=st.none() | st.integers(0, 10**8),
    birth_month=st.none() | st.integers(1, 12),
    back_in_stock=st.none() | st.booleans(),
)


@given(books, filters)
def test_a_filter_keeps_exactly_the_clients_that_satisfy_it(
    book: list[ClientFacts], f: BookFilter
) -> None:
    kept = {
        c.id for c in rules.select_clients(book, f, sort=BookSort.NAME, direction=None, now=NOW)
    }
    for c in book:
        visit_age = None if c.last_visit is None else NOW - c.last_visit
        satisfies = (
            (f.size is None or fold(f.size) in {fold(v) for v in c.sizes.values()})
            and (not f.tiers or c.tier in f.tiers)
            and (
                f.visited_within_days is None
                or (visit_age is not None and visit_age <= timedelta(days=f.visited_within_days))
            )
            and (
                f.not_visited_days is None
                or visit_age is None
                or visit_age > timedelta(days=f.not_visited_days)
            )
            and (f.min_spend_kurus is None or c.spend_kurus >= f.min_spend_kurus)
            and (f.max_spend_kurus is None or c.spend_kurus <= f.max_spend_kurus)
            and (
                f.birth_month is None
                or (c.birth_date is not None and c.birth_date.month == f.birth_month)
            )
            and (f.back_in_stock is None or c.back_in_stock_here == f.back_in_stock)
        )
        assert (c.id in kept) == satisfies


def test_favourites_filter_by_folded_name() -> None:
    book = [_client(1, favourite_category="Ayakkabı", favourite_brand="Çınar"), _client(2)]
    keep = rules.select_clients(
        book, BookFilter(category="AYAKKABI", brand="cinar"), sort=BookSort.NAME, direction=None,
        now=NOW,
    )  # fmt: skip
    assert [c.id for c in keep] == [1]


# --- when tasks are due ------------------------------------------------------------------------


@given(days, st.integers(2000, 2090))
def test_a_birthday_falls_on_its_day_or_the_28th_of_february(birth: date, year: int) -> None:
    day = rules.birthday_in(birth, year)
    assert day.year == year
    if (birth.month, birth.day) == (2, 29) and not calendar.isleap(year):
        assert (day.month, day.day) == (2, 28)
    else:
        assert (day.month, day.day) == (birth.month, birth.day)


@given(days, days)
def test_the_birthday_task_comes_in_the_week_before(birth: date, today: date) -> None:
    nxt = rules.next_birthday(birth, today)
    assert today <= nxt < today + timedelta(days=367)
    found = rules.birthday_task(birth, today)
    if (nxt - today).days <= rules.BIRTHDAY_LEAD_DAYS:
        assert found == (nxt - timedelta(days=rules.BIRTHDAY_LEAD_DAYS), nxt)
    else:
        assert found is None


def test_birthday_examples() -> None:
    assert rules.birthday_task(date(1990, 1, 2), date(2026, 12, 28)) == (
        date(2026, 12, 26),
        date(2027, 1, 2),
    )
    assert rules.birthday_task(date(1992, 2, 29), date(2027, 2, 21)) == (
        date(2027, 2, 21),
        date(2027, 2, 28),
    )
    assert rules.birthday_task(date(1990, 6, 10), date(2026, 6, 2)) is None


@given(days)
def test_the_after_purchase_call_is_three_days_on(sale: date) -> None:
    assert rules.after_purchase_due(sale) - sale == timedelta(days=rules.AFTER_PURCHASE_DAYS)


@given(moments, st.integers(-100, 24 * 20), st.booleans())
def test_a_cart_is_abandoned_after_a_day_for_two_weeks(
    now: datetime, hours_ago: int, ordered: bool
) -> None:
    left = now - timedelta(hours=hours_ago)
    expected = not ordered and 24 <= hours_ago <= 14 * 24
    assert rules.cart_abandoned(left, now, ordered_since=ordered) == expected


@given(moments, st.integers(-48 * 60, 48 * 60))
def test_a_hold_runs_out_soon_within_a_day(now: datetime, minutes: int) -> None:
    assert rules.hold_runs_out_soon(now + timedelta(minutes=minutes), now) == (
        0 < minutes <= 24 * 60
    )


@pytest.mark.parametrize(
    ("days_ago", "lapsed"), [(119, False), (120, True), (179, True), (180, False), (400, False)]
)
def test_a_lapse_is_noticed_in_its_first_two_months(days_ago: int, lapsed: bool) -> None:
    today = date(2026, 11, 22)
    assert rules.lapsed(today - timedelta(days=days_ago), today) is lapsed


@given(st.none() | st.integers(1, 9), st.none() | st.integers(1, 9))
def test_the_assigned_associate_holds_the_task_before_the_last_to_serve(
    assigned: int | None, served: int | None
) -> None:
    owner = rules.task_owner(assigned, served)
    assert owner == (assigned if assigned is not None else served)


# --- a task's state ----------------------------------------------------------------------------

statuses = st.sampled_from(list(TaskStatus))


@given(statuses, days, st.none() | days, days)
def test_overdue_is_within_today_is_within_open(
    status: TaskStatus, due: date, until: date | None, today: date
) -> None:
    assume(status is not TaskStatus.SNOOZED or until is not None)
    overdue = rules.in_scope("overdue", status, due, until, today)
    today_ = rules.in_scope("today", status, due, until, today)
    open_ = rules.in_scope("open", status, due, until, today)
    assert not overdue or today_
    assert not today_ or open_
    assert open_ == (status is not TaskStatus.DONE)


def test_a_snooze_hides_a_task_until_its_day_which_it_is_then_due() -> None:
    today = date(2026, 11, 22)
    snoozed, due = TaskStatus.SNOOZED, date(2026, 11, 20)
    assert not rules.in_scope("today", snoozed, due, today + timedelta(days=1), today)
    assert rules.in_scope("open", snoozed, due, today + timedelta(days=1), today)
    assert rules.effective_status(snoozed, today, today) is TaskStatus.OPEN
    assert rules.in_scope("today", snoozed, due, today, today)
    assert not rules.in_scope("overdue", snoozed, due, today, today)  # due the day it woke
    assert rules.done_on_time(today, due, today) and not rules.done_on_time(today, due, None)


@given(statuses, days, days)
def test_snoozing_needs_a_later_day_within_ninety(
    status: TaskStatus, until: date, today: date
) -> None:
    ahead = (until - today).days
    if status is TaskStatus.DONE:
        with pytest.raises(Conflict):
            rules.check_snooze(status, until, today)
    elif ahead <= 0 or ahead > rules.MAX_SNOOZE_DAYS:
        with pytest.raises(Invalid) as err:
            rules.check_snooze(status, until, today)
        assert err.value.kind == ("task-snooze-past" if ahead <= 0 else "task-snooze-too-far")
    else:
        rules.check_snooze(status, until, today)


def test_done_twice_is_a_conflict() -> None:
    rules.check_can_finish(TaskStatus.OPEN)
    rules.check_can_finish(TaskStatus.SNOOZED)
    with pytest.raises(Conflict) as err:
        rules.check_can_finish(TaskStatus.DONE)
    assert err.value.kind == "task-already-done"


@pytest.mark.parametrize(
    ("status", "current", "same_store", "active", "kind"),
    [
        (TaskStatus.DONE, 1, True, True, "task-already-done"),
        (TaskStatus.OPEN, 1, False, True, "task-hand-over-other-store"),
        (TaskStatus.OPEN, 1, True, False, "task-hand-over-inactive"),
        (TaskStatus.OPEN, 2, True, True, "task-hand-over-same"),
        (TaskStatus.SNOOZED, None, True, True, None),
        (TaskStatus.OPEN, 1, True, True, None),
    ],
)
def test_hand_over_refusals(
    status: TaskStatus, current: int | None, same_store: bool, active: bool, kind: str | None
) -> None:
    call = lambda: rules.check_hand_over(  # noqa: E731
        status, current=current, to=2, same_store=same_store, active=active
    )
    if kind is None:
        call()
        return
    with pytest.raises((Conflict, Invalid)) as err:
        call()
    assert err.value.kind == kind
