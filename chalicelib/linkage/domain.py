"""Linkage rules as pure functions: levels, rule matching, device targeting, commands, screen GeoJSON."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from typing import Any

from chalicelib.core.geo import EARTH_RADIUS_M, distance_m

LEVELS = ("blue", "yellow", "orange", "red")  # ascending severity: 四级 blue ... 一级 red
_ALIASES = {
    **{colour: colour for colour in LEVELS},
    **dict(zip(("IV", "III", "II", "I"), LEVELS, strict=True)),
    **dict(zip(("4", "3", "2", "1"), LEVELS, strict=True)),
    **dict(zip(("四级", "三级", "二级", "一级"), LEVELS, strict=True)),
}
EVENT_TYPES = ("leak", "fire", "explosion", "poisoning", "alarm")
# Public-area events (5.1.3, the publicarea context) trigger rules of their kind.
PUBLIC_EVENT_TYPES = ("intrusion", "crowding", "dangerous_behaviour", "early_fire", "environment_exceedance")
# The device kind each device action addresses (evacuation_push and screen_highlight address people and the console).
ACTION_DEVICE = {
    "ptz_track": "ptz_camera",
    "door_lock": "door",
    "exit_open": "evacuation_exit",
    "ventilation": "ventilation",
    "broadcast": "broadcast",
    "gate_open": "gate",
}
BROADCAST_TEXT = "园区广播：请注意，附近发生异常事件，请服从现场人员指挥，远离事发区域。"
DEFAULT_RADIUS_M = 500.0
BUILTIN_LEAK = "leak_default"
COMPASS = ("北", "东北", "东", "东南", "南", "西南", "西", "西北")


def level(text: Any) -> str | None:
    """A warning colour from a colour, a grade (I..IV, 1..4, 一级..四级; I is red); None when unknown."""
    key = "" if text is None else str(text).strip()
    return _ALIASES.get(key) or _ALIASES.get(key.upper()) or _ALIASES.get(key.lower())


def rank(colour: str) -> int:
    return LEVELS.index(colour)


def matches(rule: dict[str, Any], event: dict[str, Any]) -> bool:
    """An enabled rule of the event's type, at or below its level, whose scope contains the event."""
    colour = level(event.get("level"))
    if not rule.get("enabled", True) or rule["event_type"] != event.get("type") or colour is None:
        return False
    if rank(colour) < rank(rule["min_level"]):
        return False
    scope = rule.get("scope") or {}
    if scope.get("kind") == "enterprise":
        return bool(event.get("enterprise_id")) and event.get("enterprise_id") == scope.get("enterprise_id")
    if scope.get("kind") == "installation":
        return bool(event.get("installation_id")) and event.get("installation_id") == scope.get("installation_id")
    return True


def radius_of(action: dict[str, Any], rule: dict[str, Any]) -> float:
    return float(action.get("radius_m") or (rule.get("scope") or {}).get("radius_m") or DEFAULT_RADIUS_M)


def targets(
    devices: Iterable[dict[str, Any]], device_kind: str, event: dict[str, Any], radius_m: float
) -> list[tuple[float, dict[str, Any]]]:
    """(distance, device) of one kind within the radius of the source, or in the event's installation
    (the "related area" of 5.4.3-4 even when its doors sit farther out), nearest first."""
    src, installation = event["source"], event.get("installation_id")
    found = []
    for device in devices:
        if device["kind"] != device_kind:
            continue
        where = device["location"]
        dist = distance_m(src["lat"], src["lon"], where["lat"], where["lon"])
        if dist <= radius_m or (installation and device.get("installation_id") == installation):
            found.append((dist, device))
    return sorted(found, key=lambda p: (p[0], p[1]["id"]))


