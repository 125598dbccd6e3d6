"""Linkage context of an alarm (5.1.1-3): cameras, nearby environment readings, hazard data, plans.

Plans and resources, and the latest readings, come through `alarms.ports` (wired by chalicelib.bootstrap).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from chalicelib.alarms import ports
from chalicelib.alarms.ports import PORTS
from chalicelib.alarms.service.reads import load
from chalicelib.alarms.service.records import public
from chalicelib.core.geo import nearest
from chalicelib.core.identity import Identity
from chalicelib.registry import service as registry

CAMERA_RADIUS_M = 1000
ENVIRONMENT_RADIUS_M = 2000


def linkage_context(alarm_id: str, who: Identity) -> dict[str, Any]:
    """Cameras and environment sensors near the alarm's sensor with their readings, the installation's
    hazards, and (through the plans port) applicable plans and the nearest resources."""
    _, alarm = load(alarm_id, who)
    record = registry.get(registry.SENSOR, alarm.tag_id, who)  # shown whole, as the registry shows it
    sensor = registry.sensor_view(record)
    here = (sensor.location.lat, sensor.location.lon)
    installation = registry.installation(alarm.installation_id, who) if alarm.installation_id else None
    near_cams = nearest(registry.cameras(who), *here, _where, limit=5, within_m=CAMERA_RADIUS_M)
    env = [s for s in registry.sensors(who) if s.environment and s.id != sensor.id]
    near_env = nearest(env, *here, _where, limit=10, within_m=ENVIRONMENT_RADIUS_M)
    nearby = [s for _, s in near_env] + [sensor]
    current = ports.last_values()([s.id for s in nearby], {s.enterprise_id for s in nearby})
    view = public(alarm)
    plans = (
        PORTS.plans(view, sensor, installation)
        if PORTS.plans
        else {"plans": [], "resources": [], "note": "应急预案与资源模块未提供数据"}
    )
    return {
        "alarm": view,
        "sensor": {**record, "current": current.get(sensor.id)},
        "cameras": [
            {
                "id": c.id,
                "name": c.name,
                "ptz": c.ptz,
                "type_label": c.type_label,
                "distance_m": round(d, 1),
                "location": asdict(c.location),
            }
            for d, c in near_cams
        ],
        "environment": [
            {
                "id": s.id,
                "name": s.name,
                "kind": s.kind,
                "unit": s.unit,
                "distance_m": round(d, 1),
                "current": current.get(s.id),
            }
            for d, s in near_env
        ],
        "installation": None
        if installation is None
        else {
            "id": installation.id,
            "name": installation.name,
            "grade": installation.grade,
            "major_hazard": installation.major_hazard,
            "r_value": installation.r_value,
            "chemicals": [asdict(c) for c in installation.chemicals],
        },
        **plans,
    }


def _where(entity: registry.SensorView | registry.CameraView) -> tuple[float, float]:
    return entity.location.lat, entity.location.lon
