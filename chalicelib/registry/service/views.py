"""What other contexts read of the registry, as typed, frozen views (not the API's documents).

Alarms, risk, incidents, warnings, plans and notify read installations, enterprises, sensors, cameras and
SMS contacts through these; a field another context relies on is named here, so a change to a registry
document that breaks a reader breaks the type checker first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.core.identity import Identity
from chalicelib.registry.service.entities import CAMERA, ENTERPRISE, INSTALLATION, SENSOR, Kind, get, list_page


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float

    @classmethod
    def of(cls, location: Mapping[str, Any]) -> Point:
        return cls(float(location["lat"]), float(location["lon"]))


@dataclass(frozen=True)
class Chemical:
    chemical: str
    cas: str | None
    quantity_t: float


@dataclass(frozen=True)
class InstallationView:
    """A major hazard installation (重大危险源单元) with its GB 18218 grading."""

    id: str
    name: str
    enterprise_id: str
    location: Point
    grade: int | None
    major_hazard: bool | None
    r_value: float | None
    chemicals: tuple[Chemical, ...]


@dataclass(frozen=True)
class EnterpriseView:
    id: str
    name: str
    location: Point


@dataclass(frozen=True)
class SensorView:
    id: str
    name: str
    kind: str
    unit: str
    enterprise_id: str
    installation_id: str | None
    location: Point
    environment: bool  # park boundary environment monitoring: shown with every nearby alarm


@dataclass(frozen=True)
class CameraView:
    id: str
    name: str
    ptz: bool
    type_label: str | None
    location: Point


@dataclass(frozen=True)
class Contact:
    """Someone texted about alarms or warnings: designated managers and 包保责任人."""

    name: str
    phone: str
    title: str = ""
    min_priority: str = "high"  # the lowest alarm priority they are texted for


def installation_view(doc: Mapping[str, Any]) -> InstallationView:
    return InstallationView(
        id=doc["id"],
        name=doc["name"],
        enterprise_id=doc["enterprise_id"],
        location=Point.of(doc["location"]),
        grade=doc.get("grade"),
        major_hazard=doc.get("major_hazard"),
        r_value=doc.get("r_value"),
        chemicals=tuple(
            Chemical(i["chemical"], i.get("cas"), float(i["quantity_t"])) for i in doc.get("inventory", [])
        ),
    )


def sensor_view(doc: Mapping[str, Any]) -> SensorView:
    return SensorView(
        id=doc["id"],
        name=doc["name"],
        kind=doc["kind"],
        unit=doc["unit"],
        enterprise_id=doc["enterprise_id"],
        installation_id=doc.get("installation_id"),
        location=Point.of(doc["location"]),
        environment=bool(doc.get("environment")),
    )


def camera_view(doc: Mapping[str, Any]) -> CameraView:
    return CameraView(
        doc["id"], doc["name"], bool(doc.get("ptz", False)), doc.get("type_label"), Point.of(doc["location"])
    )


def contact(doc: Mapping[str, Any]) -> Contact:
    return Contact(doc["name"], doc["phone"], doc.get("title", ""), doc.get("min_priority", "high"))


def installation(installation_id: str, who: Identity) -> InstallationView:
    """One installation the caller may see (NOT_FOUND otherwise)."""
    return installation_view(get(INSTALLATION, installation_id, who))


def enterprise(enterprise_id: str, who: Identity) -> EnterpriseView:
    doc = get(ENTERPRISE, enterprise_id, who)
    return EnterpriseView(doc["id"], doc["name"], Point.of(doc["location"]))


def sensor(sensor_id: str, who: Identity) -> SensorView:
    return sensor_view(get(SENSOR, sensor_id, who))


def _every(kind: Kind, who: Identity, view: Callable[[Mapping[str, Any]], Any]) -> list[Any]:
    """Every visible entity of a kind (cameras, sensors and installations number hundreds per park)."""
    out: list[Any] = []
    cursor = None
    while True:
        items, cursor = list_page(kind, who, None, 200, cursor)
        out += [view(i) for i in items]
        if not cursor:
            return out


def cameras(who: Identity) -> list[CameraView]:
    return _every(CAMERA, who, camera_view)


def sensors(who: Identity) -> list[SensorView]:
    return _every(SENSOR, who, sensor_view)


def installations(who: Identity) -> list[InstallationView]:
    return _every(INSTALLATION, who, installation_view)
