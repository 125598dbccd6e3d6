"""Where permits meet: one blind-plate job per pipe, no hot work within 30 m of an open blind-plate job
(GB 30871-2022, domain.md §3.2), gas alarms near live work, and the map layer (GeoJSON, RFC 7946)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.core import errors, geo
from chalicelib.workpermits.domain.rules import LEVEL_LABEL, TYPE_LABEL

BLIND_PLATE_HOT_WORK_M = 30.0

BLIND_PLATE_PIPE_BUSY = errors.define(
    "BLIND_PLATE_PIPE_BUSY",
    409,
    "同一管道上不得同时进行两处及以上盲板抽堵作业",
    "Another approved or live blind-plate permit on the same pipe overlaps this one in time (details.permit_id).",
)
HOT_WORK_NEAR_BLIND_PLATE = errors.define(
    "HOT_WORK_NEAR_BLIND_PLATE",
    409,
    "盲板抽堵作业点 30 m 内不得进行动火作业",
    "A hot-work and an open blind-plate permit would overlap in time within 30 m of each other (details.permit_id).",
)


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["starts_ms"] < b["ends_ms"] and b["starts_ms"] < a["ends_ms"]


def distance_m(a: dict[str, Any], b: dict[str, Any]) -> float:
    return geo.distance_m(a["location"]["lat"], a["location"]["lon"], b["location"]["lat"], b["location"]["lon"])


def check_conflicts(permit: dict[str, Any], held: Iterable[dict[str, Any]]) -> None:
    """Refuse `permit` against the permits holding their place (approved, active, suspended) that overlap it."""
    for other in held:
        if other["id"] == permit["id"] or not _overlap(permit, other):
            continue
        pair = {permit["type"], other["type"]}
        same_pipe = other["enterprise_id"] == permit["enterprise_id"] and other.get("pipe") == permit.get("pipe")
        if pair == {"blind_plate"} and same_pipe:
            raise BLIND_PLATE_PIPE_BUSY(details={"permit_id": other["id"], "pipe": permit.get("pipe")})
        if pair == {"blind_plate", "hot_work"}:
            d = distance_m(permit, other)
            if d <= BLIND_PLATE_HOT_WORK_M:
                raise HOT_WORK_NEAR_BLIND_PLATE(details={"permit_id": other["id"], "distance_m": round(d, 1)})


def affected_by_alarm(
    sensor_id: str, lat: float, lon: float, live: Iterable[dict[str, Any]], radius_m: float
) -> list[tuple[dict[str, Any], float]]:
    """Active permits a gas alarm concerns: its detector monitors them, or it lies within `radius_m`."""
    out = []
    for permit in live:
        if permit["state"] != "active":
            continue
        d = geo.distance_m(lat, lon, permit["location"]["lat"], permit["location"]["lon"])
        if permit.get("monitor_sensor_id") == sensor_id or d <= radius_m:
            out.append((permit, round(d, 1)))
    return out


def feature(permit: dict[str, Any]) -> dict[str, Any]:
    """A permit as a GeoJSON Point Feature (RFC 7946: [lon, lat])."""
    loc = permit["location"]
    keep = ("id", "enterprise_id", "type", "level", "state", "starts_at", "ends_at", "description", "installation_id")
    props = {k: permit.get(k) for k in keep}
    props["type_label"] = TYPE_LABEL[permit["type"]]
    props["level_label"] = LEVEL_LABEL.get(permit.get("level") or "", "")
    props["guardian"] = (permit.get("guardian") or {}).get("name", "")
    props["kind"], props["name"] = "work_permit", f"{props['type_label']}作业"  # the map layers' shared keys
    return {
        "type": "Feature",
        "id": permit["id"],
        "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
        "properties": props,
    }


def feature_collection(permits: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [feature(p) for p in permits]}
