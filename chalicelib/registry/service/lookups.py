"""Typed registry reads beside `views`: existence and ownership checks, zones and the park's record.

Access, linkage, patrol, alarms and vehicles check that a referenced entity exists and is visible (`require`)
or whose it is (`owner`); access, on-duty and vehicles read zones as circles (`ZoneView`); resources read the
park's location (`ParkView`). None of them sees a registry document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.core.identity import PARK, Identity
from chalicelib.registry.service.entities import ENTERPRISE, ZONE, Kind, get, get_park, load
from chalicelib.registry.service.views import Point, every


@dataclass(frozen=True)
class ZoneView:
    """A zone (区域) as the registry keeps it, a circle: access levels and presence, on-duty areas, vehicle
    speed limits and the zones map layer read it."""

    id: str
    name: str
    enterprise_id: str | None  # None: a park zone (园区公共区域)
    center: Point
    radius_m: float


@dataclass(frozen=True)
class ParkView:
    """The park's record as resources read it (the default point of a nearest-resources query)."""

    name: str
    location: Point


def _owner(value: str | None) -> str | None:
    return None if value in (None, "", PARK) else value


def zone_view(doc: Mapping[str, Any]) -> ZoneView:
    return ZoneView(
        doc["id"], doc["name"], _owner(doc.get("enterprise_id")), Point.of(doc["center"]), float(doc["radius_m"])
    )


def require(kind: Kind, entity_id: str, who: Identity) -> None:
    """NOT_FOUND unless the entity exists and the caller may see it (a reference or scope check)."""
    load(kind, entity_id, who)


def owner(kind: Kind, entity_id: str, who: Identity) -> str | None:
    """The enterprise a visible entity belongs to (None: the park's); NOT_FOUND when it is not visible."""
    item = load(kind, entity_id, who)
    return item.id if kind is ENTERPRISE else _owner(getattr(item, "enterprise_id", None))


def zone(zone_id: str, who: Identity) -> ZoneView:
    """One zone the caller may see (NOT_FOUND otherwise)."""
    return zone_view(get(ZONE, zone_id, who))


def zones(who: Identity, enterprise_id: str | None = None) -> list[ZoneView]:
    """The zones in the caller's scope (one enterprise's when named; an enterprise user: its own)."""
    return every(ZONE, who, enterprise_id, zone_view)


def park_view() -> ParkView | None:
    """The park's record, None until it is configured (PUT /park)."""
    doc = get_park()
    return ParkView(doc["name"], Point.of(doc["location"])) if doc is not None else None
