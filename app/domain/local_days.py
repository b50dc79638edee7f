"""Local days of the store's time zone, and where they begin and end in UTC.

A window of days runs from first_day 00:00 local to (last_day + 1) 00:00 local. Counted in UTC
that is not a whole number of 24-hour days wherever the clocks change, so each day's bounds come
from the zone's rules, never from adding hours to the first one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_WINDOW_DAYS = 92
# Far enough inside date's range that converting a local midnight to UTC, in any zone, and
# adding the day after the window never overflows.
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(9999, 12, 30)


def local_today(tz: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


def local_day(at: datetime, tz: str) -> date:
    """The local day an aware instant falls on."""
    return at.astimezone(ZoneInfo(tz)).date()


def window_problem(first_day: date, last_day: date, max_days: int = MAX_WINDOW_DAYS) -> str | None:
    """Why the window of days cannot be reported on, or None when it can."""
    for name, day in (("first_day", first_day), ("last_day", last_day)):
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            return f"{name} must be between {EARLIEST_DAY} and {LATEST_DAY}."
    if last_day < first_day:
        return f"last_day ({last_day}) is before first_day ({first_day})."
    days = (last_day - first_day).days + 1
    if days > max_days:
        return f"The window is {days} days; at most {max_days} days can be reported at once."
    return None


def days_of(first_day: date, last_day: date) -> list[date]:
    return [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]


def day_starts(first_day: date, last_day: date, tz: str) -> list[datetime]:
    """The UTC instant each day of the window starts, then the instant the window ends:
    one more element than there are days, strictly increasing."""
    zone = ZoneInfo(tz)
    return [
        datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        for day in days_of(first_day, last_day + timedelta(days=1))
    ]
