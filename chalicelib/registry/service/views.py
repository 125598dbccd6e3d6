"""What other contexts read of the registry, as typed, frozen views (not the API's documents).

Alarms, risk, incidents, warnings, plans, notify, access, linkage, telemetry, patrol and public areas read
installations, enterprises, sensors, cameras and SMS contacts through these (zones, the park and sensor
profiles: `lookups`, `profiles`); a field another context relies on is named here, so a change to a registry
document that breaks a reader breaks the type checker first.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from chalicelib.core.geo import Point
from chalicelib.core.identity import Identity
from chalicelib.registry.service.entities import CAMERA, ENTERPRISE, INSTALLATION, SENSOR, Kind, get, list_page


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
    status: str  # operating, maintenance, decommissioned (a decommissioned one receives no goods)


@dataclass(frozen=True)
class EnterpriseView:
    """An enterprise of the park: risk, on-duty areas, patrol notices and the snapshot sweep read it."""

    id: str
    name: str
    location: Point


@dataclass(frozen=True)
class SensorView:
    """A sensor (位号): the alarm context, telemetry's map, history and stale census, public areas read it."""

    id: str
    name: str
    kind: str
    unit: str
    enterprise_id: str
    installation_id: str | None
    location: Point
    environment: bool  # park boundary environment monitoring: shown with every nearby alarm
    status: str  # in_service, out_of_service
    stale_after_s: int  # silent this long: STALE (the census)
    created_ms: int
    # The document as the registry stores it, only for `public()` (read attributes, never this).
    _document: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    def public(self) -> dict[str, Any]:
        """The sensor whole, exactly as the registry's document has it (the alarm context embeds it so)."""
        return copy.deepcopy(dict(self._document))


@dataclass(frozen=True)
class CameraView:
    """A GB/T 28181 camera: the alarm context, linkage (PTZ cameras as actuators) and public areas read it."""

    id: str
    name: str
    ptz: bool
    type_label: str | None
    location: Point
    enterprise_id: str
    installation_id: str | None


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
        status=doc.get("status", "operating"),
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
        status=doc.get("status", "in_service"),
        stale_after_s=int(doc.get("stale_after_s") or 600),
        created_ms=int(doc.get("created_at") or 0),
        _document=MappingProxyType(dict(doc)),
    )


def camera_view(doc: Mapping[str, Any]) -> CameraView:
    return CameraView(
        doc["id"],
        doc["name"],
        bool(doc.get("ptz", False)),
        doc.get("type_label"),
        Point.of(doc["location"]),
        doc["enterprise_id"],
        doc.get("installation_id"),
    )


def contact(doc: Mapping[str, Any]) -> Contact:
    return Contact(doc["name"], doc["phone"], doc.get("title", ""), doc.get("min_priority", "high"))


def installation(installation_id: str, who: Identity) -> InstallationView:
    """One installation the caller may see (NOT_FOUND otherwise)."""
    return installation_view(get(INSTALLATION, installation_id, who))


def enterprise_view(doc: Mapping[str, Any]) -> EnterpriseView:
    return EnterpriseView(doc["id"], doc["name"], Point.of(doc["location"]))


def enterprise(enterprise_id: str, who: Identity) -> EnterpriseView:
    return enterprise_view(get(ENTERPRISE, enterprise_id, who))


def sensor(sensor_id: str, who: Identity) -> SensorView:
    """One sensor the caller may see (NOT_FOUND otherwise)."""
    return sensor_view(get(SENSOR, sensor_id, who))


def camera(camera_id: str, who: Identity) -> CameraView:
    """One camera the caller may see (NOT_FOUND otherwise)."""
    return camera_view(get(CAMERA, camera_id, who))


def every(kind: Kind, who: Identity, enterprise_id: str | None, view: Callable[[Mapping[str, Any]], Any]) -> list[Any]:
    """Every visible entity of a kind, in the caller's scope (entities number hundreds per park, not millions)."""
    out: list[Any] = []
    cursor = None
    while True:
        items, cursor = list_page(kind, who, enterprise_id, 200, cursor)
        out += [view(i) for i in items]
        if not cursor:
            return out


def cameras(who: Identity, enterprise_id: str | None = None) -> list[CameraView]:
    return every(CAMERA, who, enterprise_id, camera_view)


def sensors(who: Identity) -> list[SensorView]:
    return every(SENSOR, who, None, sensor_view)


def installations(who: Identity, enterprise_id: str | None = None) -> list[InstallationView]:
    return every(INSTALLATION, who, enterprise_id, installation_view)


def enterprises(who: Identity) -> list[EnterpriseView]:
    """Every enterprise the caller may see (the park's, for SYSTEM)."""
    return every(ENTERPRISE, who, None, enterprise_view)
