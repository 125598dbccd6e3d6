"""Patrol rules without AWS: task windows of a plan, the first task of a late plan, check-in validity, a task's
outcome, who hears of an anomaly at each priority, month bounds in park local time, coverage and completion."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.core import clock, errors
from chalicelib.core.schemas import Priority
from chalicelib.patrol import domain

H = 3600_000


def test_windows_follow_the_plan_and_a_late_plan_owes_nothing_already_over():
    assert domain.window(1000, 24 * H, 2 * H, 3) == (1000 + 72 * H, 1000 + 74 * H)
    assert domain.first_index(0, 24 * H, 2 * H, -5) == 0
    assert domain.first_index(0, 24 * H, 2 * H, H) == 0  # inside window 0
    assert domain.first_index(0, 24 * H, 2 * H, 2 * H) == 1  # window 0 just ended
    assert domain.first_index(0, 24 * H, 2 * H, 50 * H) == 3  # window 2 [48 h, 50 h) ended
    due = domain.due(0, H, H // 2, 4, 6 * H)
    assert [d[0] for d in due] == [4, 5, 6] and due[0][1:] == (4 * H, 4 * H + H // 2)
    assert len(domain.due(0, H, H // 2, 0, 10_000 * H)) == domain.MAX_TASKS_PER_RUN


def test_checkin_rules_name_what_is_wrong():
    domain.check_window(10, 10, 20)
    for now in (9, 20):
        with pytest.raises(errors.AppError) as exc:
            domain.check_window(now, 10, 20)
        assert exc.value.code == "PATROL_OUTSIDE_WINDOW"
    with pytest.raises(errors.AppError) as exc:
        domain.check_place(50.1, 50, "A", "A")
    assert (exc.value.code, exc.value.details["field"]) == ("PATROL_TOO_FAR", "position")
    with pytest.raises(errors.AppError) as exc:
        domain.check_place(5, 50, "B", "A")
    assert (exc.value.code, exc.value.details["field"]) == ("PATROL_WRONG_CODE", "code")
    domain.check_place(50, 50, "A", "A")
    assert domain.check_items(["a", "b"], ["b", "a"]) == []
    problems = domain.check_items(["a", "b"], ["a", "a", "x"])
    assert [(p["field"], p["type"]) for p in problems] == [
        ("items.1.item_id", "duplicate_item"),
        ("items.2.item_id", "unknown_item"),
        ("items", "missing_items"),
    ]


def test_outcome_and_audiences():
    assert domain.outcome(3, 3) is domain.TaskStatus.COMPLETED
    assert domain.outcome(3, 1) is domain.TaskStatus.INCOMPLETE
    assert domain.outcome(3, 0) is domain.TaskStatus.MISSED
    assert [domain.AUDIENCES[p] for p in Priority] == [
        (),
        ("inspectors",),
        ("inspectors", "safety"),
        ("inspectors", "safety", "enterprise"),
    ]


def test_month_bounds_are_park_local_and_figures_count_only_ended_tasks_as_completion():
    start, end = domain.month_bounds("2026-12", 8)
    utc = (datetime(2026, 11, 30, 16, tzinfo=UTC), datetime(2026, 12, 31, 16, tzinfo=UTC))  # local midnights
    assert (start, end) == tuple(clock.to_ms(t) for t in utc)
    assert domain.month_bounds("2026-01", 0)[0] == clock.to_ms(datetime(2026, 1, 1, tzinfo=UTC))
    rows = [
        {"status": "completed", "checkpoints": 2, "visited": 2, "team": "甲", "route_id": "r1"},
        {"status": "incomplete", "checkpoints": 2, "visited": 1, "team": "甲", "route_id": "r1", "failed_items": 1},
        {"status": "open", "checkpoints": 2, "visited": 1, "team": "乙", "route_id": "r2"},
    ]
    f = domain.figures(rows)
    assert (f["tasks"], f["tasks_ended"], f["completed"], f["incomplete"], f["missed"]) == (3, 2, 1, 1, 0)
    assert (f["checkpoints_due"], f["checkpoints_visited"], f["checkpoints_missed"], f["failed_items"]) == (6, 4, 1, 1)
    assert (f["coverage"], f["completion"]) == (round(4 / 6, 4), 0.5)
    by_team = domain.grouped(rows, "team")
    assert by_team["乙"]["completion"] is None and by_team["甲"]["completion"] == 0.5
    assert domain.figures([])["coverage"] is None
