"""Toxic threat zones (影响范围估算): Gaussian plume, Briggs σ and 60-min AEGLs (domain.md 4.1–4.4).

The physics (dispersion), one threshold's footprint (isopleth), the result types (zones) and the validated
entry point `estimate` (impact). `distance_m` is core.geo's, re-exported for existing callers.
"""

from __future__ import annotations

from chalicelib.core.geo import distance_m
from chalicelib.emergency.plume.dispersion import Plume, mg_m3_to_ppm, ppm_to_mg_m3, sigmas
from chalicelib.emergency.plume.impact import estimate
from chalicelib.emergency.plume.isopleth import MAX_DISTANCE_M, downwind_distance, max_halfwidth
from chalicelib.emergency.plume.zones import ImpactEstimate, ImpactZone, point_in_zone

__all__ = [
    "MAX_DISTANCE_M",
    "ImpactEstimate",
    "ImpactZone",
    "Plume",
    "distance_m",
    "downwind_distance",
    "estimate",
    "max_halfwidth",
    "mg_m3_to_ppm",
    "point_in_zone",
    "ppm_to_mg_m3",
    "sigmas",
]
