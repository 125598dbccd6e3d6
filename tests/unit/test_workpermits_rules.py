"""GB 30871-2022 ticket rules (domain.md §3.2) with their boundary values: levels, validity, Table B.1."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from chalicelib.core import errors
from chalicelib.core.identity import Role
from chalicelib.workpermits import domain
from chalicelib.workpermits.domain import rules
from chalicelib.workpermits.schemas import HazardFactor

H = rules.HOUR_MS
D = rules.DAY_MS


def app_(work_type: str, hours: float = 1, **more: Any) -> dict[str, Any]:
    return {"type": work_type, "starts_ms": 0, "ends_ms": round(hours * H), **more}


def code(exc: pytest.ExceptionInfo[errors.AppError]) -> tuple[str, Any]:
    return exc.value.code, exc.value.details.get("rule") or exc.value.details.get("field") or exc.value.details


@pytest.mark.parametrize(
    ("declared", "night", "level"),
    [
        ("level_2", False, "level_2"),
        ("level_2", True, "level_1"),
        ("level_1", True, "special"),
        ("special", True, "special"),
        ("level_1", False, "level_1"),
    ],
)
def test_hot_work_level_is_the_applicants_upgraded_one_step_at_night_or_on_holidays(declared, night, level):
    extra = {"monitor_sensor_id": "S-1"} if level == "special" else {}
    c = domain.classify(app_("hot_work", level=declared, night_or_holiday=night, **extra))
    assert (c.level, c.declared_level) == (level, declared)


def test_hot_work_without_a_level_names_the_field():
    with pytest.raises(errors.AppError) as exc:
        domain.classify(app_("hot_work"))
    assert exc.value.code == "VALIDATION_FAILED" and exc.value.details["errors"][0]["field"] == "level"


@pytest.mark.parametrize(
    ("height", "factors", "level"),
    [
        (2.0, [], "I"),
        (5.0, [], "I"),
        (5.01, [], "II"),
        (15.0, [], "II"),
        (15.01, [], "III"),
        (30.0, [], "III"),
        (30.01, [], "IV"),
        (2.0, ["wind_force_5"], "II"),
        (5.01, ["rescue"], "III"),
        (15.01, ["poor_light"], "IV"),
        (30.01, ["cold_water", "low_temperature"], "IV"),
    ],
)
def test_work_at_height_level_from_the_band_and_method_a_or_b(height, factors, level):
    assert domain.classify(app_("work_at_height", height_m=height, hazard_factors=factors)).level == level


def test_below_2_m_is_not_work_at_height_and_a_wrong_level_is_refused_with_the_derived_one():
    with pytest.raises(errors.AppError) as exc:
        domain.classify(app_("work_at_height", height_m=1.99))
    assert exc.value.details["errors"][0]["field"] == "height_m"
    with pytest.raises(errors.AppError) as exc:
        domain.classify(app_("work_at_height", height_m=16, level="II"))
    assert (exc.value.code, exc.value.details["derived"]) == ("PERMIT_LEVEL_MISMATCH", "III")
    assert domain.classify(app_("work_at_height", height_m=16, level="III")).level == "III"


@pytest.mark.parametrize(
    ("load", "level"),
    [(9.0, "level_3"), (39.99, "level_3"), (40.0, "level_2"), (100.0, "level_2"), (100.01, "level_1")],
)
def test_lifting_level_from_the_load(load, level):
    assert domain.classify(app_("lifting", load_t=load, lifting_plan="DZ-2026-01")).level == level


def test_types_without_levels_refuse_one_and_lifting_needs_its_load():
    with pytest.raises(errors.AppError) as exc:
        domain.classify(app_("confined_space", level="level_1"))
    assert exc.value.details["errors"][0]["field"] == "level"
    with pytest.raises(errors.AppError) as exc:
        domain.classify(app_("lifting"))
    assert exc.value.details["errors"][0]["field"] == "load_t"
    with pytest.raises(errors.AppError) as exc:
        domain.classify(app_("hot_work", level="level_3"))
    assert exc.value.details["errors"][0]["field"] == "level"


@pytest.mark.parametrize(
    ("work_type", "more", "limit_h", "rule"),
    [
        ("hot_work", {"level": "special", "monitor_sensor_id": "S"}, 8, "hot_work.special.8h"),
        ("hot_work", {"level": "level_1"}, 8, "hot_work.level_1.8h"),
        ("hot_work", {"level": "level_2"}, 72, "hot_work.level_2.72h"),
        ("hot_work", {"level": "level_2", "night_or_holiday": True}, 8, "hot_work.level_1.8h"),
        ("confined_space", {}, 24, "confined_space.24h"),
        ("work_at_height", {"height_m": 40}, 7 * 24, "work_at_height.7d"),
        ("temporary_power", {"extension_reason": "装置大修持续供电"}, 30 * 24, "temporary_power.30d"),
        ("temporary_power", {}, 15 * 24, "temporary_power.15d"),
    ],
)
def test_validity_limit_holds_at_the_boundary_and_is_refused_one_minute_beyond(work_type, more, limit_h, rule):
    assert domain.classify(app_(work_type, limit_h, **more)).authority
    with pytest.raises(errors.AppError) as exc:
        domain.classify(app_(work_type, limit_h + 1 / 60, **more))
    assert code(exc) == ("PERMIT_VALIDITY_EXCEEDED", rule)
    assert exc.value.status == 422 and exc.value.details["field"] == "ends_at"


@pytest.mark.parametrize("work_type", ["blind_plate", "lifting", "excavation", "road_closure"])
def test_types_without_a_validity_limit_in_the_standard_take_their_own_window(work_type):
    assert domain.classify(app_(work_type, 24 * 40, pipe="P-1", load_t=12)).validity is None


def test_blind_plate_needs_its_pipe_and_special_hot_work_a_monitor_sensor():
    with pytest.raises(errors.AppError) as exc:
        domain.classify(app_("blind_plate"))
    assert exc.value.details["errors"][0]["field"] == "pipe"
    with pytest.raises(errors.AppError) as exc:  # upgraded to 特级 at night: now it needs the detector
        domain.classify(app_("hot_work", level="level_1", night_or_holiday=True))
    assert code(exc) == ("MONITOR_SENSOR_REQUIRED", "monitor_sensor_id")


@pytest.mark.parametrize(
    ("work_type", "more", "authority", "role"),
    [
        ("hot_work", {"level": "special", "monitor_sensor_id": "S"}, "leadership", Role.ENTERPRISE_LEADER),
        ("hot_work", {"level": "level_1"}, "safety_department", Role.ENTERPRISE_MANAGER),
        ("hot_work", {"level": "level_2"}, "base_unit", Role.UNIT_SUPERVISOR),
        ("confined_space", {}, "base_unit", Role.UNIT_SUPERVISOR),
        ("blind_plate", {"pipe": "P"}, "base_unit", Role.UNIT_SUPERVISOR),
        ("work_at_height", {"height_m": 3}, "base_unit", Role.UNIT_SUPERVISOR),
        ("work_at_height", {"height_m": 10}, "professional_department", Role.UNIT_SUPERVISOR),
        ("work_at_height", {"height_m": 20}, "professional_department", Role.UNIT_SUPERVISOR),
        ("work_at_height", {"height_m": 31}, "plant_head", Role.ENTERPRISE_LEADER),
        ("lifting", {"load_t": 120, "lifting_plan": "P"}, "plant_head", Role.ENTERPRISE_LEADER),
        ("lifting", {"load_t": 50, "lifting_plan": "P"}, "professional_department", Role.UNIT_SUPERVISOR),
        ("temporary_power", {}, "power_supplier", Role.UNIT_SUPERVISOR),
        ("excavation", {}, "professional_department", Role.UNIT_SUPERVISOR),
        ("road_closure", {}, "professional_department", Role.UNIT_SUPERVISOR),
    ],
)
def test_table_b1_routes_each_ticket_to_its_authority_and_role(work_type, more, authority, role):
    c = domain.classify(app_(work_type, **more))
    assert c.authority == authority and rules.AUTHORITY_ROLE[authority] is role
    allowed = domain.approver_roles(authority)
    assert role in allowed and Role.PARK_ADMIN not in allowed
    below = rules.LADDER[: rules.LADDER.index(role)]
    assert not allowed & set(below), "a lower authority never signs for a higher one"


def test_every_type_and_level_has_an_approver_and_the_hazard_factors_match_the_schema():
    for work_type in rules.TYPES:
        for level in rules.LEVELS.get(work_type, (None,)):
            assert rules.authority(work_type, level) in rules.AUTHORITY_LABEL
    assert set(get_args(HazardFactor)) == set(rules.HAZARD_FACTORS) and len(rules.HAZARD_FACTORS) == 9


@pytest.mark.parametrize(
    ("state", "action", "target"),
    [
        ("draft", "approve", "approved"),
        ("approved", "start", "active"),
        ("active", "suspend", "suspended"),
        ("suspended", "resume", "active"),
        ("active", "close", "closed"),
        ("suspended", "close", "closed"),
        ("draft", "cancel", "cancelled"),
        ("approved", "cancel", "cancelled"),
        ("suspended", "cancel", "cancelled"),
    ],
)
def test_lifecycle_transitions(state, action, target):
    assert domain.check_transition(state, action) == target


@pytest.mark.parametrize(
    ("state", "action"),
    [("draft", "start"), ("approved", "approve"), ("active", "cancel"), ("closed", "resume"), ("cancelled", "approve")],
)
def test_lifecycle_refusals_name_the_state(state, action):
    with pytest.raises(errors.AppError) as exc:
        domain.check_transition(state, action)
    assert exc.value.code == "PERMIT_STATE" and exc.value.details["state"] == state


def test_window_start_inclusive_end_exclusive():
    domain.check_window(1000, 2000, 1000)
    for now in (999, 2000):
        with pytest.raises(errors.AppError) as exc:
            domain.check_window(1000, 2000, now)
        assert exc.value.code == "PERMIT_OUTSIDE_WINDOW"


def test_countersign_departments_of_table_b1():
    assert rules.missing_countersigns("excavation", {}) == list(rules.COUNTERSIGN["excavation"])
    assert len(rules.COUNTERSIGN["excavation"]) == 7 and rules.COUNTERSIGN["road_closure"] == ("fire", "safety")
    assert rules.missing_countersigns("road_closure", {"fire": {}}) == ["safety"]
    assert rules.missing_countersigns("hot_work", {}) == []
    with pytest.raises(errors.AppError) as exc:
        rules.check_countersign("road_closure", "water", {})
    assert exc.value.details["errors"][0]["field"] == "department"
    with pytest.raises(errors.AppError) as exc:
        rules.check_countersign("road_closure", "fire", {"fire": {}})
    assert exc.value.code == "COUNTERSIGN_EXISTS"
    assert set(rules.DEPARTMENT_LABEL) == set(rules.COUNTERSIGN["excavation"])


def test_level_1_and_2_lifting_need_a_lifting_plan():
    for load in (40.0, 100.01):
        with pytest.raises(errors.AppError) as exc:
            domain.classify(app_("lifting", load_t=load))
        assert exc.value.details["errors"][0]["field"] == "lifting_plan"
    assert domain.classify(app_("lifting", load_t=39.99)).level == "level_3"  # 三级: no plan required
