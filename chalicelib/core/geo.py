"""Geodesy shared by every context: great-circle distance and nearest-first ordering."""

from __future__ import annotations

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
