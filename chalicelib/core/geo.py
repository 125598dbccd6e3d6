"""Geodesy shared by every context: great-circle distance, nearest-first ordering and point-in-ring."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from typing import TypeVar

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
T = TypeVar("T")


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


def point_in_ring(lat: float, lon: float, ring: list[list[float]]) -> bool:
    """Ray casting in the lon/lat plane (fine at park scale, away from the antimeridian)."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside
