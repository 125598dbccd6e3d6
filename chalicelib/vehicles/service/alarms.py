"""Vehicle alarms through the alarm engine's event entry point (source "vehicles"): one open alarm per vehicle
and condition (key `<plate>:<condition>`) and per parking lot over capacity (`lot:<id>:over_capacity`), raised
when the condition starts, with the vehicle's position, and cleared when it ends. A failed raise or clear is
logged: the position and the track are stored whatever the alarm engine answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.alarms import service as alarms
from chalicelib.core.identity import PARK
from chalicelib.core.observability import logger
from chalicelib.core.schemas import Priority
from chalicelib.vehicles.domain import HIGH, LABEL, Condition

SOURCE = "vehicles"


def _detail(track: Mapping[str, Any], cond: Condition) -> str:
    if cond is Condition.SPEEDING:
        return f"（{track.get('speed_kmh')} km/h，限速 {track.get('limit_kmh')} km/h）"
    if cond is Condition.OFF_ROUTE:
        return f"（偏离走廊 {track.get('offset_m')} m）"
    return ""


def raise_for(track: Mapping[str, Any], cond: Condition) -> str | None:
    """Raise the vehicle's alarm for `cond` at its last position; the alarm id, or None when it failed."""
    owner = track["enterprise_id"]
    fix = track["fix"]
    details = {
        "plate": track["plate"],
        "condition": cond.value,
        "appointment_id": track.get("appointment_id") or "",
        "route_id": track.get("route_id") or "",
        "lot_id": track.get("lot_id") or "",
        "speed_kmh": str(track.get("speed_kmh")),
        "at": str(fix["at"]),
    }
    try:
        return alarms.raise_event_alarm(
            alarms.EventAlarm(
                source=SOURCE,
                kind=f"vehicle_{cond.value}",
                key=f"{track['plate']}:{cond.value}",
                enterprise_id=None if owner == PARK else owner,
                priority=Priority.HIGH if cond in HIGH else Priority.MEDIUM,
                title=f"危化品车辆{track['plate']}{LABEL[cond]}{_detail(track, cond)}",
                lat=float(fix["lat"]),
                lon=float(fix["lon"]),
                details=details,
            )
        )
    except Exception:
        logger.exception("vehicle alarm failed", extra={"plate": track["plate"], "condition": cond.value})
        return None


def clear_for(plate: str, cond: Condition) -> None:
    try:
        alarms.clear_event_alarm(SOURCE, f"{plate}:{cond.value}")
    except Exception:
        logger.exception("vehicle alarm clear failed", extra={"plate": plate, "condition": cond.value})


def lot_capacity(lot: Mapping[str, Any], occupancy: int) -> None:
    """Raise the lot's over-capacity alarm while more vehicles stand in it than it has spaces, else clear it."""
    key = f"lot:{lot['id']}:{Condition.OVER_CAPACITY.value}"
    try:
        if occupancy <= int(lot["capacity"]):
            alarms.clear_event_alarm(SOURCE, key)
            return
        ring = lot["area"]["coordinates"][0]
        alarms.raise_event_alarm(
            alarms.EventAlarm(
                source=SOURCE,
                kind=f"parking_lot_{Condition.OVER_CAPACITY.value}",
                key=key,
                enterprise_id=None,
                priority=Priority.MEDIUM,
                title=f"{lot['name']}{LABEL[Condition.OVER_CAPACITY]}（{occupancy}/{lot['capacity']}）",
                lat=sum(p[1] for p in ring[:-1]) / (len(ring) - 1),
                lon=sum(p[0] for p in ring[:-1]) / (len(ring) - 1),
                details={"lot_id": str(lot["id"]), "occupancy": str(occupancy), "capacity": str(lot["capacity"])},
            )
        )
    except Exception:
        logger.exception("parking lot alarm failed", extra={"lot_id": lot["id"]})
