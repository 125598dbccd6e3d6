"""Result types: one AEGL threat zone, the whole impact estimate and the evacuation-zone membership test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core.geo import distance_m, point_in_ring


@dataclass(frozen=True)
class ImpactZone:
    """One threat zone (威胁区): where the ground concentration reaches the level's 60-min AEGL."""

    level: str  # "AEGL-3" red | "AEGL-2" orange | "AEGL-1" yellow
    threshold_ppm: float
    downwind_m: float  # 0 when never reached
    max_halfwidth_m: float
    max_halfwidth_at_m: float
    capped: bool  # the zone reaches MAX_DISTANCE_M and may extend further
    polygon: list[list[float]]  # closed counter-clockwise GeoJSON ring [[lon, lat], ...]; [] if never reached

    def geometry(self) -> dict[str, Any] | None:
        return {"type": "Polygon", "coordinates": [self.polygon]} if self.polygon else None


@dataclass(frozen=True)
class ImpactEstimate:
    """Threat zones and isolation circle around a source, with the assumptions a commander must read."""

    chemical: str
    name_zh: str
    source_lat: float
    source_lon: float
    inputs: dict[str, Any]  # the validated, normalised inputs the zones were computed from
    zones: list[ImpactZone]  # most severe first
    isolation_radius_m: float
    assumptions: list[str]

    def zone(self, level: str) -> ImpactZone | None:
        return next((z for z in self.zones if z.level == level), None)

    def in_evacuation_zone(self, lat: float, lon: float, level: str = "AEGL-2") -> bool:
        """Inside the isolation circle or the level's footprint (evacuation zone, domain.md 4.3 step 6)."""
        zone = self.zone(level)
        near = distance_m(self.source_lat, self.source_lon, lat, lon) <= self.isolation_radius_m
        return near or (zone is not None and point_in_zone(lat, lon, zone))


def point_in_zone(lat: float, lon: float, zone: ImpactZone) -> bool:
    return point_in_ring(lat, lon, zone.polygon)
