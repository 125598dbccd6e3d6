"""Linkage domain rules without AWS: level grades, rule matching, device targeting, evacuation texts."""

from __future__ import annotations

import pytest

from chalicelib.core.geo import point_in_ring
from chalicelib.emergency import plume
from chalicelib.linkage import domain

SOURCE = {"lat": 31.95, "lon": 120.9}


def event(**kw: object) -> dict:
    return {"incident_id": "inc_1", "type": "leak", "level": "yellow", "enterprise_id": "ent_a", "source": SOURCE, **kw}


@pytest.mark.parametrize(
    ("text", "colour"),
    [("I", "red"), ("ii", "orange"), ("3", "yellow"), ("四级", "blue"), ("Red", "red"), ("V", None), (None, None)],
)
def test_levels_accept_colours_and_grades(text: object, colour: str | None) -> None:
    assert domain.level(text) == colour


def test_a_rule_matches_type_level_and_scope() -> None:
    rule = {**domain.builtin_leak_rule(), "min_level": "yellow"}
    assert domain.matches(rule, event())
    assert not domain.matches(rule, event(level="blue"))
    assert not domain.matches(rule, event(type="fire"))
    assert not domain.matches({**rule, "enabled": False}, event())
    scoped = {**rule, "scope": {"kind": "installation", "installation_id": "ins_1"}}
    assert domain.matches(scoped, event(installation_id="ins_1")) and not domain.matches(scoped, event())
    assert not domain.matches({**rule, "scope": {"kind": "enterprise", "enterprise_id": "ent_b"}}, event())


def test_targets_are_within_the_radius_or_in_the_installation_nearest_first() -> None:
    def door(i: str, north_m: float, installation: str | None = None) -> dict:
        return {
            "id": i,
            "kind": "door",
            "installation_id": installation,
            "location": {"lat": 31.95 + north_m / 111_195, "lon": 120.9},
        }

    doors = [door("far", 900), door("near", 50), door("mid", 250), door("far-same-unit", 2000, "ins_1")]
    got = [d["id"] for _, d in domain.targets(doors, "door", event(installation_id="ins_1"), 300)]
    assert got == ["near", "mid", "far-same-unit"]
    assert [d["id"] for _, d in domain.targets(doors, "evacuation_exit", event(), 5000)] == []


def test_command_ids_are_stable_per_incident_device_and_mode() -> None:
    a = domain.command_id("inc_1", "fan", "ventilation", {"mode": "shutdown"})
    assert a == domain.command_id("inc_1", "fan", "ventilation", {"mode": "shutdown"})
    assert a != domain.command_id("inc_1", "fan", "ventilation", {"mode": "exhaust"})
    assert a != domain.command_id("inc_2", "fan", "ventilation", {"mode": "shutdown"})


def test_evacuation_text_points_upwind_and_marks_drills() -> None:
    est = plume.estimate(
        "氯",
        release_rate_kg_s=1,
        wind_speed_m_s=3,
        wind_from_deg=270,
        stability_class="D",
        terrain="rural",
        source_lat=SOURCE["lat"],
        source_lon=SOURCE["lon"],
    )
    way_out = domain.upwind(SOURCE, est.zone("AEGL-2").polygon)  # a west wind blows the plume east
    assert way_out == "西"
    assert domain.evacuation_text("张三", "inc_1", way_out, drill=True).startswith("【演练】【疏散指令】")
    assert "向西方向" in domain.evacuation_text("张三", "inc_1", way_out, drill=False)
    assert domain.upwind(SOURCE, []) is None


def test_screen_geojson_has_source_circle_and_zones() -> None:
    ring = domain.circle_ring(SOURCE["lat"], SOURCE["lon"], 500)
    assert ring[0] == ring[-1] and len(ring) == 49
    assert point_in_ring(SOURCE["lat"], SOURCE["lon"], ring)
    zones = [{"level": "AEGL-2", "polygon": ring, "downwind_m": 500}, {"level": "AEGL-1", "polygon": []}]
    fc = domain.screen_geojson(event(zones=zones, isolation_radius_m=300))
    assert [f["properties"]["role"] for f in fc["features"]] == ["source", "isolation", "zone"]
