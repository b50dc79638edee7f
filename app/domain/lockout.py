"""PIN lock-out: N wrong PINs within a window lock the associate for a while."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class PinState:
    failures: int
    window_started_at: datetime | None
    locked_until: datetime | None


def is_locked(state: PinState, now: datetime) -> bool:
    return state.locked_until is not None and now < state.locked_until


def after_failure(
    state: PinState, now: datetime, *, max_failures: int, window: timedelta, lock: timedelta
) -> PinState:
    if is_locked(state, now):
        return state  # a wrong PIN during the lock neither extends nor lifts it
    in_window = state.window_started_at is not None and now - state.window_started_at < window
    failures = state.failures + 1 if in_window else 1
    started = state.window_started_at if in_window else now
    locked_until = now + lock if failures >= max_failures else None
    if locked_until is not None:
        # The lock starts a fresh count: after it, the associate gets N tries again.
        return PinState(failures=0, window_started_at=None, locked_until=locked_until)
    return PinState(failures=failures, window_started_at=started, locked_until=None)


def after_success() -> PinState:
    return PinState(failures=0, window_started_at=None, locked_until=None)
