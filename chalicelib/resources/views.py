"""What other contexts read of an emergency resource, as a frozen view (not the API's document).

Incidents (the situation picture, the dispatch of teams and vehicles), plans (an alarm's nearest resources)
and linkage (the command screen's highlight, through its port) read resources through `ResourceView`; the
situation picture and the screen message carry it whole, as `public()`: the JSON the API gives a resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.core.geo import Point

Detail = str | int | float | bool | None | tuple[str, ...]  # a per-kind detail: a scalar or a list of words


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str


@dataclass(frozen=True)
class ResourceView:
    """A resource as incidents, plans and linkage read it; `distance_m` is set by the nearest queries only."""

    id: str
    kind: str
    name: str
    status: str
    enterprise_id: str | None
    owner: str  # "park" or the enterprise id
    location: Point
    contact: Contact | None
    details: tuple[tuple[str, Detail], ...]  # the kind's details (schemas.DETAILS), in their order
    note: str
    incident_id: str | None  # the incident it is deployed to
    created_at: int
    updated_at: int
    distance_m: float | None = None

    def public(self) -> dict[str, Any]:
        """The resource as the API shows it (`domain.view`), with `distance_m` when a nearest query set it."""
        out = {
            "name": self.name,
            "location": {"lat": self.location.lat, "lon": self.location.lon},
            "contact": None if self.contact is None else {"name": self.contact.name, "phone": self.contact.phone},
            "details": {k: list(v) if isinstance(v, tuple) else v for k, v in self.details},
            "note": self.note,
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "incident_id": self.incident_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "enterprise_id": self.enterprise_id,
            "owner": self.owner,
        }
        return out if self.distance_m is None else {**out, "distance_m": self.distance_m}


def view_of(resource: Mapping[str, Any], distance_m: float | None = None) -> ResourceView:
    """The view of a resource as `domain.view` gives it."""
    contact, location = resource.get("contact"), resource["location"]
    return ResourceView(
        id=resource["id"],
        kind=resource["kind"],
        name=resource["name"],
        status=resource["status"],
        enterprise_id=resource.get("enterprise_id"),
        owner=resource["owner"],
        location=Point.of(location),
        contact=None if contact is None else Contact(contact["name"], contact["phone"]),
        details=tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in (resource.get("details") or {}).items()),
        note=resource.get("note", ""),
        incident_id=resource.get("incident_id"),
        created_at=int(resource["created_at"]),
        updated_at=int(resource["updated_at"]),
        distance_m=distance_m,
    )
