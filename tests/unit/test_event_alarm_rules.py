"""Event alarm rules (pure, no AWS): repeat, clear and close of an alarm raised by a discrete event."""

from __future__ import annotations

import pytest

from chalicelib.alarms.domain import INVALID_TRANSITION, READINGS, Alarm, Event, acknowledge, events
from chalicelib.core.errors import AppError
from chalicelib.core.ids import is_id
from chalicelib.core.schemas import Priority


def alarm(**kw) -> Alarm:
    base = {
        "id": "alm_1",
        "tag_id": events.point("access", "g3"),
        "enterprise_id": "e1",
        "installation_id": None,
        "area": "e1",
        "condition": "gate_denied",
        "base_priority": Priority.MEDIUM,
        "priority": Priority.MEDIUM,
        "raised_ms": 1000,
        "value": 0.0,
        "limit": None,
        "source": "access",
        "key": "g3",
        "title": "拒绝通行",
        "details": {"gate_id": "g3"},
    }
    return Alarm(**{**base, **kw})


def seen(priority: Priority = Priority.MEDIUM, **kw) -> events.Occurrence:
    return events.Occurrence(priority, kw.pop("title", "再次拒绝通行"), kw.pop("details", {}), **kw)


def test_the_point_of_an_event_condition_is_never_a_registry_id():
    assert events.point("access", "gate-3") == "access#gate-3"
    assert not is_id(events.point("access", "gate-3"))


def test_a_repeat_while_active_counts_and_keeps_the_alarm_unannunciated():
    out = events.repeat(alarm(), 2000, seen(details={"plate": "苏E1"}, lat=31.9, lon=120.9))
    a = out.alarm
    assert out.events == (Event.REPEATED,)
    assert (a.count, a.last_seen_ms, a.title, a.lat) == (2, 2000, "再次拒绝通行", 31.9)
    assert a.details == {"gate_id": "g3", "plate": "苏E1"} and a.priority is Priority.MEDIUM


def test_a_repeat_at_a_higher_priority_escalates_and_never_lowers():
    out = events.repeat(alarm(), 2000, seen(Priority.URGENT))
    assert out.events == (Event.REPEATED, Event.ESCALATED) and out.alarm.priority is Priority.URGENT
    lower = events.repeat(out.alarm, 3000, seen(Priority.LOW))
    assert lower.events == (Event.REPEATED,) and lower.alarm.priority is Priority.URGENT


def test_clear_then_repeat_re_alarms_unacknowledged():
    acked = acknowledge(alarm(), 1500, "u").alarm
    cleared = events.clear(acked, 2000)
    assert cleared.events == (Event.CLEARED, Event.CLOSED)  # acknowledged: closed at once
    rtn = events.clear(alarm(), 2000)
    assert rtn.events == (Event.CLEARED,) and rtn.alarm.state == "rtn_unack"
    back = events.repeat(rtn.alarm, 3000, seen())
    assert back.events == (Event.REACTIVATED,) and back.alarm.state == "unack" and back.alarm.count == 2


def test_close_acknowledges_clears_and_closes_an_event_alarm_only():
    out = events.close(alarm(), 2000, "duty")
    assert out.events == (Event.ACKED, Event.CLEARED, Event.CLOSED) and out.alarm.acked_by == "duty"
    with pytest.raises(AppError) as refused:
        events.close(out.alarm, 3000, "duty")
    assert refused.value.error is INVALID_TRANSITION
    reading = alarm(source=READINGS, key="", title="")
    with pytest.raises(AppError):
        events.close(reading, 2000, "duty")
