"""Alarm rules without AWS: the shelving policy, out of service and suppression, KPIs from counters."""

from __future__ import annotations

import pytest

from chalicelib.alarms import domain
from chalicelib.alarms.domain import Alarm, Event, State, kpis
from chalicelib.core import errors
from chalicelib.core.schemas import Priority

T0 = 1_800_000_000_000
LIMITS = domain.ShelveLimits(low_s=8 * 3600, medium_s=4 * 3600, high_s=2 * 3600, urgent_s=3600)


def alarm(priority: Priority = Priority.MEDIUM, **kw: object) -> Alarm:
    fields = {
        "id": "alm_1",
        "tag_id": "T-1",
        "enterprise_id": "ent_a",
        "installation_id": "ins_a",
        "area": "ins_a",
        "condition": "H",
        "base_priority": priority,
        "priority": priority,
        "raised_ms": T0,
        "value": 65.0,
        "limit": 60.0,
        **kw,
    }
    return Alarm(**fields)  # type: ignore[arg-type]


def code(exc: pytest.ExceptionInfo[errors.AppError]) -> str:
    return exc.value.code


@pytest.mark.parametrize(
    ("priority", "park_duty", "allowed"),
    [(p, duty, duty or p in (Priority.LOW, Priority.MEDIUM)) for p in Priority for duty in (False, True)],
)
def test_role_matrix_by_priority(priority: Priority, park_duty: bool, allowed: bool):
    if allowed:
        outcome = domain.shelve(alarm(priority), T0, 600, "标定", "u", LIMITS, park_duty)
        assert outcome.alarm.state is State.SHELVED and outcome.events == (Event.SHELVED,)
    else:
        with pytest.raises(errors.AppError) as refused:
            domain.shelve(alarm(priority), T0, 600, "标定", "u", LIMITS, park_duty)
        assert code(refused) == "ALARM_SHELVE_NOT_PERMITTED"


@pytest.mark.parametrize("priority", list(Priority))
def test_each_priority_has_its_maximum(priority: Priority):
    limit = LIMITS.max_s(priority)
    assert domain.shelve(alarm(priority), T0, limit, "r", "u", LIMITS, True).alarm.shelved_until == T0 + limit * 1000
    with pytest.raises(errors.AppError) as refused:
        domain.shelve(alarm(priority), T0, limit + 1, "r", "u", LIMITS, True)
    assert code(refused) == "VALIDATION_FAILED"


def test_a_tenant_cannot_shelve_again_and_park_duty_extends_from_now():
    shelved = domain.shelve(alarm(), T0, 600, "r", "tenant", LIMITS, False).alarm
    with pytest.raises(errors.AppError) as refused:
        domain.shelve(shelved, T0 + 1000, 600, "again", "tenant", LIMITS, False)
    assert code(refused) == "ALARM_ALREADY_SHELVED"
    extended = domain.shelve(shelved, T0 + 60_000, 3600, "延长", "duty", LIMITS, True).alarm
    assert extended.shelved_until == T0 + 60_000 + 3_600_000 and extended.shelved_ms == T0
    assert (extended.shelved_by, extended.shelve_reason) == ("duty", "延长")


def test_unshelved_active_alarm_is_renotified_and_escalates_from_then():
    shelved = domain.shelve(alarm(raised_ms=T0), T0, 3600, "r", "u", LIMITS, False).alarm
    back = domain.unshelve(shelved, T0 + 3_600_000, expired=True)
    assert back.events == (Event.SHELVE_EXPIRED, Event.RENOTIFIED) and back.alarm.state is State.UNACK
    soon = domain.due_for_attention(back.alarm, T0 + 3_660_000, 600_000, 300_000)
    assert soon.events == ()  # not escalated at once for the hour it was shelved
    later = domain.due_for_attention(back.alarm, T0 + 3_600_000 + 600_000, 600_000, 300_000)
    assert later.events == (Event.ESCALATED,)


def test_out_of_service_holds_the_alarm_and_the_first_reading_decides():
    held = domain.take_out_of_service(alarm(), T0)
    assert held.events == (Event.OUT_OF_SERVICE,) and held.alarm.state is State.OUT_OF_SERVICE
    assert domain.due_for_attention(held.alarm, T0 + 10 * 3_600_000, 600_000, 300_000).events == ()
    normal = domain.return_to_service(held.alarm, T0 + 1, active=False)
    assert normal.events == (Event.RETURNED_TO_SERVICE, Event.CLEARED, Event.CLOSED) and normal.closed
    again = domain.return_to_service(held.alarm, T0 + 1, active=True, value=70.0)
    assert again.events == (Event.RETURNED_TO_SERVICE, Event.REACTIVATED)
    assert again.alarm.state is State.UNACK and again.alarm.value == 70.0
    rtn = alarm(active=False, rtn_ms=T0)
    assert domain.take_out_of_service(rtn, T0).closed  # already back to normal: nothing left to hold


def test_suppression_by_design_is_left_the_same_way():
    held = domain.suppress(alarm(acked=True), T0)
    assert held.alarm.state is State.SUPPRESSED
    released = domain.unsuppress(held.alarm, T0 + 1)
    assert released.events == (Event.UNSUPPRESSED, Event.REACTIVATED) and released.alarm.state is State.UNACK
    cleared = domain.on_condition(held.alarm, False, T0 + 1, 20.0)
    assert cleared.closed  # a suppressed alarm back to normal closes without acknowledgement
    assert domain.held_by("out_of_service", "operating") == (True, False)
    assert domain.held_by("in_service", "maintenance") == (False, True)


def test_kpis_from_counters():
    hour = T0 - T0 % kpis.HOUR_MS
    rows = {}
    for ts, event, priority in [(hour + 1, "raised", "high"), (hour + 700_000, "reactivated", "high")]:
        counts, per_alarm = kpis.increments(event, ts, priority, chatter=False)
        assert per_alarm == {"n": 1, "chatter": 0}
        for k, v in counts.items():
            rows[k] = rows.get(k, 0) + v
    assert rows == {"raised": 1, "reactivated": 1, "n": 2, "m0": 1, "m1": 1, "p_high": 2}
    assert kpis.increments("commented", hour, "high", False) == ({}, {})
    assert kpis.increments("shelved", hour, "low", False)[0] == {"shelved": 1, "shelved_low": 1}
    assert kpis.chattered([hour, hour + 30_000], hour + 59_000) and not kpis.chattered([hour], hour + 1)
    result = kpis.from_counters(
        [(hour, rows)], [("T-1", "H", {"n": 2, "chatter": 1})], [], hour + 600_000, hour + 1_200_000, hour
    )
    assert result["total"] == 1 and result["peak_10_min"] == 1  # only the period starting in the window
    assert result["chattering"] == ["T-1:H"] and result["priority_mix_percent"] == {"high": 100.0}
