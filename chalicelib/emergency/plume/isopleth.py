"""Isopleth geometry of one threshold: downwind reach, widest half-width, GeoJSON zone ring, point-in-ring."""

from __future__ import annotations

import math

from chalicelib.core.geo import EARTH_RADIUS_M
from chalicelib.emergency.plume.dispersion import Plume, ppm_to_mg_m3

MAX_DISTANCE_M = 50_000.0  # search cap: beyond it the zone is reported as capped
POINTS_PER_SIDE = 48
_X_MIN_M, _GRID = 1.0, 400


def downwind_distance(
    threshold_ppm: float, plume: Plume, molecular_weight: float, max_distance_m: float = MAX_DISTANCE_M
) -> tuple[float, bool]:
    """Farthest x (m) where the ground centreline reaches the threshold, and whether max_distance_m cut it.

    0 when it is not reached even 1 m from the source. The last crossing on a log grid is refined by
    bisection on log x; the grid comes first because an elevated plume rises before it falls.
    """
    target = ppm_to_mg_m3(threshold_ppm, molecular_weight) / 1000
    if plume.g_m3(max_distance_m) >= target:
        return max_distance_m, True
    step = (max_distance_m / _X_MIN_M) ** (1 / _GRID)
    reached = [i for i in range(_GRID + 1) if plume.g_m3(_X_MIN_M * step**i) >= target]
    if not reached:
        return 0.0, False
    lo = _X_MIN_M * step ** reached[-1]
    hi = lo * step
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if plume.g_m3(mid) >= target else (lo, mid)
    return lo, False


def max_halfwidth(
    threshold_ppm: float, plume: Plume, molecular_weight: float, downwind_m: float
) -> tuple[float, float]:
    """(largest half-width in m, the x where it occurs) of the threshold isopleth over 0 < x ≤ downwind_m."""
    if downwind_m <= 0:
        return 0.0, 0.0
    target = ppm_to_mg_m3(threshold_ppm, molecular_weight) / 1000
    n = 200
    xs = [downwind_m * i / n for i in range(n + 1)]
    best = max(range(1, n + 1), key=lambda i: plume.halfwidth(xs[i], target))
    lo, hi = xs[best - 1], xs[min(best + 1, n)]
    # Golden-section refinement: the half-width is unimodal around the best grid point.
    g = (math.sqrt(5) - 1) / 2
    for _ in range(60):
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        lo, hi = (lo, b) if plume.halfwidth(a, target) >= plume.halfwidth(b, target) else (a, hi)
    x = (lo + hi) / 2
    return plume.halfwidth(x, target), x


def zone_ring(
    plume: Plume,
    threshold_ppm: float,
    molecular_weight: float,
    downwind_m: float,
    *,
    wind_from_deg: float,
    source_lat: float,
    source_lon: float,
    points_per_side: int = POINTS_PER_SIDE,
) -> list[list[float]]:
    """Closed counter-clockwise GeoJSON ring [[lon, lat], ...] of the isopleth; [] if never reached."""
    if downwind_m <= 0:
        return []
    target = ppm_to_mg_m3(threshold_ppm, molecular_weight) / 1000
    # Cosine spacing crowds samples at the source and at the tip, where the width changes fastest.
    xs = [downwind_m * (1 - math.cos(math.pi * i / points_per_side)) / 2 for i in range(1, points_per_side)]
    widths = [(x, w) for x in xs if (w := plume.halfwidth(x, target)) > 0]
    apex = [(0.0, 0.0)] if plume.height_m == 0 else []  # a ground source is always inside its own zone
    # Out along the right flank (y < 0), round the tip, back along the left: counter-clockwise on the map.
    local = [*apex, *((x, -w) for x, w in widths), (downwind_m, 0.0), *((x, w) for x, w in reversed(widths))]
    if len(local) < 3:  # an elevated plume whose zone falls between two samples: no drawable ring
        return []
    local.append(local[0])
    toward = math.radians(wind_from_deg + 180)  # meteorological: the wind comes FROM wind_from_deg
    sin_t, cos_t = math.sin(toward), math.cos(toward)
    lon_scale = EARTH_RADIUS_M * math.cos(math.radians(source_lat))
    ring = []
    for x, y in local:  # y > 0 lies to the left of the downwind direction
        east, north = x * sin_t - y * cos_t, x * cos_t + y * sin_t
        lon = source_lon + math.degrees(east / lon_scale)
        ring.append([round(lon, 7), round(source_lat + math.degrees(north / EARTH_RADIUS_M), 7)])
    return ring
