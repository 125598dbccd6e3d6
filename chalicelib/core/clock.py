"""The one clock: every timestamp, timer and SLA reads it, so tests can freeze and move time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta


class Clock:
    """Wall clock in UTC milliseconds."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class FrozenClock(Clock):
    """A clock that only moves when told to (tests, simulations)."""

    def __init__(self, start_ms: int) -> None:
        self._ms = start_ms

    def now_ms(self) -> int:
        return self._ms

    def advance(self, seconds: float) -> None:
        self._ms += round(seconds * 1000)

    def set(self, ms: int) -> None:
        self._ms = ms


_current: Clock = Clock()


def now_ms() -> int:
    """Current time, epoch milliseconds UTC."""
    return _current.now_ms()


def now() -> datetime:
    """Current time as an aware UTC datetime."""
    return from_ms(_current.now_ms())


def iso(ms: int) -> str:
    """Epoch milliseconds as ISO-8601 UTC with a Z suffix (what Step Functions timestamps accept).

    isoformat, not strftime: glibc's %Y does not pad, and "408-03-12T..." is not ISO-8601 (nor readable back)."""
    return from_ms(ms).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@contextmanager
def use(clock: Clock) -> Iterator[Clock]:
    """Swap the process clock for the duration of a block."""
    global _current
    previous, _current = _current, clock
    try:
        yield clock
    finally:
        _current = previous


def to_ms(value: datetime) -> int:
    """An aware datetime (naive means UTC) as epoch milliseconds."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return round(value.timestamp() * 1000)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def from_ms(ms: int) -> datetime:
    """Epoch milliseconds as an aware UTC datetime, exactly (no float division)."""
    return _EPOCH + timedelta(milliseconds=ms)
