"""Hazmat vehicle rules without AWS: corridor distance, speed, stops, lots and their admission lists, dwell,
and the transitions that raise and clear one alarm per condition; the gate's OFF_ROUTE from the route check."""

from __future__ import annotations

import pytest

from chalicelib.access.domain import Reason
from chalicelib.access.domain.gate import Credential, decide
from chalicelib.core.geo import distance_m, distance_to_line_m, point_in_ring
from chalicelib.vehicles.domain import (
    Condition,
    Corridor,
    Fix,
    Limits,
    Lot,
    Track,
    judge,
    limit_at,
    speed_of,
    still,
    transitions,
)

S, MIN, H = 1000, 60_000, 3_600_000
LINE = [[120.900, 31.950], [120.910, 31.950]]  # west-east road, about 945 m
CORRIDOR = Corridor(LINE, 30.0, 40.0)
LOT_RING = [[120.912, 31.960], [120.914, 31.960], [120.914, 31.962], [120.912, 31.962], [120.912, 31.960]]
LOT = Lot("lot_1", LOT_RING, 2, plates=frozenset({"苏E00001"}))
LIMITS = Limits(dwell_max_ms=6 * H, stop_max_ms=10 * MIN, park_speed_kmh=50.0)
NORTH_1M = 1 / 111_195  # one metre of latitude, in degrees


def track(**kw: object) -> Track:
    return Track(**{"plate": "苏E00001", "entered_ms": 0, **kw})  # type: ignore[arg-type]


def test_distance_to_a_line_is_metric_and_measured_to_the_nearest_segment() -> None:
    assert distance_to_line_m(31.950, 120.905, LINE) == pytest.approx(0, abs=0.01)
    assert distance_to_line_m(31.950 + 20 * NORTH_1M, 120.905, LINE) == pytest.approx(20, rel=0.01)
    beyond = distance_to_line_m(31.950, 120.911, LINE)  # past the east end: to the end point
    assert beyond == pytest.approx(distance_m(31.950, 120.911, 31.950, 120.910), rel=0.01)
    assert point_in_ring(31.961, 120.913, LOT_RING) and not point_in_ring(31.959, 120.913, LOT_RING)


def test_inside_the_corridor_is_on_route_and_beyond_half_the_width_is_off() -> None:
    on = judge(track(), Fix(0, 31.950 + 14 * NORTH_1M, 120.905, 20), CORRIDOR, [], [], LIMITS)
    off = judge(track(), Fix(0, 31.950 + 40 * NORTH_1M, 120.905, 20), CORRIDOR, [], [], LIMITS)
    assert Condition.OFF_ROUTE not in on.conditions and on.offset_m == 0
    assert Condition.OFF_ROUTE in off.conditions and off.offset_m == pytest.approx(25, abs=0.5)
    assert judge(track(), Fix(0, 31.99, 120.95, 20), None, [], [], LIMITS).offset_m is None  # no route: unjudged


def test_speed_is_reported_or_derived_and_the_strictest_limit_applies() -> None:
    prev = Fix(0, 31.950, 120.900)
    assert speed_of(prev, Fix(60 * S, 31.950, 120.910)) == pytest.approx(56.7, abs=0.5)  # ~945 m in a minute
    assert speed_of(prev, Fix(60 * S, 31.950, 120.910, 12.0)) == 12.0
    assert limit_at(CORRIDOR, [20.0], 50.0) == 20.0 and limit_at(None, [], 50.0) == 50.0
    fast = judge(track(last=prev), Fix(60 * S, 31.950, 120.910), CORRIDOR, [], [], LIMITS)
    assert Condition.SPEEDING in fast.conditions and fast.limit_kmh == 40.0
    slow = judge(track(last=prev), Fix(60 * S, 31.950, 120.901, 30.0), CORRIDOR, [], [], LIMITS)
    assert Condition.SPEEDING not in slow.conditions


