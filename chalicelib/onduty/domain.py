"""On-duty rules (人员在岗在位, 5.1.2-1), pure: key posts, their weekly shifts in park local time, which shift
occurrence holds a moment (overnight shifts belong to the day they start), and when a post fell vacant.

A key post (主要负责人, 安全管理人员, 重大危险源岗位班组长, operators as the enterprise defines) is staffed during
each shift by the people rostered for that occurrence. A rostered person is present while checked in for the
occurrence (until checked out) or while their last position inside the post's area is fresh. A post is vacant
while fewer than `min_present` of them are present; `vacant_since` is when that last began (never before the
shift started).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum

from chalicelib.core import errors
from chalicelib.core.geo import distance_m

WEEK_MIN = 7 * 1440
EARLY_CHECK_IN_MS = 3600 * 1000  # a check-in up to an hour before a shift counts for that shift
# A post's area: near its installation (a tank farm and its control room), else the enterprise's zones or its
# site around the registered location (a chemical plant's fence is rarely more than a kilometre out).
INSTALLATION_RADIUS_M = 300.0
ENTERPRISE_RADIUS_M = 1000.0

INVALID_SHIFTS = errors.define(
    "ONDUTY_INVALID_SHIFTS", 422, "岗位班次设置不合理", "Two shifts of one post overlap, or a shift id repeats."
)
OFF_SHIFT = errors.define(
    "ONDUTY_OFF_SHIFT", 409, "该岗位当前不在班次时间内", "No shift of the post is under way or starts within the hour."
)
NOT_ROSTERED = errors.define(
    "ONDUTY_NOT_ROSTERED", 422, "该人员未排入本班次", "The person is not on the post's roster for this shift."
)
OUTSIDE_AREA = errors.define(
    "ONDUTY_OUTSIDE_AREA", 422, "签到位置不在岗位所在区域", "The check-in position is outside the post's area."
)
CHECKED_IN = errors.define(
    "ONDUTY_CHECKED_IN", 409, "该人员本班次已签到，尚未签退", "An open check-in exists for this person and shift."
)
CHECKED_OUT = errors.define("ONDUTY_CHECKED_OUT", 409, "该签到已签退", "The check-in was already closed.")


class PostKind(StrEnum):
    MAIN_RESPONSIBLE = "main_responsible"  # 主要负责人
    SAFETY_MANAGER = "safety_manager"  # 安全管理人员
    SHIFT_LEADER = "shift_leader"  # 重大危险源岗位班组长
    OPERATOR = "operator"  # 关键岗位操作人员（企业自定）


KIND_LABEL = {
    PostKind.MAIN_RESPONSIBLE: "主要负责人",
    PostKind.SAFETY_MANAGER: "安全管理人员",
    PostKind.SHIFT_LEADER: "重大危险源岗位班组长",
    PostKind.OPERATOR: "关键岗位操作人员",
}


@dataclass(frozen=True)
class Shift:
    """A weekly shift: local `start`-`end` (an end not after the start runs past midnight; equal is 24 h), on the
    ISO weekdays (1 = Monday) it starts on."""

    id: str
    name: str
    start: time
    end: time
    days: frozenset[int]

    @property
    def minutes(self) -> int:
        start, end = self.start.hour * 60 + self.start.minute, self.end.hour * 60 + self.end.minute
        return end - start if end > start else end - start + 1440


@dataclass(frozen=True)
class Occurrence:
    """One shift on one local date (the date it starts): [start_ms, end_ms)."""

    shift: Shift
    day: date
    start_ms: int
    end_ms: int

    @property
    def slot(self) -> str:
        return f"{self.day.isoformat()}#{self.shift.id}"


@dataclass(frozen=True)
class Vacancy:
    """A key post vacant now, during its shift, for longer than the grace period (read by the risk profile)."""

    post_id: str
    post_name: str
    installation_id: str | None
    since_ms: int


def _tz(offset_h: int) -> timezone:
    return timezone(timedelta(hours=offset_h))


def occurrence(shift: Shift, day: date, offset_h: int) -> Occurrence:
    start = datetime.combine(day, shift.start, _tz(offset_h))
    begin = round(start.timestamp() * 1000)
    return Occurrence(shift, day, begin, begin + shift.minutes * 60_000)


def local_time(ms: int, offset_h: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(_tz(offset_h))


def local_date(ms: int, offset_h: int) -> date:
    return local_time(ms, offset_h).date()


def _near(shifts: Iterable[Shift], ms: int, offset_h: int) -> Iterable[Occurrence]:
    """The occurrences starting on the local date of `ms` or the day before (an overnight one)."""
    today = local_date(ms, offset_h)
    for shift in shifts:
        for day in (today, today - timedelta(days=1)):
            if day.isoweekday() in shift.days:
                yield occurrence(shift, day, offset_h)


def current(shifts: Iterable[Shift], now_ms: int, offset_h: int) -> Occurrence | None:
    """The occurrence under way at `now`: today's, or yesterday's overnight one."""
    return next((o for o in _near(shifts, now_ms, offset_h) if o.start_ms <= now_ms < o.end_ms), None)


def check_in_candidates(shifts: Sequence[Shift], now_ms: int, offset_h: int) -> list[Occurrence]:
    """What a check-in at `now` may be for: the shift under way, then those starting within the early hour."""
    under_way = current(shifts, now_ms, offset_h)
    upcoming = sorted(
        (
            o
            for o in _near(shifts, now_ms + EARLY_CHECK_IN_MS, offset_h)
            if 0 < o.start_ms - now_ms <= EARLY_CHECK_IN_MS
        ),
        key=lambda o: o.start_ms,
    )
    return ([under_way] if under_way else []) + upcoming


def check_shifts(shifts: Sequence[Shift]) -> None:
    """Shift ids are unique and no two shifts of a post overlap anywhere in the week (a post has one roster
    at a time); gaps are allowed (a main responsible person works days)."""
    seen: dict[str, int] = {}
    taken: dict[int, int] = {}
    for index, shift in enumerate(shifts):
        if shift.id in seen:
            raise INVALID_SHIFTS(field=f"shifts.{index}.id", reason="duplicate")
        seen[shift.id] = index
        start = shift.start.hour * 60 + shift.start.minute
        for weekday in shift.days:
            base = (weekday - 1) * 1440 + start
            for m in range(base, base + shift.minutes):
                other = taken.setdefault(m % WEEK_MIN, index)
                if other != index:
                    raise INVALID_SHIFTS(field=f"shifts.{index}", reason="overlap", other=shifts[other].id)


def inside(lat: float, lon: float, circles: Iterable[tuple[float, float, float]]) -> bool:
    """True when the point lies in any (lat, lon, radius_m) circle of the post's area."""
    return any(distance_m(lat, lon, c_lat, c_lon) <= radius for c_lat, c_lon, radius in circles)


