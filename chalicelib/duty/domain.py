"""Duty rules (pure): which shift is on at a given moment, in park local time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from chalicelib.core import errors

INVALID_ROSTER = errors.define("INVALID_ROSTER", 422, "排班表不合理", "Shifts must cover the day without overlapping.")


@dataclass(frozen=True)
class OnDutyPerson:
    """Someone rostered on the shift on duty now, as other contexts read them (duty.service.escalation_chain)."""

    subject: str
    name: str
    phone: str


@dataclass(frozen=True)
class Shift:
    id: str
    name: str
    start: time  # local time; a shift whose end is not after its start runs past midnight
    end: time

    def crosses_midnight(self) -> bool:
        return self.end <= self.start


def local_now(now_ms: int, offset_h: int) -> datetime:
    return datetime.fromtimestamp(now_ms / 1000, UTC).astimezone(timezone(timedelta(hours=offset_h)))


def check_shifts(shifts: list[Shift]) -> None:
    """Shifts must cover all 24 hours exactly once (7x24 duty, 6.3.1-1)."""
    minutes = [0] * 1440
    for s in shifts:
        start, end = s.start.hour * 60 + s.start.minute, s.end.hour * 60 + s.end.minute
        span = range(start, end) if not s.crosses_midnight() else [*range(start, 1440), *range(end)]
        for m in span:
            minutes[m] += 1
    if any(n != 1 for n in minutes):
        gap = next(i for i, n in enumerate(minutes) if n != 1)
        kind = "gap" if minutes[gap] == 0 else "overlap"
        raise INVALID_ROSTER(details={"field": "shifts", "reason": kind, "at": f"{gap // 60:02d}:{gap % 60:02d}"})


def shift_at(shifts: list[Shift], moment: datetime) -> tuple[Shift, date]:
    """The shift on duty at a local moment, and the date it started on."""
    t = moment.time().replace(second=0, microsecond=0)
    for s in shifts:
        if not s.crosses_midnight() and s.start <= t < s.end:
            return s, moment.date()
        if s.crosses_midnight():
            if t >= s.start:
                return s, moment.date()
            if t < s.end:
                return s, moment.date() - timedelta(days=1)
    raise INVALID_ROSTER(details={"reason": "no shift covers this time", "at": t.isoformat()})


def next_shift(shifts: list[Shift], current: Shift, started: date) -> tuple[Shift, date]:
    """The shift that takes over from `current` (handover target)."""
    ordered = sorted(shifts, key=lambda s: s.start)
    i = ordered.index(current)
    following = ordered[(i + 1) % len(ordered)]
    day = started + timedelta(days=1) if i + 1 == len(ordered) or current.crosses_midnight() else started
    return following, day
