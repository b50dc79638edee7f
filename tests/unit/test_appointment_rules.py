"""The appointment rules the tablet offers times with (app/domain/appointments.py): every
start it offers is one the API's own check takes, none overlaps a taken quarter-hour, and
none is missed. Property-based: any day's taken quarter-hours, any kind, any "now"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain import appointments as rules
from app.domain.appointments import SLOT, AppointmentKind
from app.domain.errors import Invalid

TZ = "Europe/Istanbul"
DAY = date(2027, 1, 12)
OPENS, CLOSES = rules.day_bounds(DAY, TZ)
QUARTERS = int((CLOSES - OPENS) / SLOT)


@given(
    kind=st.sampled_from(list(AppointmentKind)),
    taken=st.sets(st.integers(0, QUARTERS - 1), max_size=QUARTERS),
    # From a day before to well past BOOK_AHEAD before the day: every start's fate is met.
    now_minutes=st.integers(-70 * 24 * 60, 11 * 60 + 30),
)
def test_free_starts_are_exactly_the_bookable_clear_ones(
    kind: AppointmentKind, taken: set[int], now_minutes: int
) -> None:
    busy = {OPENS + i * SLOT for i in taken}
    now = OPENS + timedelta(minutes=now_minutes)
    offered = rules.free_starts(kind, OPENS, CLOSES, busy, now)
    for i in range(QUARTERS):
        start = OPENS + i * SLOT
        held = set(rules.slots(kind, start))
        try:
            rules.check_start(kind, start, now, TZ)
            bookable = True
        except Invalid:
            bookable = False
        assert (start in offered) == (bookable and not held & busy), start
    assert offered == sorted(offered)


def test_a_free_day_offers_every_quarter_hour_to_the_last_that_ends_by_closing() -> None:
    early = datetime(2027, 1, 1, tzinfo=UTC)
    styling = rules.free_starts(AppointmentKind.STYLING, OPENS, CLOSES, set(), early)
    assert styling[0] == OPENS and styling[-1] == CLOSES - timedelta(minutes=45)
    assert len(styling) == QUARTERS - 2


def test_nothing_is_offered_beyond_book_ahead() -> None:
    now = OPENS - rules.BOOK_AHEAD + timedelta(hours=5)  # 15:00 on the last bookable day
    offered = rules.free_starts(AppointmentKind.PICKUP, OPENS, CLOSES, set(), now)
    assert offered == [OPENS + i * SLOT for i in range(21)]  # 10:00 .. 15:00


def test_the_reminder_channel_and_whom_to_remind() -> None:
    def ch(**kw: object) -> str | None:
        facts: dict[str, object] = {"email": "a@b.c", "email_consent": True, "phone": "+905320000000", "sms_consent": True}  # fmt: skip
        return rules.reminder_channel(**(facts | kw))  # type: ignore[arg-type]

    assert ch() == "email"
    assert ch(email_works=False) == "sms"  # a server without e-mail: SMS if opted in
    assert ch(email_consent=False) == "sms"
    assert ch(email_consent=False, sms_consent=False) is None
    assert ch(email=None, phone=None) is None
    start = OPENS + timedelta(days=3)
    assert rules.wants_reminder(start - timedelta(days=2), start)
    assert not rules.wants_reminder(start - timedelta(hours=3), start)
