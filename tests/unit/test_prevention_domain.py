"""Dual-prevention rules without AWS: check windows (fixed and calendar cycles in park local time), what is due,
stops for overhaul, recording on time or late, and the unit's class raised by missed checks."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.core import errors
from chalicelib.prevention import domain


def ms(text: str) -> int:
    return round(datetime.fromisoformat(text).timestamp() * 1000)


H = 3600_000


def test_fixed_cycles_are_consecutive_windows():
    start = ms("2030-01-01T08:00:00+08:00")
    assert domain.window(start, 8, "hour", 0, 8) == (start, start + 8 * H)
    assert domain.window(start, 8, "hour", 2, 8) == (start + 16 * H, start + 24 * H)
    assert domain.window(start, 1, "week", 1, 8) == (start + 7 * 24 * H, start + 14 * 24 * H)


def test_month_and_year_cycles_follow_the_park_calendar():
    start = ms("2030-01-31T09:00:00+08:00")  # the 31st: February has no 31st, so the window ends on its last day
    assert domain.window(start, 1, "month", 0, 8) == (start, ms("2030-02-28T09:00:00+08:00"))
    assert domain.window(start, 1, "month", 1, 8)[1] == ms("2030-03-31T09:00:00+08:00")
    new_year = ms("2030-12-31T23:30:00+08:00")  # UTC still says 2030-12-31 15:30; local midnight is what counts
    assert domain.window(new_year, 1, "year", 1, 8) == (
        ms("2031-12-31T23:30:00+08:00"),
        ms("2032-12-31T23:30:00+08:00"),
    )
    assert domain.window(new_year, 3, "month", 0, 8)[1] == ms("2031-03-31T23:30:00+08:00")


def test_due_windows_stop_at_now_and_cap_a_catch_up():
    start = ms("2030-01-01T00:00:00+00:00")
    due = domain.due_windows(start, 1, "hour", 0, start + 2 * H + 1, 8)
    assert [i for i, _, _ in due] == [0, 1, 2]
    assert domain.due_windows(start, 1, "hour", 3, start + 2 * H + 1, 8) == []
    assert len(domain.due_windows(start, 1, "hour", 0, start + 1000 * H, 8)) == domain.MAX_OPEN_PER_RUN


def test_stops_overlap_half_open_windows():
    assert domain.overlaps([(10, 20)], 15, 30)
    assert domain.overlaps([(10, 20)], 0, 11)
    assert not domain.overlaps([(10, 20)], 20, 30)  # the stop ended as the window began
    assert not domain.overlaps([], 0, 100)


def test_recording_is_on_time_inside_the_window_late_after_and_refused_otherwise():
    assert domain.recorded_status("open", 100, 100) is domain.Status.DONE
    assert domain.recorded_status("open", 100, 101) is domain.Status.LATE
    assert domain.recorded_status("missed", 100, 50) is domain.Status.LATE
    for status in ("done", "late", "suspended"):
        with pytest.raises(errors.AppError) as caught:
            domain.recorded_status(status, 100, 50)
        assert caught.value.code == "CHECK_NOTHING_DUE"


def test_missed_checks_raise_the_unit_one_class_capped_at_red():
    assert domain.current_class("yellow", 0) == ("yellow", ["评估等级：一般风险"])
    level, reasons = domain.current_class("yellow", 2)
    assert level == "orange" and "2次排查逾期未完成" in reasons[1]
    assert domain.current_class("red", 1)[0] == "red"


def test_a_task_started_in_the_past_begins_with_the_window_holding_now():
    start = ms("2030-01-01T08:00:00+08:00")
    assert domain.current_index(start, 8, "hour", start - 1, 8) == 0
    assert domain.current_index(start, 8, "hour", start + 8 * H - 1, 8) == 0
    assert domain.current_index(start, 8, "hour", start + 8 * H, 8) == 1
    month_end = ms("2030-01-31T09:00:00+08:00")
    assert domain.current_index(month_end, 1, "month", ms("2030-02-28T08:59:59+08:00"), 8) == 0
    assert domain.current_index(month_end, 1, "month", ms("2030-02-28T09:00:00+08:00"), 8) == 1
    assert domain.current_index(month_end, 1, "month", ms("2033-07-01T00:00:00+08:00"), 8) == 41
    for index, now in ((0, start), (5, start + 123 * H), (9, start + 10 * 24 * H - 1)):
        begin, end = domain.window(start, 1, "day", domain.current_index(start, 1, "day", now, 8), 8)
        assert begin <= now < end and domain.current_index(start, 1, "day", now, 8) == index
