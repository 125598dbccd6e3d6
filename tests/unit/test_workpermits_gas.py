"""Gas analysis criteria (GB 30871-2022 §5.3, confined-space O2 window), sampling age and re-analysis after a
break, and where permits meet (blind plates, hot work within 30 m, gas alarms nearby)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.core import errors
from chalicelib.workpermits import domain
from chalicelib.workpermits.domain import gas

MIN = 60_000


def flam(value: float, lel: float, unit: str = "%vol") -> dict[str, Any]:
    return {"gas": "g", "kind": "flammable", "value": value, "unit": unit, "lel_pct": lel}


def o2(value: float) -> dict[str, Any]:
    return {"gas": "氧气", "kind": "oxygen", "value": value, "unit": "%vol"}


@pytest.mark.parametrize(
    ("result", "passed"),
    [
        (flam(0.5, 5.0), True),  # methane LEL 5 %: ≤ 0.5 %vol
        (flam(0.51, 5.0), False),
        (flam(0.5, 4.0), True),  # LEL exactly 4 %: the 0.5 %vol criterion
        (flam(0.2, 2.1), True),  # propane LEL 2.1 %: ≤ 0.2 %vol
        (flam(0.21, 2.1), False),
        (flam(10, 2.0, "%LEL"), True),  # 10 %LEL of 2.0 % = 0.2 %vol
        (flam(11, 2.0, "%LEL"), False),
    ],
)
def test_flammable_criterion_depends_on_the_gas_lel(result, passed):
    assert gas.evaluate("hot_work", [result]).passed is passed


@pytest.mark.parametrize(("value", "passed"), [(19.5, True), (21.0, True), (19.49, False), (21.01, False)])
def test_confined_space_oxygen_window(value, passed):
    verdict = gas.evaluate("confined_space", [o2(value)])
    assert verdict.passed is passed
    if not passed:
        assert verdict.failures[0]["rule"] == "gas.oxygen.confined_19.5_21"


def test_hot_work_oxygen_cap_toxic_limit_and_the_kinds_each_work_must_measure():
    assert gas.evaluate("hot_work", [flam(0.1, 5), o2(23.5)]).passed
    assert gas.evaluate("hot_work", [flam(0.1, 5), o2(23.6)]).failures[0]["rule"] == "gas.oxygen.max_23.5"
    toxic = {"gas": "硫化氢", "kind": "toxic", "value": 10.5, "unit": "mg/m3", "limit": 10}
    assert gas.evaluate("confined_space", [o2(20.9), toxic]).failures[0]["rule"] == "gas.toxic.gbz_2.1"
    assert gas.evaluate("hot_work", [o2(20.9)]).failures[0]["rule"] == "gas.hot_work.needs_flammable"
    assert gas.evaluate("confined_space", [flam(0.1, 5)]).failures[0]["rule"] == "gas.confined_space.needs_oxygen"


def test_a_passing_sample_must_be_at_most_30_minutes_old():
    start = 100 * MIN
    gas.check_ready([{"sampled_ms": start - 30 * MIN, "passed": True}], start)
    for analyses, reason in (
        ([], "none"),
        ([{"sampled_ms": start - 30 * MIN - 1, "passed": True}], "stale"),
        ([{"sampled_ms": start - 5 * MIN, "passed": False}], "failed"),
    ):
        with pytest.raises(errors.AppError) as exc:
            gas.check_ready(analyses, start)
        assert (exc.value.code, exc.value.details["reason"]) == ("GAS_ANALYSIS_REQUIRED", reason)


def test_after_a_break_the_sample_must_postdate_it():
    start, brk = 100 * MIN, 90 * MIN
    with pytest.raises(errors.AppError):
        gas.check_ready([{"sampled_ms": brk - MIN, "passed": True}], start, after_ms=brk)
    gas.check_ready([{"sampled_ms": brk + MIN, "passed": True}], start, after_ms=brk)


@pytest.mark.parametrize(
    ("work_type", "level", "break_min", "alarm", "needed"),
    [
        ("hot_work", "special", 30, False, False),
        ("hot_work", "special", 31, False, True),
        ("hot_work", "level_1", 31, False, True),
        ("hot_work", "level_2", 60, False, False),
        ("hot_work", "level_2", 61, False, True),
        ("confined_space", None, 60, False, False),
        ("confined_space", None, 61, False, True),
        ("hot_work", "level_2", 1, True, True),
        (None, "I", 600, True, False),  # work at height: no gas rules at all
        ("temporary_power", None, 600, False, False),  # no break limit of its own ...
        ("temporary_power", None, 1, True, True),  # ... but a gas alarm always
    ],
)
def test_reanalysis_after_a_break_longer_than_allowed_or_any_gas_alarm(work_type, level, break_min, alarm, needed):
    assert gas.needs_reanalysis(work_type, level, break_min * MIN, alarm) is needed


def permit(pid: str, work_type: str, lat: float, lon: float = 120.9, **more: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "type": work_type,
        "enterprise_id": "e1",
        "location": {"lat": lat, "lon": lon},
        "starts_ms": 0,
        "ends_ms": 10 * MIN,
        "state": "approved",
        **more,
    }


def test_one_blind_plate_job_per_pipe_at_a_time():
    held = [permit("a", "blind_plate", 31.95, pipe="P-1")]
    with pytest.raises(errors.AppError) as exc:
        domain.check_conflicts(permit("b", "blind_plate", 31.96, pipe="P-1"), held)
    assert (exc.value.code, exc.value.details["permit_id"]) == ("BLIND_PLATE_PIPE_BUSY", "a")
    domain.check_conflicts(permit("b", "blind_plate", 31.95, pipe="P-2"), held)
    domain.check_conflicts(permit("b", "blind_plate", 31.95, pipe="P-1", starts_ms=10 * MIN, ends_ms=20 * MIN), held)


def test_no_hot_work_within_30_m_of_a_blind_plate_job_either_way():
    # 0.00027° of latitude ≈ 30.0 m; 0.00026° ≈ 28.9 m
    plate = permit("a", "blind_plate", 31.95, pipe="P-1")
    with pytest.raises(errors.AppError) as exc:
        domain.check_conflicts(permit("h", "hot_work", 31.95026), [plate])
    assert exc.value.code == "HOT_WORK_NEAR_BLIND_PLATE"
    with pytest.raises(errors.AppError):
        domain.check_conflicts(plate, [permit("h", "hot_work", 31.95026)])
    domain.check_conflicts(permit("h", "hot_work", 31.9503), [plate])  # 33 m


def test_a_gas_alarm_concerns_active_permits_nearby_or_monitored_by_its_detector():
    live = [
        permit("near", "hot_work", 31.9502, state="active"),
        permit("far", "hot_work", 31.96, state="active", monitor_sensor_id="S-1"),
        permit("elsewhere", "confined_space", 31.97, state="active"),
        permit("paused", "hot_work", 31.95, state="suspended"),
    ]
    hits = domain.affected_by_alarm("S-1", 31.95, 120.9, live, 50)
    assert sorted(p["id"] for p, _ in hits) == ["far", "near"]


def test_the_map_layer_is_rfc_7946_lon_lat():
    fc = domain.feature_collection([permit("a", "hot_work", 31.95, 120.91, level="level_2")])
    feature = fc["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [120.91, 31.95]}
    assert feature["properties"]["type_label"] == "动火作业" and feature["properties"]["level_label"] == "二级"


def test_which_gas_rules_a_permit_follows():
    assert gas.profile({"type": "hot_work"}) == "hot_work"
    assert gas.profile({"type": "confined_space"}) == "confined_space"
    assert gas.profile({"type": "temporary_power", "fire_explosion_area": True}) == "temporary_power"
    assert gas.profile({"type": "temporary_power"}) is None
    deep = {"type": "excavation", "depth_m": 1.21, "near_buried_hazard_lines": True}
    assert gas.profile(deep) == "confined_space"
    assert (
        gas.profile({**deep, "depth_m": 1.2}) is None
        and gas.profile({**deep, "near_buried_hazard_lines": False}) is None
    )
    assert gas.profile({"type": "lifting"}) is None
    assert gas.evaluate("temporary_power", [o2(20.9)]).failures[0]["rule"] == "gas.temporary_power.needs_flammable"
    assert gas.evaluate("temporary_power", [flam(0.1, 5.0)]).passed


def test_confined_space_monitoring_is_due_every_2_hours():
    assert not gas.monitoring_overdue(0, 120 * MIN) and gas.monitoring_overdue(0, 120 * MIN + 1)
