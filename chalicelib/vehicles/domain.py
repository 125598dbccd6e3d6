"""Hazmat vehicle tracking rules (危险化学品运输车辆定位追踪与停车场管理, 5.3.1), pure.

Each position of a vehicle is judged against its trip: the approved route's corridor (路线走廊: the route's line
and width), the speed limit where it is (the lowest of the route's, the zones' it is in and the park's), how long
it has been in the park (停留时长, the Tianmen ≤ 6 h practice), where it stands still (only on a designated
hazmat parking lot, 危化品停车场) and whether that lot admits it (准入清单). The result is the set of conditions
that hold now; the service raises an alarm when one starts and clears it when it ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from chalicelib.core.geo import distance_m, distance_to_line_m, point_in_ring

STOP_KMH = 3.0  # below this a locator's fix is "standing" (GNSS jitter of a parked truck stays under it)
STALE_RESUME_M = 50.0  # a fix this far from a stop ends it even when the reported speed is zero


class Condition(StrEnum):
    """Stable codes of the vehicle conditions (alarm kinds are `vehicle_<code>`; docs/closed-park.md)."""

    OFF_ROUTE = "off_route"  # 偏离核定运输路线走廊
    SPEEDING = "speeding"  # 超过限速
    OVERSTAY = "overstay"  # 在园停留超时
    STOPPED_OUTSIDE_LOT = "stopped_outside_lot"  # 在危化品停车场以外停车
    NOT_ADMITTED = "not_admitted"  # 停入未准入的停车场
    OVER_CAPACITY = "over_capacity"  # 停车场超出车位（停车场的条件，不属于某辆车）


LABEL = {
    Condition.OFF_ROUTE: "偏离核定运输路线",
    Condition.SPEEDING: "超速行驶",
    Condition.OVERSTAY: "在园停留超时",
    Condition.STOPPED_OUTSIDE_LOT: "在危化品停车场外停车",
    Condition.NOT_ADMITTED: "停入未准入的危化品停车场",
    Condition.OVER_CAPACITY: "危化品停车场超出车位",
}
HIGH = frozenset({Condition.OFF_ROUTE, Condition.STOPPED_OUTSIDE_LOT})  # the rest are medium priority
TIMED = frozenset({Condition.OVERSTAY, Condition.STOPPED_OUTSIDE_LOT})  # can start with no new fix (the sweep)


@dataclass(frozen=True)
class Fix:
    """One locator position; `speed_kmh` None: the locator did not report one (derived from the last fix)."""

    at_ms: int
    lat: float
    lon: float
    speed_kmh: float | None = None


@dataclass(frozen=True)
class Corridor:
    """An approved route: its line ([lon, lat] vertices), full width in m, and its own speed limit."""

    line: Sequence[Sequence[float]]
    width_m: float
    speed_limit_kmh: float | None = None

    def offset_m(self, lat: float, lon: float) -> float:
        """How far outside the corridor the point is (0 inside)."""
        return max(0.0, distance_to_line_m(lat, lon, self.line) - self.width_m / 2)


@dataclass(frozen=True)
class Lot:
    """A hazmat parking lot: ring of [lon, lat], capacity, and who it admits (all empty: every hazmat vehicle)."""

    id: str
    ring: Sequence[Sequence[float]]
    capacity: int
    plates: frozenset[str] = frozenset()
    carriers: frozenset[str] = frozenset()
    enterprises: frozenset[str] = frozenset()

    def admits(self, plate: str, carrier: str | None, enterprise_id: str | None) -> bool:
        if not (self.plates or self.carriers or self.enterprises):
            return True
        return plate in self.plates or carrier in self.carriers or enterprise_id in self.enterprises


@dataclass(frozen=True)
class Limits:
    dwell_max_ms: int  # longest stay in the park (default 6 h)
    stop_max_ms: int  # longest stop outside a lot before it alarms
    park_speed_kmh: float  # the park's general limit


@dataclass(frozen=True)
class Track:
    """What is known of a vehicle on its current trip before a fix."""

    plate: str
    entered_ms: int
    last: Fix | None = None
    stopped_since_ms: int | None = None
    lot_id: str | None = None
    carrier: str | None = None
    enterprise_id: str | None = None
    open: frozenset[Condition] = frozenset()


@dataclass(frozen=True)
class Verdict:
    """A fix judged: the track after it, its state and speed, and the conditions that hold now."""

    track: Track
    state: str  # moving | stopped | parked
    speed_kmh: float
    limit_kmh: float
    offset_m: float | None  # outside the route corridor by (None: no approved route)
    conditions: frozenset[Condition] = field(default_factory=frozenset)


def speed_of(prev: Fix | None, fix: Fix) -> float:
    """The reported speed, else the one between the last two fixes (0 for the first)."""
    if fix.speed_kmh is not None:
        return fix.speed_kmh
    if prev is None or fix.at_ms <= prev.at_ms:
        return 0.0
    return distance_m(prev.lat, prev.lon, fix.lat, fix.lon) / ((fix.at_ms - prev.at_ms) / 1000) * 3.6


def lot_at(lots: Iterable[Lot], lat: float, lon: float) -> Lot | None:
    return next((lot for lot in lots if point_in_ring(lat, lon, lot.ring)), None)


def limit_at(corridor: Corridor | None, zone_limits: Iterable[float], park_kmh: float) -> float:
    """The strictest applicable limit: the park's, the route's and those of the zones the vehicle is in."""
    found = [park_kmh, *zone_limits]
    if corridor is not None and corridor.speed_limit_kmh is not None:
        found.append(corridor.speed_limit_kmh)
    return min(found)


def timed(track: Track, now_ms: int, limits: Limits) -> frozenset[Condition]:
    """The conditions that time alone brings about (a parked truck sends nothing new): overstay, a long stop."""
    found = set()
    if now_ms - track.entered_ms > limits.dwell_max_ms:
        found.add(Condition.OVERSTAY)
    stopped = track.stopped_since_ms
    if stopped is not None and track.lot_id is None and now_ms - stopped >= limits.stop_max_ms:
        found.add(Condition.STOPPED_OUTSIDE_LOT)
    return frozenset(found)


def judge(
    track: Track,
    fix: Fix,
    corridor: Corridor | None,
    lots: Sequence[Lot],
    zone_limits: Iterable[float],
    limits: Limits,
) -> Verdict:
    """Judge one fix newer than the track's last one."""
    speed = speed_of(track.last, fix)
    standing = speed < STOP_KMH
    prev = track.last
    if standing and prev is not None and distance_m(prev.lat, prev.lon, fix.lat, fix.lon) > STALE_RESUME_M:
        standing = False  # it moved between two sparse fixes: a new stop starts here
    since = track.stopped_since_ms
    stopped_since = (fix.at_ms if since is None else since) if standing else None
    lot = lot_at(lots, fix.lat, fix.lon)
    after = replace(track, last=fix, stopped_since_ms=stopped_since, lot_id=lot.id if lot else None)
    limit = limit_at(corridor, zone_limits, limits.park_speed_kmh)
    offset = corridor.offset_m(fix.lat, fix.lon) if corridor is not None else None
    found = set(timed(after, fix.at_ms, limits))
    if offset is not None and offset > 0:
        found.add(Condition.OFF_ROUTE)
    if speed > limit:
        found.add(Condition.SPEEDING)
    if lot is not None and standing and not lot.admits(track.plate, track.carrier, track.enterprise_id):
        found.add(Condition.NOT_ADMITTED)
    state = "moving" if not standing else ("parked" if lot is not None else "stopped")
    return Verdict(after, state, round(speed, 1), limit, None if offset is None else round(offset, 1), frozenset(found))


def still(track: Track, now_ms: int, limits: Limits) -> frozenset[Condition]:
    """The conditions of a vehicle that sent nothing new: the open ones a fix decides stay as they were, the
    timed ones are judged again at `now_ms`."""
    return frozenset((track.open - TIMED) | timed(track, now_ms, limits))


def transitions(before: frozenset[Condition], after: frozenset[Condition]) -> tuple[list[Condition], list[Condition]]:
    """(raised, cleared): one alarm per vehicle and condition, raised when it starts and cleared when it ends."""
    return sorted(after - before), sorted(before - after)