def test_a_stop_outside_a_lot_alarms_only_after_the_stop_limit() -> None:
    t = track()
    for minute in (0, 5, 9):
        v = judge(t, Fix(minute * MIN, 31.950, 120.905, 0.0), CORRIDOR, [LOT], [], LIMITS)
        assert v.state == "stopped" and Condition.STOPPED_OUTSIDE_LOT not in v.conditions
        t = v.track
    assert t.stopped_since_ms == 0
    late = judge(t, Fix(10 * MIN, 31.950, 120.905, 0.0), CORRIDOR, [LOT], [], LIMITS)
    assert Condition.STOPPED_OUTSIDE_LOT in late.conditions
    moving = judge(late.track, Fix(11 * MIN, 31.950, 120.906, 25.0), CORRIDOR, [LOT], [], LIMITS)
    assert moving.state == "moving" and moving.track.stopped_since_ms is None and not moving.conditions


def test_parking_on_a_lot_is_allowed_for_admitted_vehicles_only() -> None:
    inside = Fix(0, 31.961, 120.913, 0.0)
    mine = judge(track(), inside, None, [LOT], [], LIMITS)
    other = judge(track(plate="苏E99999"), inside, None, [LOT], [], LIMITS)
    assert mine.state == "parked" and mine.track.lot_id == "lot_1" and not mine.conditions
    assert other.conditions == {Condition.NOT_ADMITTED}
    open_lot = Lot("lot_2", LOT_RING, 2)  # no admission list: any hazmat vehicle
    assert not judge(track(plate="苏E99999"), inside, None, [open_lot], [], LIMITS).conditions
    by_carrier = Lot("lot_3", LOT_RING, 2, carriers=frozenset({"CAR1"}))
    assert not judge(track(plate="苏E99999", carrier="CAR1"), inside, None, [by_carrier], [], LIMITS).conditions
    later = judge(mine.track, Fix(2 * H, 31.961, 120.913, 0.0), None, [LOT], [], LIMITS)
    assert Condition.STOPPED_OUTSIDE_LOT not in later.conditions  # standing on a lot is what lots are for


def test_dwell_counts_from_entry_and_the_sweep_raises_it_without_a_new_fix() -> None:
    t = judge(track(entered_ms=0), Fix(5 * H, 31.961, 120.913, 0.0), None, [LOT], [], LIMITS).track
    assert still(t, 6 * H, LIMITS) == frozenset()
    assert still(t, 6 * H + 1, LIMITS) == {Condition.OVERSTAY}
    speeding = Track("苏E00001", 0, open=frozenset({Condition.SPEEDING}))
    assert still(speeding, 1, LIMITS) == {Condition.SPEEDING}  # only a new fix ends what a fix started


def test_transitions_raise_once_and_clear_once() -> None:
    a, b = frozenset({Condition.SPEEDING}), frozenset({Condition.SPEEDING, Condition.OFF_ROUTE})
    assert transitions(frozenset(), a) == ([Condition.SPEEDING], [])
    assert transitions(a, a) == ([], [])
    assert transitions(a, b) == ([Condition.OFF_ROUTE], [])
    assert transitions(b, frozenset()) == ([], [Condition.OFF_ROUTE, Condition.SPEEDING])


@pytest.mark.parametrize(
    ("gate_kind", "route_ok", "allowed"),
    [("hazmat", None, True), ("hazmat", True, True), ("hazmat", False, False), ("general", True, False)],
)
def test_the_gate_checks_a_hazmat_vehicle_against_its_route(
    gate_kind: str, route_ok: bool | None, allowed: bool
) -> None:
    cred = Credential("appointment", "apt_1", "ent_a", "hazmat_vehicle", frozenset(), route_id="hrt_1")
    d = decide({"id": "g1", "kind": gate_kind, "zone_id": None}, None, "in", True, False, cred, None, 0, route_ok)
    assert (d.decision == "allow") is allowed
    assert allowed or d.reasons == (Reason.OFF_ROUTE,)
