"""Push rules (pure): a user's mode per category, quiet hours (spanning midnight, in their own offset), and the
safety rule that evacuation is always heard."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from chalicelib.core.identity import PARK
from chalicelib.core.schemas import Priority
from chalicelib.notify import domain
from chalicelib.notify.domain import Category, Mode

CST = timezone(timedelta(hours=8))
NIGHT = (time(22, 0, tzinfo=CST), time(7, 0, tzinfo=CST))


def at(hour: int, minute: int = 0) -> datetime:
    """A park-local wall time on some day, as the aware UTC instant the clock gives."""
    return datetime(2026, 3, 5, hour, minute, tzinfo=CST).astimezone(UTC)


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [(21, 59, False), (22, 0, True), (23, 30, True), (0, 0, True), (6, 59, True), (7, 0, False), (12, 0, False)],
)
def test_quiet_hours_span_midnight_in_their_own_offset(hour: int, minute: int, quiet: bool) -> None:
    assert domain.in_quiet_hours(*NIGHT, at(hour, minute)) is quiet


def test_a_daytime_window_does_not_wrap() -> None:
    lunch = (time(12, 0, tzinfo=CST), time(13, 30, tzinfo=CST))
    assert domain.in_quiet_hours(*lunch, at(12, 45))
    assert not domain.in_quiet_hours(*lunch, at(23, 0))


def test_defaults_when_nothing_is_set() -> None:
    noon = at(12)
    assert domain.delivery({}, None, Category.WARNING, noon) is Mode.ALERT
    assert domain.delivery({}, None, Category.ALARM_LOW, noon) is Mode.OFF
    assert domain.delivery({}, None, Category.ALARM_URGENT, noon) is Mode.ALERT


def test_quiet_hours_hush_routine_pushes_but_never_drop_them() -> None:
    modes = {Category.PATROL_TASK: Mode.ALERT, Category.ALARM_MEDIUM: Mode.ALERT}
    assert domain.delivery(modes, NIGHT, Category.PATROL_TASK, at(23)) is Mode.SILENT
    assert domain.delivery(modes, NIGHT, Category.ALARM_MEDIUM, at(3)) is Mode.SILENT
    assert domain.delivery(modes, NIGHT, Category.PATROL_TASK, at(9)) is Mode.ALERT
    assert domain.delivery({Category.PATROL_TASK: Mode.OFF}, NIGHT, Category.PATROL_TASK, at(23)) is Mode.OFF


def test_urgent_alarms_and_critical_warnings_are_loud_at_night() -> None:
    assert domain.delivery({}, NIGHT, Category.ALARM_URGENT, at(2)) is Mode.ALERT
    assert domain.delivery({}, NIGHT, Category.WARNING, at(2)) is Mode.SILENT
    assert domain.delivery({}, NIGHT, Category.WARNING, at(2), critical=True) is Mode.ALERT


def test_evacuation_is_always_heard_whatever_is_stored() -> None:
    stored = {Category.EVACUATION: Mode.OFF}  # as if a bad record slipped past the API's validation
    assert domain.delivery(stored, NIGHT, Category.EVACUATION, at(3)) is Mode.ALERT
    assert domain.delivery({Category.EVACUATION: Mode.SILENT}, None, Category.EVACUATION, at(12)) is Mode.ALERT


def test_alarm_categories_by_priority() -> None:
    assert [domain.alarm_category(p) for p in Priority] == [
        Category.ALARM_LOW,
        Category.ALARM_MEDIUM,
        Category.ALARM_HIGH,
        Category.ALARM_URGENT,
    ]


def test_device_ids_are_stable_per_platform_and_token_and_hide_the_token() -> None:
    one = domain.device_id("fcm", "token-abcdef-123456")
    assert one == domain.device_id("fcm", "token-abcdef-123456")
    assert one != domain.device_id("apns", "token-abcdef-123456")
    assert "abcdef" not in one and one.startswith("dev_")


def test_tenancy_of_a_push() -> None:
    assert domain.reaches(PARK, "ent_a")  # park accounts hear of every enterprise
    assert domain.reaches("ent_a", "ent_a")
    assert not domain.reaches("ent_b", "ent_a")
