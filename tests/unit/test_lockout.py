"""PIN lock-out: app/domain/lockout.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.lockout import PinState, after_failure, after_success, is_locked

PROPERTY = settings(max_examples=100, deadline=None, database=None)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
MAX = 5
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
FRESH = PinState(failures=0, window_started_at=None, locked_until=None)


def fail(state: PinState, now: datetime) -> PinState:
    return after_failure(state, now, max_failures=MAX, window=WINDOW, lock=LOCK)


def fail_times(state: PinState, times: list[datetime]) -> PinState:
    for t in times:
        state = fail(state, t)
    return state


def test_fresh_state_is_not_locked() -> None:
    assert not is_locked(FRESH, T0)


def test_first_failure_opens_a_window() -> None:
    state = fail(FRESH, T0)
    assert state == PinState(failures=1, window_started_at=T0, locked_until=None)
    assert not is_locked(state, T0)


def test_four_failures_do_not_lock() -> None:
    state = fail_times(FRESH, [T0 + timedelta(minutes=i) for i in range(4)])
    assert state.failures == 4
    assert state.window_started_at == T0
    assert not is_locked(state, T0 + timedelta(minutes=4))


def test_five_failures_inside_the_window_lock_for_the_lock_period() -> None:
    times = [T0 + timedelta(minutes=3 * i) for i in range(5)]  # last at +12 min
    state = fail_times(FRESH, times)
    last = times[-1]
    assert state.locked_until == last + LOCK
    assert is_locked(state, last)
    assert is_locked(state, last + LOCK - timedelta(seconds=1))
    assert not is_locked(state, last + LOCK)  # the end is exclusive
    assert not is_locked(state, last + LOCK + timedelta(hours=1))


def test_five_quick_failures_lock() -> None:
    state = fail_times(FRESH, [T0] * 5)
    assert state.locked_until == T0 + LOCK
    assert is_locked(state, T0)


def test_failures_spread_beyond_the_window_do_not_lock() -> None:
    # One failure every 4 minutes: the window (15 min) never holds five.
    state = FRESH
    for i in range(20):
        state = fail(state, T0 + timedelta(minutes=4 * i))
        assert state.locked_until is None
        assert not is_locked(state, T0 + timedelta(minutes=4 * i))


def test_window_boundary_starts_a_new_count() -> None:
    state = fail_times(FRESH, [T0, T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)])
    assert state.failures == 3
    state = fail(state, T0 + WINDOW)  # exactly one window later: outside
    assert state == PinState(failures=1, window_started_at=T0 + WINDOW, locked_until=None)


def test_failure_just_inside_the_window_counts() -> None:
    times = [T0] * 4 + [T0 + WINDOW - timedelta(microseconds=1)]
    assert fail_times(FRESH, times).locked_until is not None


def test_window_does_not_slide() -> None:
    # The window is anchored at the first failure, not the latest one.
    times = [T0, T0 + timedelta(minutes=10), T0 + timedelta(minutes=11), T0 + timedelta(minutes=12)]
    state = fail_times(FRESH, times)
    assert state.failures == 4
    state = fail(state, T0 + timedelta(minutes=16))
    assert state.failures == 1
    assert state.locked_until is None


def test_after_lock_expiry_the_count_restarts() -> None:
    locked = fail_times(FRESH, [T0] * 5)
    assert locked.failures == 0
    assert locked.window_started_at is None
    after = T0 + LOCK + timedelta(seconds=1)
    assert not is_locked(locked, after)
    state = fail(locked, after)
    assert state == PinState(failures=1, window_started_at=after, locked_until=None)
    # and it takes five fresh failures to lock again
    state = fail_times(state, [after] * 3)
    assert state.locked_until is None
    state = fail(state, after)
    assert state.locked_until == after + LOCK


def test_success_resets() -> None:
    assert fail_times(FRESH, [T0] * 4).failures == 4
    assert after_success() == FRESH
    # four failures, a success, then four more: still not locked
    state = fail_times(after_success(), [T0 + timedelta(minutes=1)] * 4)
    assert state.failures == 4
    assert state.locked_until is None


def test_custom_limits() -> None:
    state = after_failure(
        FRESH, T0, max_failures=1, window=timedelta(seconds=1), lock=timedelta(hours=2)
    )
    assert state.locked_until == T0 + timedelta(hours=2)


@given(st.lists(st.integers(0, 60 * 60), max_size=30))
@PROPERTY
def test_never_locks_without_five_failures_within_one_window(offsets: list[int]) -> None:
    times = [T0 + timedelta(seconds=s) for s in sorted(offsets)]
    state = FRESH
    window_start: datetime | None = None
    count = 0
    locked_until: datetime | None = None
    for t in times:
        before = state
        state = fail(state, t)
        # reference model of the rule: a wrong PIN during the lock changes nothing
        if locked_until is not None and t < locked_until:
            assert state == before
            continue
        if window_start is not None and t - window_start < WINDOW:
            count += 1
        else:
            window_start, count = t, 1
        if count >= MAX:
            assert state.locked_until == t + LOCK
            window_start, count, locked_until = None, 0, t + LOCK
        else:
            assert state.locked_until is None
            assert state.failures == count
        assert 0 <= state.failures < MAX
