"""Plan selection on activation (5.2.2-2), pure: scope specificity, newest revision, levels, alarm mapping."""

from __future__ import annotations

import pytest

from chalicelib.plans import domain


def plan(plan_id: str, *, types=("leak",), levels=("III", "IV"), ent=None, inst=(), at=1000, status="active", **kw):
    return {
        "plan_id": plan_id,
        "accident_types": list(types),
        "levels": list(levels),
        "enterprise_id": ent,
        "installation_ids": list(inst),
        "revised_at": at,
        "status": status,
        "notifications": kw.get("notifications", []),
    }


PARK = plan("p_park", at=5000)
ENT = plan("p_ent", ent="e1", at=1000)
INST = plan("p_inst", ent="e1", inst=("i1",), at=10)


def test_installation_beats_enterprise_beats_park_whatever_their_age():
    plans = [PARK, ENT, INST]
    assert domain.select(plans, "leak", "IV", "e1", "i1")["plan_id"] == "p_inst"
    assert domain.select(plans, "leak", "IV", "e1", "i2")["plan_id"] == "p_ent"  # i1's plan does not cover i2
    assert domain.select(plans, "leak", "IV", "e2", None)["plan_id"] == "p_park"
    assert domain.select(plans, "leak", "IV", None, None)["plan_id"] == "p_park"


def test_specificity_is_reported():
    assert domain.select([PARK, ENT, INST], "leak", "IV", "e1", "i1")["specificity"] == "installation"
    assert domain.select([PARK, ENT], "leak", "IV", "e1", None)["specificity"] == "enterprise"


def test_another_enterprises_plan_never_applies():
    assert domain.select([plan("x", ent="e2")], "leak", "IV", "e1", None) is None
    assert domain.scope_rank(plan("x", ent="e2", inst=("i1",)), "e1", "i1") is None


def test_same_scope_prefers_the_newest_revision_then_the_later_plan():
    old, new = plan("p_a", ent="e1", at=100), plan("p_b", ent="e1", at=200)
    assert domain.select([new, old], "leak", "IV", "e1", None)["plan_id"] == "p_b"
    tie_a, tie_b = plan("p_01A", at=100), plan("p_01B", at=100)
    assert domain.select([tie_a, tie_b], "leak", "IV", None, None)["plan_id"] == "p_01B"


def test_type_and_level_must_both_be_covered():
    plans = [plan("fire", types=("fire",), levels=("I", "II")), plan("leak", types=("leak",), levels=("IV",))]
    assert domain.select(plans, "fire", "I", None, None)["plan_id"] == "fire"
    assert domain.select(plans, "fire", "IV", None, None) is None
    assert domain.select(plans, "explosion", "I", None, None) is None
    assert domain.select(plans, None, "IV", None, None)["plan_id"] == "leak"  # None = any type


def test_retired_plans_are_never_selected():
    assert domain.select([plan("gone", status="retired", at=9999), PARK], "leak", "IV", None, None) == {
        **PARK,
        "specificity": "park",
    }
    assert domain.select([plan("gone", status="retired")], "leak", "IV", None, None) is None


def test_applicable_orders_best_first_and_matches_any_of_the_types():
    found = domain.applicable([PARK, ENT, INST, plan("f", types=("fire",))], ["poisoning", "leak"], None, "e1", "i1")
    assert [p["plan_id"] for p in found] == ["p_inst", "p_ent", "p_park"]


def test_recipients_are_those_whose_minimum_level_is_reached():
    people = [
        {"name": "班长", "min_level": "IV"},
        {"name": "园区主任", "min_level": "II"},
        {"name": "市应急局", "min_level": "I"},
    ]
    p = plan("x", notifications=people)
    assert [n["name"] for n in domain.recipients(p, "IV")] == ["班长"]
    assert [n["name"] for n in domain.recipients(p, "II")] == ["班长", "园区主任"]
    assert len(domain.recipients(p, "I")) == 3


@pytest.mark.parametrize(
    ("kind", "types"),
    [
        ("toxic", ["leak", "poisoning"]),
        ("combustible", ["leak", "fire", "explosion"]),
        ("temperature", ["fire", "explosion"]),
        ("pressure", ["explosion", "fire"]),
        ("level", ["leak"]),
        ("vibration", ["other"]),
        (None, ["other"]),
    ],
)
def test_sensor_kind_maps_to_accident_types(kind, types):
    assert domain.accident_types_for(kind) == types


def test_alarm_level_follows_priority_and_a_major_hazard_grade_raises_it():
    assert domain.level_for_alarm("urgent", None) == "II"
    assert domain.level_for_alarm("high", 3) == "III"
    assert domain.level_for_alarm("high", 1) == "II"
    assert domain.level_for_alarm("urgent", 2) == "I"
    assert domain.level_for_alarm("low", None) == "IV"


def test_retired_plan_is_read_only():
    with pytest.raises(Exception) as exc:
        domain.ensure_active({"plan_id": "x", "status": "retired"})
    assert exc.value.code == "PLAN_RETIRED"
