"""Local days and their UTC bounds: app/domain/local_days.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.domain.local_days import (
    EARLIEST_DAY,
    LATEST_DAY,
    MAX_WINDOW_DAYS,
    day_starts,
    days_of,
    local_day,
    local_today,
    window_problem,
)

PROPERTY = settings(max_examples=100, deadline=None, database=None)
ZONES = st.sampled_from(
    ["Europe/Istanbul", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Pacific/Kiritimati"]
)


def test_istanbul_days_start_at_21_utc_the_day_before() -> None:
    starts = day_starts(date(2025, 3, 10), date(2025, 3, 11), "Europe/Istanbul")
    assert starts == [
        datetime(2025, 3, 9, 21, tzinfo=UTC),
        datetime(2025, 3, 10, 21, tzinfo=UTC),
        datetime(2025, 3, 11, 21, tzinfo=UTC),
    ]


def test_a_day_when_the_clocks_go_forward_is_23_hours() -> None:
    # Berlin moved from UTC+1 to UTC+2 at 02:00 on 30 March 2025.
    starts = day_starts(date(2025, 3, 29), date(2025, 3, 31), "Europe/Berlin")
    assert [b - a for a, b in pairwise(starts)] == [
        timedelta(hours=24),
        timedelta(hours=23),
        timedelta(hours=24),
    ]
    assert starts[0] == datetime(2025, 3, 28, 23, tzinfo=UTC)
    assert starts[-1] == datetime(2025, 3, 31, 22, tzinfo=UTC)


def test_local_day_and_today_either_side_of_midnight() -> None:
    assert local_day(datetime(2025, 3, 10, 20, 59, 59, tzinfo=UTC), "Europe/Istanbul") == date(
        2025, 3, 10
    )
    assert local_day(datetime(2025, 3, 10, 21, tzinfo=UTC), "Europe/Istanbul") == date(2025, 3, 11)
    assert local_today("Europe/Istanbul", datetime(2025, 12, 31, 21, 30, tzinfo=UTC)) == date(
        2026, 1, 1
    )


def test_window_problems() -> None:
    first = date(2025, 1, 1)
    assert window_problem(first, first) is None
    assert window_problem(first, first + timedelta(days=MAX_WINDOW_DAYS - 1)) is None
    assert window_problem(first, first + timedelta(days=MAX_WINDOW_DAYS)) == (
        "The window is 93 days; at most 92 days can be reported at once."
    )
    assert window_problem(date(2025, 3, 2), date(2025, 3, 1)) == (
        "last_day (2025-03-01) is before first_day (2025-03-02)."
    )
    assert window_problem(date(1969, 12, 31), first) is not None
    assert window_problem(first, date(9999, 12, 31)) is not None
    assert window_problem(LATEST_DAY, LATEST_DAY) is None


@PROPERTY
@given(
    first=st.dates(min_value=EARLIEST_DAY, max_value=LATEST_DAY),
    length=st.integers(min_value=1, max_value=MAX_WINDOW_DAYS),
    zone=ZONES,
)
# Once drawn by chance and failed: a window starting near the last day there is.
@example(first=date(9999, 12, 1), length=MAX_WINDOW_DAYS, zone="Europe/Istanbul")
def test_every_instant_of_a_day_maps_back_to_that_day(first: date, length: int, zone: str) -> None:
    # Never past LATEST_DAY, without ever adding past date.max (an OverflowError near it).
    last = first + timedelta(days=min(length - 1, (LATEST_DAY - first).days))
    assert window_problem(first, last) is None
    starts = day_starts(first, last, zone)
    days = days_of(first, last)
    assert len(starts) == len(days) + 1
    for day, (start, end) in zip(days, pairwise(starts), strict=True):
        assert start <= end
        if start == end:  # a day the zone skipped: no instant belongs to it
            continue
        assert local_day(start, zone) == day
        assert local_day(end - timedelta(microseconds=1), zone) == day


def test_a_day_the_zone_skipped_has_no_instants() -> None:
    # Kiritimati moved from UTC-10 to UTC+14 at the end of 1994: 31 December never happened.
    starts = day_starts(date(1994, 12, 30), date(1995, 1, 1), "Pacific/Kiritimati")
    assert starts[1] == starts[2]  # 31 December: an empty window
    assert starts[0] < starts[1] < starts[3]
    assert local_day(starts[2], "Pacific/Kiritimati") == date(1995, 1, 1)
