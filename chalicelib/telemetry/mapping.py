"""The sensors layer of the map (一张图): every sensor the caller sees with its state and last value.

The state comes from the open alarms of the tag (device health first: a stale or bad tag says nothing about the
process), the value from the last-value snapshots; neither costs the ingest hot path anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.alarms import service as alarms
from chalicelib.core import clock, geojson
from chalicelib.core.identity import Identity
from chalicelib.registry import service as registry
from chalicelib.telemetry import snapshots

PROCESS = frozenset({"HH", "H", "L", "LL", "ROC"})


def state_of(status: str, conditions: Iterable[str]) -> str:
    """normal | alarm | warning (trend) | fault (bad quality) | offline (stale) | out_of_service."""
    open_now = set(conditions)
    if status == "out_of_service":
        return "out_of_service"
    if "STALE" in open_now:
        return "offline"
    if "BAD" in open_now:
        return "fault"
    if open_now & PROCESS:
        return "alarm"
    return "warning" if "TREND" in open_now else "normal"


def map_features(who: Identity) -> dict[str, Any]:
    sensors = registry.sensors(who)
    conditions: dict[str, set[str]] = {}
    for alarm in alarms.open_alarms():
        if alarm.source == alarms.READINGS:
            conditions.setdefault(alarm.tag_id, set()).add(alarm.condition)
    values = snapshots.last_values([s.id for s in sensors], {s.enterprise_id for s in sensors})
    features = []
    for s in sensors:
        last = values.get(s.id) or {}
        features.append(
            geojson.feature(
                s.id,
                geojson.point(s.location.lat, s.location.lon),
                "sensor",
                s.name,
                device_id=s.id,
                tag=s.id,
                enterprise_id=s.enterprise_id,
                installation_id=s.installation_id,
                sensor_kind=s.kind,
                state=state_of(s.status, conditions.get(s.id, ())),
                value=last.get("value"),
                unit=s.unit,
                at=clock.iso(int(last["ts"])) if last.get("ts") else None,
            )
        )
    return geojson.collection(sorted(features, key=lambda f: f["id"]))
