"""On-duty rules without AWS: which shift occurrence holds a moment (overnight shifts, weekdays, the hour of
early check-in), shift overlaps, presence stretches and when a post fell vacant."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from chalicelib.core.errors import AppError
from chalicelib.onduty import domain
from chalicelib.onduty.domain import Presence, Shift

ALL = frozenset(range(1, 8))
DAY = Shift("day", "白班", time(8), time(20), ALL)
NIGHT = Shift("night", "夜班", time(20), time(8), ALL)
OFFICE = Shift("office", "常白班", time(8, 30), time(17, 30), frozenset({1, 2, 3, 4, 5}))
H = 3600_000


PARK = timezone(timedelta(hours=8))


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> int:
    """Epoch ms of a park local time (UTC+8)."""
    return int(datetime(y, m, d, hh, mm, tzinfo=PARK).timestamp() * 1000)


def test_the_helper_reads_park_local_time():
    assert domain.local_time(at(2026, 12, 7, 3, 15), 8).strftime("%Y-%m-%d %H:%M") == "2026-12-07 03:15"
    assert domain.local_time(at(2026, 12, 7, 21), 8).strftime("%Y-%m-%d %H:%M") == "2026-12-07 21:00"


def test_an_overnight_shift_belongs_to_the_day_it_starts_on():
    occ = domain.current([DAY, NIGHT], at(2026, 12, 8, 3), 8)  # Tuesday 03:00
    assert occ is not None and (occ.shift.id, occ.day) == ("night", date(2026, 12, 7))
    assert (occ.start_ms, occ.end_ms) == (at(2026, 12, 7, 20), at(2026, 12, 8, 8))
    assert occ.slot == "2026-12-07#night"


@pytest.mark.parametrize(
    ("hh", "mm", "expected"),
    [(7, 59, "night"), (8, 0, "day"), (19, 59, "day"), (20, 0, "night"), (0, 0, "night")],
)
def test_shift_boundaries_are_half_open(hh, mm, expected):
    occ = domain.current([DAY, NIGHT], at(2026, 12, 9, hh, mm), 8)
    assert occ is not None and occ.shift.id == expected


def test_a_shift_runs_only_on_its_weekdays_and_gaps_are_off_shift():
    assert domain.current([OFFICE], at(2026, 12, 7, 9), 8) is not None  # Monday
    assert domain.current([OFFICE], at(2026, 12, 12, 9), 8) is None  # Saturday
    assert domain.current([OFFICE], at(2026, 12, 7, 18), 8) is None  # after hours
    weeknights = Shift("n", "夜班", time(22), time(6), frozenset({5}))  # Friday night only
    assert domain.current([weeknights], at(2026, 12, 12, 5), 8).day == date(2026, 12, 11)  # Saturday 05:00
    assert domain.current([weeknights], at(2026, 12, 13, 5), 8) is None  # Sunday 05:00: Saturday has none


def test_a_check_in_may_be_for_the_shift_under_way_or_one_starting_within_the_hour():
    def ids(now: int, shifts=(DAY, NIGHT)) -> list[str]:
        return [o.slot for o in domain.check_in_candidates(list(shifts), now, 8)]

    assert ids(at(2026, 12, 7, 19, 30)) == ["2026-12-07#day", "2026-12-07#night"]
    assert ids(at(2026, 12, 7, 18, 30)) == ["2026-12-07#day"]
    assert ids(at(2026, 12, 7, 7, 40), [OFFICE]) == ["2026-12-07#office"]
    assert ids(at(2026, 12, 7, 7, 20), [OFFICE]) == []
    monday_early = Shift("n", "凌晨班", time(0, 30), time(8), frozenset({1}))
    assert ids(at(2026, 12, 6, 23, 45), [monday_early]) == ["2026-12-07#n"]  # Sunday 23:45


def test_a_24_hour_shift_and_shift_lengths():
    full = Shift("all", "24小时", time(8), time(8), ALL)
    assert (full.minutes, NIGHT.minutes, DAY.minutes) == (1440, 720, 720)
    domain.check_shifts([full])


def test_overlapping_or_repeated_shifts_are_refused_naming_the_shift():
    domain.check_shifts([DAY, NIGHT])
    domain.check_shifts([OFFICE, Shift("sat", "周六", time(8), time(12), frozenset({6}))])
    with pytest.raises(AppError) as exc:
        domain.check_shifts([DAY, Shift("late", "中班", time(19), time(23), ALL)])
    assert (exc.value.code, exc.value.details["field"], exc.value.details["other"]) == (
        "ONDUTY_INVALID_SHIFTS",
        "shifts.1",
        "day",
    )
    sunday_night = Shift("sun", "周日夜", time(20), time(9), frozenset({7}))  # runs into Monday's office hours
    with pytest.raises(AppError) as exc:
        domain.check_shifts([OFFICE, sunday_night])
    assert exc.value.details["field"] == "shifts.1"
    with pytest.raises(AppError) as exc:
        domain.check_shifts([DAY, Shift("day", "重复", time(21), time(22), ALL)])
    assert exc.value.details == {"field": "shifts.1.id", "reason": "duplicate"}


def test_inside_the_area():
    circles = [(31.951, 120.905, 300.0)]
    assert domain.inside(31.9511, 120.9051, circles)
    assert not domain.inside(31.96, 120.905, circles)  # about 1 km north
    assert not domain.inside(31.951, 120.905, [])


def _occ(start: int = 0, end: int = 12 * H) -> domain.Occurrence:
    return domain.Occurrence(DAY, date(2026, 12, 7), start, end)


def test_nobody_present_means_vacant_since_the_shift_started():
    assert domain.vacant_since(_occ(), [], 3 * H, 1) == 0


def test_a_check_in_until_check_out_then_a_fresh_position():
    stretches = [Presence("a", 0, 2 * H, "check_in"), Presence("a", 90 * 60_000, 100 * 60_000, "position")]
    assert domain.vacant_since(_occ(), stretches, H, 1) is None
    assert domain.present_now(stretches, 95 * 60_000)["a"].via == "check_in"  # a check-in shows it first
    assert domain.vacant_since(_occ(), stretches, 3 * H, 1) == 2 * H  # checked out at 2 h
    late = [Presence("a", 3 * H, 4 * H, "position")]
    assert domain.vacant_since(_occ(), late, 3 * H + 1, 1) is None
    assert domain.vacant_since(_occ(), late, 4 * H, 1) == 4 * H  # the position went stale at 4 h (half-open)


def test_presence_before_the_shift_counts_from_its_start():
    arrived_early = [Presence("a", -20 * 60_000, 12 * H, "check_in")]
    assert domain.vacant_since(_occ(), arrived_early, 0, 1) is None


def test_min_present_two_people():
    stretches = [Presence("a", 0, 12 * H, "check_in"), Presence("b", H, 2 * H, "check_in")]
    assert domain.vacant_since(_occ(), stretches, 30 * 60_000, 2) == 0  # one of two until b came
    assert domain.vacant_since(_occ(), stretches, 90 * 60_000, 2) is None
    assert domain.vacant_since(_occ(), stretches, 3 * H, 2) == 2 * H  # b left at 2 h
    assert domain.vacant_since(_occ(), stretches, 3 * H, 1) is None  # a alone fills a one-person post