def command(action: dict[str, Any], event: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The command name and parameters a device receives for a device action."""
    kind = action["kind"]
    if kind == "ptz_track":
        src = event["source"]
        return "ptz_track", {"target": {"lat": src["lat"], "lon": src["lon"]}}
    if kind == "door_lock":
        return "door_lock", {"state": "locked"}
    if kind == "exit_open":
        return "exit_open", {"state": "open"}
    if kind == "ventilation":
        return "ventilation", {"mode": action["mode"]}
    if kind == "broadcast":
        return "broadcast", {"text": action.get("text") or BROADCAST_TEXT}
    if kind == "gate_open":  # e.g. for fire engines: the gate nearest the event opens
        return "gate_open", {"state": "open"}
    raise ValueError(f"not a device action: {kind}")


def command_id(incident_id: str, device_id: str, name: str, params: dict[str, Any]) -> str:
    """Deterministic per (incident, device, command, mode): a retried trigger finds the command it already
    sent instead of actuating the device twice, and two rules asking the same thing send it once."""
    key = f"{incident_id}|{device_id}|{name}|{params.get('mode', '')}"
    return "cmd_" + hashlib.sha256(key.encode()).hexdigest()[:26]


def builtin_leak_rule() -> dict[str, Any]:
    """Confirmed hazardous-chemical leak (5.4.3-3..7): cameras track, doors lock, exits open, ventilation
    shuts its intakes, people in the evacuation zone are told to leave, the command screen highlights it."""
    return {
        "name": "危险化学品泄漏默认联动",
        "description": "5.4.3-3~7：视频追踪、门禁闭锁与疏散通道开启、通风调整、疏散指令、指挥大屏突出显示",
        "event_type": "leak",
        "min_level": "blue",
        "scope": {"kind": "park", "enterprise_id": None, "installation_id": None, "radius_m": DEFAULT_RADIUS_M},
        "actions": [
            {"kind": "ptz_track", "radius_m": 1000.0},
            {"kind": "door_lock", "radius_m": 300.0},
            {"kind": "exit_open", "radius_m": 500.0},
            {"kind": "ventilation", "mode": "shutdown", "radius_m": 500.0},
            {"kind": "evacuation_push", "zone_level": "AEGL-2"},
            {"kind": "screen_highlight"},
        ],
        "enabled": True,
    }


def circle_ring(lat: float, lon: float, radius_m: float, points: int = 48) -> list[list[float]]:
    """Closed counter-clockwise GeoJSON ring approximating a circle (the isolation zone on the map)."""
    ring = []
    for i in range(points + 1):
        a = 2 * math.pi * (i % points) / points
        north, east = radius_m * math.cos(a), -radius_m * math.sin(a)
        d_lat = math.degrees(north / EARTH_RADIUS_M)
        d_lon = math.degrees(east / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
        ring.append([round(lon + d_lon, 7), round(lat + d_lat, 7)])
    return ring


def screen_geojson(event: dict[str, Any], extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """FeatureCollection for the command screen: source point, isolation circle, threat zones, extra features."""
    src = event["source"]
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [src["lon"], src["lat"]]},
            "properties": {"role": "source", "incident_id": event["incident_id"], "event_type": event["type"]},
        }
    ]
    radius = float(event.get("isolation_radius_m") or 0)
    if radius > 0:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [circle_ring(src["lat"], src["lon"], radius)]},
                "properties": {"role": "isolation", "radius_m": radius},
            }
        )
    for zone in event.get("zones") or []:
        if zone.get("polygon"):
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [zone["polygon"]]},
                    "properties": {"role": "zone", "level": zone.get("level"), "downwind_m": zone.get("downwind_m")},
                }
            )
    return {"type": "FeatureCollection", "features": features + (extra or [])}


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing from point 1 to point 2, degrees clockwise from north."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(y, x)) + 360) % 360


def compass(deg: float) -> str:
    return COMPASS[round(deg / 45) % 8]


def upwind(source: dict[str, float], ring: list[list[float]]) -> str | None:
    """Compass direction opposite the footprint's far tip (the way out of the plume); None without one."""
    if not ring:
        return None
    tip = max(ring, key=lambda p: distance_m(source["lat"], source["lon"], p[1], p[0]))
    if distance_m(source["lat"], source["lon"], tip[1], tip[0]) < 1:
        return None
    return compass(bearing_deg(source["lat"], source["lon"], tip[1], tip[0]) + 180)


def evacuation_text(name: str, incident_id: str, way_out: str | None, drill: bool) -> str:
    """The evacuation instruction (5.4.3-6); a drill's text always starts with 【演练】."""
    route = f"向{way_out}方向（上风向）或侧风方向" if way_out else "沿侧风方向远离事故点"
    text = (
        f"【疏散指令】{name}您好：您所在位置处于危险化学品泄漏影响范围内，请立即停止作业，{route}撤离，"
        f"切勿进入下风向区域；到达安全地点后请在APP上确认。事件编号：{incident_id}"
    )
    return f"【演练】{text}" if drill else text
