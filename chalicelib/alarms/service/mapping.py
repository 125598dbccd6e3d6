"""The alarms layer of the map (一张图): the open alarms the caller may see, where they are.

An event alarm carries its own place; a reading alarm is drawn at its sensor, else at its installation. An
enterprise user sees its own enterprise's alarms only (park-owned event alarms are for park roles).
"""

from __future__ import annotations

from typing import Any

from chalicelib.alarms.domain import READINGS, Alarm
from chalicelib.alarms.service.reads import open_alarms
from chalicelib.alarms.service.records import public
from chalicelib.core import clock, errors, geojson
from chalicelib.core.identity import PARK, SYSTEM, Identity
from chalicelib.registry import service as registry


def _places(alarms: list[Alarm]) -> dict[str, dict[str, Any]]:
    """alarm id -> {lat, lon} of the ones without a place of their own."""
    pending = [a for a in alarms if a.lat is None or a.lon is None]
    sensors = registry.sensor_profiles(sorted({a.tag_id for a in pending if a.source == READINGS}))
    installations: dict[str, Any] = {}
    out: dict[str, dict[str, Any]] = {}
    for a in pending:
        sensor = sensors.get(a.tag_id)
        if sensor is not None and sensor.location is not None:
            out[a.id] = {"lat": sensor.location.lat, "lon": sensor.location.lon}
        elif a.installation_id:
            if a.installation_id not in installations:
                try:
                    installations[a.installation_id] = registry.installation(a.installation_id, SYSTEM).location
                except errors.AppError:  # a deleted installation: the alarm stays listed, not drawn
                    installations[a.installation_id] = None
            where = installations[a.installation_id]
            if where is not None:
                out[a.id] = {"lat": where.lat, "lon": where.lon}
    return out


def feature(a: Alarm, where: dict[str, Any] | None) -> dict[str, Any]:
    data = public(a)
    geometry = geojson.point(a.lat, a.lon) if a.lat is not None and a.lon is not None else geojson.point_of(where)
    return geojson.feature(
        a.id,
        geometry,
        "alarm",
        a.title or f"{a.area} {data['condition_label']}".strip(),
        alarm_id=a.id,
        priority=a.priority.value,
        state=data["state"],
        enterprise_id=None if a.enterprise_id == PARK else a.enterprise_id,
        installation_id=a.installation_id,
        tag_id=a.tag_id,
        condition=a.condition,
        source="reading" if a.source == READINGS else "event",
        raised_at=clock.iso(a.raised_ms),
    )


def map_features(who: Identity) -> dict[str, Any]:
    visible = [a for a in open_alarms() if who.can_see(a.enterprise_id)]
    places = _places(visible)
    features = [feature(a, places.get(a.id)) for a in visible]
    return geojson.collection(sorted(features, key=lambda f: f["properties"]["raised_at"], reverse=True))
