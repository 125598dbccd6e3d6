"""Linkage context of an alarm (5.1.1-3): cameras, nearby environment readings, hazard data, plans; around
its sensor, or where an event alarm happened.

Plans and resources, and the latest readings, come through `alarms.ports` (wired by chalicelib.bootstrap).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from chalicelib.alarms import ports
from chalicelib.alarms.domain import Alarm
from chalicelib.alarms.ports import PORTS
from chalicelib.alarms.service.reads import load
from chalicelib.alarms.service.records import public
from chalicelib.core import errors
from chalicelib.core.geo import nearest
from chalicelib.core.identity import Identity
from chalicelib.registry import service as registry

CAMERA_RADIUS_M = 1000
ENVIRONMENT_RADIUS_M = 2000


@dataclass(frozen=True)
class NearCamera:
    camera: registry.CameraView
    distance_m: float


@dataclass(frozen=True)
class NearSensor:
    """An environment sensor near the alarm, with its latest reading (None: none yet)."""

    sensor: registry.SensorView
    distance_m: float
    current: Mapping[str, Any] | None


@dataclass(frozen=True)
class AlarmContext:
    """An alarm's linkage context, read by public areas (an event's context) and the alarm context route;
    both show it whole (`public()`)."""

    alarm: Mapping[str, Any]  # the alarm as GET /alarms/{id} shows it
    sensor: registry.SensorView | None  # None: an event alarm
    current: Mapping[str, Any] | None  # the sensor's latest reading
    location: registry.Point | None  # an event alarm's place (its own, else its installation's)
    cameras: tuple[NearCamera, ...]
    environment: tuple[NearSensor, ...]
    installation: registry.InstallationView | None
    plans: Mapping[str, Any]  # what the plans port offers (plans, plan_basis, resources or a note), as it says

    def public(self) -> dict[str, Any]:
        """The response document; the sensor shown whole, as the registry stores it."""
        shown: dict[str, Any] = {"alarm": dict(self.alarm)}
        if self.sensor is None:
            shown["location"] = asdict(self.location) if self.location is not None else None
            shown["sensor"] = None
        else:
            shown["sensor"] = {**self.sensor.public(), "current": _plain(self.current)}
        return {
            **shown,
            "cameras": [
                {
                    "id": n.camera.id,
                    "name": n.camera.name,
                    "ptz": n.camera.ptz,
                    "type_label": n.camera.type_label,
                    "distance_m": n.distance_m,
                    "location": asdict(n.camera.location),
                }
                for n in self.cameras
            ],
            "environment": [
                {
                    "id": n.sensor.id,
                    "name": n.sensor.name,
                    "kind": n.sensor.kind,
                    "unit": n.sensor.unit,
                    "distance_m": n.distance_m,
                    "current": _plain(n.current),
                }
                for n in self.environment
            ],
            "installation": _installation(self.installation),
            **self.plans,
        }


def _plain(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return dict(value) if value is not None else None


def linkage_context(alarm_id: str, who: Identity) -> AlarmContext:
    """Cameras and environment sensors near the alarm (its sensor, or an event alarm's location) with their
    readings, the installation's hazards, and (through the plans port) applicable plans and the nearest
    resources."""
    _, alarm = load(alarm_id, who)
    if alarm.is_event:
        return _event_context(alarm, who)
    sensor = registry.sensor(alarm.tag_id, who)
    installation = registry.installation(alarm.installation_id, who) if alarm.installation_id else None
    near = _near(who, (sensor.location.lat, sensor.location.lon), sensor)
    view = public(alarm)
    plans = _plans(view, sensor, installation)
    cameras, environment = near.shown()
    return AlarmContext(view, sensor, near.current.get(sensor.id), None, cameras, environment, installation, plans)


def _event_context(alarm: Alarm, who: Identity) -> AlarmContext:
    """An event alarm has no sensor: what is near where it happened (its location, else its installation's)."""
    installation = None
    if alarm.installation_id:
        with contextlib.suppress(errors.AppError):  # named by the raising context; may since have been removed
            installation = registry.installation(alarm.installation_id, who)
    here = (alarm.lat, alarm.lon) if alarm.lat is not None and alarm.lon is not None else None
    if here is None and installation is not None:
        here = (installation.location.lat, installation.location.lon)
    view = public(alarm)
    near = _near(who, here, None)
    located = {**view, "lat": here[0], "lon": here[1]} if here else view
    cameras, environment = near.shown()
    where = registry.Point(here[0], here[1]) if here else None
    plans = _plans(located, None, installation)
    return AlarmContext(view, None, None, where, cameras, environment, installation, plans)


@dataclass(frozen=True)
class _Near:
    cameras: list[tuple[float, registry.CameraView]]
    environment: list[tuple[float, registry.SensorView]]
    current: Mapping[str, Mapping[str, Any]]

    def shown(self) -> tuple[tuple[NearCamera, ...], tuple[NearSensor, ...]]:
        return (
            tuple(NearCamera(c, round(d, 1)) for d, c in self.cameras),
            tuple(NearSensor(s, round(d, 1), self.current.get(s.id)) for d, s in self.environment),
        )


def _near(who: Identity, here: tuple[float, float] | None, sensor: registry.SensorView | None) -> _Near:
    """Cameras within CAMERA_RADIUS_M and environment sensors within ENVIRONMENT_RADIUS_M, with the latest
    readings of those sensors (and of the alarm's own sensor)."""
    if here is None:
        return _Near([], [], {})
    cams = nearest(registry.cameras(who), *here, _where, limit=5, within_m=CAMERA_RADIUS_M)
    env = [s for s in registry.sensors(who) if s.environment and (sensor is None or s.id != sensor.id)]
    near_env = nearest(env, *here, _where, limit=10, within_m=ENVIRONMENT_RADIUS_M)
    nearby = [s for _, s in near_env] + ([sensor] if sensor is not None else [])
    current = ports.last_values()([s.id for s in nearby], {s.enterprise_id for s in nearby}) if nearby else {}
    return _Near(cams, near_env, current)


def _plans(
    view: dict[str, Any], sensor: registry.SensorView | None, installation: registry.InstallationView | None
) -> dict[str, Any]:
    if PORTS.plans is None:
        return {"plans": [], "resources": [], "note": "应急预案与资源模块未提供数据"}
    return PORTS.plans(view, sensor, installation).public()


def _installation(installation: registry.InstallationView | None) -> dict[str, Any] | None:
    if installation is None:
        return None
    return {
        "id": installation.id,
        "name": installation.name,
        "grade": installation.grade,
        "major_hazard": installation.major_hazard,
        "r_value": installation.r_value,
        "chemicals": [asdict(c) for c in installation.chemicals],
    }


def _where(entity: registry.SensorView | registry.CameraView) -> tuple[float, float]:
    return entity.location.lat, entity.location.lon