@dataclass(frozen=True)
class Presence:
    """One stretch a rostered person counted as present: a check-in until check-out, or a fresh position."""

    person_id: str
    start_ms: int
    end_ms: int  # the occurrence's end for an open check-in
    via: str  # "check_in" | "position"


def present_now(stretches: Iterable[Presence], now_ms: int) -> dict[str, Presence]:
    """Each person present at `now`, by the stretch that shows it (a check-in before a position)."""
    out: dict[str, Presence] = {}
    for p in sorted(stretches, key=lambda p: p.via != "check_in"):
        if p.start_ms <= now_ms < p.end_ms:
            out.setdefault(p.person_id, p)
    return out


def vacant_since(occ: Occurrence, stretches: Iterable[Presence], now_ms: int, min_present: int) -> int | None:
    """When the post last fell below `min_present` people present (the shift's start at the earliest), or None
    when it is staffed at `now`. Stretches are clipped to [shift start, now]."""
    events: list[tuple[int, int]] = []
    for p in stretches:
        begin, end = max(p.start_ms, occ.start_ms), min(p.end_ms, now_ms + 1)
        if begin < end:
            events += [(begin, 1), (end, -1)]
    count, since = 0, occ.start_ms
    for at, delta in sorted(events, key=lambda e: (e[0], e[1])):  # an end before a start at the same instant
        if at > now_ms:
            break
        before = count
        count += delta
        if before >= min_present > count:
            since = at
    return None if count >= min_present else since
