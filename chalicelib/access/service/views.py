"""What other contexts read of the closed park, as typed, frozen views: a gate's barrier (linkage opens the
nearest gate for fire engines), a vehicle's trip and presence and its driver (vehicle tracking)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Person:
    """A driver as vehicle tracking keeps and shows them (numbers masked per common.masked_person)."""

    name: str
    id_number: str
    phone: str

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Person:
        return cls(str(data.get("name", "")), str(data.get("id_number", "")), str(data.get("phone", "")))

    def public(self) -> dict[str, str]:
        """As a vehicle's track stores its driver and `GET /vehicles` shows them."""
        return {"name": self.name, "id_number": self.id_number, "phone": self.phone}


@dataclass(frozen=True)
class Trip:
    """The approved appointment a vehicle travels on, as vehicle tracking judges its positions against it.
    `enterprise_id` is the appointment's owner as stored (the park's own id for a park appointment)."""

    id: str
    enterprise_id: str
    route_id: str | None
    carrier: str | None  # the waybill's carrier code, None when it has none
    driver: Person | None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Trip:
        driver = (data.get("vehicle") or {}).get("driver")
        return cls(
            id=data["id"],
            enterprise_id=data["enterprise_id"],
            route_id=data.get("route_id"),
            carrier=(data.get("waybill") or {}).get("carrier_code") or None,
            driver=Person.of(driver) if driver else None,
        )


@dataclass(frozen=True)
class Presence:
    """Where the gates and locators last put a vehicle: inside the park or not since `last_ms`, in which zone,
    and through which gate when a gate saw it (vehicle tracking ends a trip the gates saw leave)."""

    inside: bool
    zone_id: str | None
    last_ms: int
    gate_id: str | None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Presence:
        return cls(bool(data["inside"]), data.get("zone_id"), int(data["last_ms"]), data.get("gate_id"))


@dataclass(frozen=True)
class PersonInZone:
    """Someone the gates put inside a zone, placed at the zone's centre (a `linkage.ports.LocatedPerson`)."""

    person_id: str  # a pseudonym: the gates' credential never leaves the access context
    name: str
    phone: str
    enterprise_id: str | None
    lat: float
    lon: float
    ts: int
    zone_id: str
    distance_m: float | None
    reasons: tuple[str, ...]
    source: str = "access"


@dataclass(frozen=True)
class GateBarrier:
    """A gate's first barrier, which linkage's `gate_open` may open (the gate's name and location)."""

    id: str  # the barrier's device id
    gate_id: str
    name: str
    lat: float
    lon: float
    enterprise_id: str | None  # None for a park gate

    def public(self) -> dict[str, Any]:
        """The barrier as a linkage device of kind "gate" (the command records store it)."""
        return {
            "id": self.id,
            "kind": "gate",
            "name": self.name,
            "location": {"lat": self.lat, "lon": self.lon},
            "enterprise_id": self.enterprise_id,
            "installation_id": None,
            "gate_id": self.gate_id,
        }
