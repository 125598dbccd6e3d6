"""Geodesy shared by every context: great-circle distance, nearest-first ordering, point in a ring and the
distance from a point to a line (GeoJSON order: [lon, lat])."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
T = TypeVar("T")


@dataclass(frozen=True)
class Point:
    """A position (WGS-84 degrees) in the frozen views contexts read of each other."""

    lat: float
    lon: float

    @classmethod
    def of(cls, location: Mapping[str, Any]) -> Point:
        """From a stored {"lat", "lon"} document."""
        return cls(float(location["lat"]), float(location["lon"]))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in m."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlon = math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def nearest(
    items: Iterable[T],
    lat: float,
    lon: float,
    where: Callable[[T], tuple[float, float]],
    *,
    limit: int = 10,
    within_m: float | None = None,
) -> list[tuple[float, T]]:
    """(distance, item) nearest first, optionally only within a radius."""
    ranked = sorted(((distance_m(lat, lon, *where(i)), i) for i in items), key=lambda p: p[0])
    if within_m is not None:
        ranked = [p for p in ranked if p[0] <= within_m]
    return ranked[:limit]


def point_in_ring(lat: float, lon: float, ring: Sequence[Sequence[float]]) -> bool:
    """Ray casting in the lon/lat plane over a ring of [lon, lat] (fine at park scale, away from the antimeridian)."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def area_reasons(
    lat: float,
    lon: float,
    ring: Sequence[Sequence[float]],
    centre: Sequence[float] | Mapping[str, float] | None,
    radius_m: float,
    margin_m: float = 0.0,
) -> tuple[tuple[str, ...], float | None]:
    """Why a position is inside an evacuation area, and its distance to the centre: "isolation" within `radius_m`
    (plus `margin_m`, e.g. the radius of the zone a person is only known to be in) of `centre` ((lat, lon) or
    {"lat", "lon"}), "zone" inside `ring` ([[lon, lat], ...]); none when it is outside both."""
    dist = None
    if centre is not None:
        c = (centre["lat"], centre["lon"]) if isinstance(centre, Mapping) else (centre[0], centre[1])
        dist = distance_m(float(c[0]), float(c[1]), lat, lon)
    reasons = []
    if dist is not None and radius_m > 0 and dist <= radius_m + margin_m:
        reasons.append("isolation")
    if ring and point_in_ring(lat, lon, ring):
        reasons.append("zone")
    return tuple(reasons), dist


def distance_to_line_m(lat: float, lon: float, line: Sequence[Sequence[float]]) -> float:
    """Shortest distance in m from a point to a polyline of [lon, lat] vertices, on a local equirectangular plane
    centred at the point (metre-exact at park scale: a few km)."""
    kx = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(lat))
    ky = math.radians(1) * EARTH_RADIUS_M
    pts = [((x - lon) * kx, (y - lat) * ky) for x, y, *_ in line]
    if len(pts) == 1:
        return math.hypot(*pts[0])
    best = math.inf
    for (x1, y1), (x2, y2) in itertools.pairwise(pts):
        dx, dy = x2 - x1, y2 - y1
        span = dx * dx + dy * dy
        t = 0.0 if span == 0 else max(0.0, min(1.0, -(x1 * dx + y1 * dy) / span))
        best = min(best, math.hypot(x1 + t * dx, y1 + t * dy))
    return best
