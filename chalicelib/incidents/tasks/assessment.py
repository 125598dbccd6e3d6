"""Assessment tasks: the situation picture around the incident and the impact range of a toxic release."""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock
from chalicelib.core.geo import nearest
from chalicelib.core.identity import SYSTEM
from chalicelib.emergency import service as emergency
from chalicelib.incidents import ports
from chalicelib.incidents.service.records import load, log, update
from chalicelib.registry import service as registry
from chalicelib.resources import service as resources

SITUATION_RADIUS_M = 1000
HAZARD_RADIUS_M = 2000
DEFAULT_WEATHER = {"wind_speed_m_s": 2.0, "wind_from_deg": 90.0, "stability_class": "D"}


def situation(incident_id: str) -> None:
    """Assemble the situation (6.4.2-3): cameras, live sensor data, hazard sources, resources nearby."""
    incident = load(incident_id).data()
    lat, lon = incident["place"]["lat"], incident["place"]["lon"]

    where = lambda e: (e.location.lat, e.location.lon)  # noqa: E731
    cameras = nearest(registry.cameras(SYSTEM), lat, lon, where, limit=6, within_m=SITUATION_RADIUS_M)
    sensors = nearest(registry.sensors(SYSTEM), lat, lon, where, limit=20, within_m=SITUATION_RADIUS_M)
    values = ports.last_values()([s.id for _, s in sensors], {s.enterprise_id for _, s in sensors})
    hazards = nearest(registry.installations(SYSTEM), lat, lon, where, limit=10, within_m=HAZARD_RADIUS_M)
    picture: dict[str, Any] = {
        "at": clock.now_ms(),
        "cameras": [{"id": c.id, "name": c.name, "ptz": c.ptz, "distance_m": round(d)} for d, c in cameras],
        "sensors": [
            {"id": s.id, "name": s.name, "unit": s.unit, "distance_m": round(d), "current": values.get(s.id)}
            for d, s in sensors
        ],
        "hazards": [
            {
                "id": h.id,
                "name": h.name,
                "grade": h.grade,
                "distance_m": round(d),
                "chemicals": [c.chemical for c in h.chemicals],
            }
            for d, h in hazards
        ],
        "resources": [r.public() for r in resources.nearest(lat, lon, n=10, within_m=5000)],
    }
    update(incident_id, lambda d: d.update(situation=picture))
    log(
        incident_id,
        "situation",
        "system",
        f"态势汇集：摄像机 {len(picture['cameras'])}、测点 {len(picture['sensors'])}、"
        f"危险源 {len(picture['hazards'])}、应急资源 {len(picture['resources'])}",
    )


def _weather(situation: dict[str, Any]) -> dict[str, Any]:
    """Wind from the park's weather station when it reports, else a cautious default (stated in assumptions)."""
    weather, source = dict(DEFAULT_WEATHER), "默认气象条件"
    for s in situation.get("sensors", []):
        value = (s.get("current") or {}).get("value")
        if value is None:
            continue
        if s["unit"] == "m/s":
            weather["wind_speed_m_s"], source = max(0.5, float(value)), "园区气象站"
        elif s["unit"] in ("°", "deg"):
            weather["wind_from_deg"] = float(value) % 360
    return {**weather, "source": source}


def impact(incident_id: str) -> None:
    """Impact range (6.4.2-3): Gaussian plume AEGL zones for a toxic release, isolation radius."""
    incident = load(incident_id).data()
    if incident["type"] not in ("leak", "poisoning") or not incident.get("chemical"):
        log(incident_id, "impact", "system", "非有毒物质泄漏，未做扩散估算（按预案设定警戒范围）")
        return
    weather = _weather(incident.get("situation") or {})
    place = incident["place"]
    try:
        est = emergency.estimate(
            incident["chemical"],
            release_rate_kg_s=incident.get("release_rate_kg_s") or 1.0,
            wind_speed_m_s=weather["wind_speed_m_s"],
            wind_from_deg=weather["wind_from_deg"],
            stability_class=weather["stability_class"],
            terrain="rural",
            source_lat=place["lat"],
            source_lon=place["lon"],
        )
    except Exception as exc:  # an unsupported chemical must not stop the response
        log(incident_id, "impact", "system", f"扩散估算失败：{exc}")
        return
    zones = [
        {
            "level": z.level,
            "threshold_ppm": z.threshold_ppm,
            "downwind_m": z.downwind_m,
            "max_halfwidth_m": z.max_halfwidth_m,
            "polygon": z.polygon,
        }
        for z in est.zones
    ]
    result = {
        "zones": zones,
        "isolation_radius_m": est.isolation_radius_m,
        "assumptions": est.assumptions,
        "weather": weather,
    }
    update(incident_id, lambda d: d.update(impact=result))
    log(
        incident_id,
        "impact",
        "system",
        "影响范围：" + "；".join(f"{z['level']} 下风向 {z['downwind_m']:.0f} m" for z in zones),
    )
