"""Gaussian plume physics: Briggs σ tables, ppm ↔ mg/m³ at 25 ℃ and ground-reflected concentration."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Exact molar volume R·T/P at 25 ℃ and 101.325 kPa (L/mol). domain.md quotes the shorthand 24.45, but its [C]
# vectors (822.0 ppm at 100 m, 1 g/m³ CO = 873.5 ppm) were computed with R·T/P; 24.45 would read 0.06 % low.
MOLAR_VOLUME_L = 8.314462618 * 298.15 / 101.325

# σ = a·x·(1 + b·x)^p, the consensus Briggs form of domain.md 4.1 (rural E/F σz exponent −1, urban D σz −½).
_SIGMA_Y = {
    "rural": {
        "A": (0.22, 1e-4, -0.5),
        "B": (0.16, 1e-4, -0.5),
        "C": (0.11, 1e-4, -0.5),
        "D": (0.08, 1e-4, -0.5),
        "E": (0.06, 1e-4, -0.5),
        "F": (0.04, 1e-4, -0.5),
    },
    "urban": {
        "A": (0.32, 4e-4, -0.5),
        "B": (0.32, 4e-4, -0.5),
        "C": (0.22, 4e-4, -0.5),
        "D": (0.16, 4e-4, -0.5),
        "E": (0.11, 4e-4, -0.5),
        "F": (0.11, 4e-4, -0.5),
    },
}
_SIGMA_Z = {
    "rural": {
        "A": (0.20, 0.0, 0.0),
        "B": (0.12, 0.0, 0.0),
        "C": (0.08, 2e-4, -0.5),
        "D": (0.06, 1.5e-3, -0.5),
        "E": (0.03, 3e-4, -1.0),
        "F": (0.016, 3e-4, -1.0),
    },
    "urban": {
        "A": (0.24, 1e-3, 0.5),
        "B": (0.24, 1e-3, 0.5),
        "C": (0.20, 0.0, 0.0),
        "D": (0.14, 3e-4, -0.5),
        "E": (0.08, 1.5e-3, -0.5),
        "F": (0.08, 1.5e-3, -0.5),
    },
}


def sigmas(x_m: float, stability: str, terrain: str = "rural") -> tuple[float, float]:
    """Briggs (σy, σz) in m at downwind distance x_m for Pasquill class A–F, rural or urban."""
    ay, by, py = _SIGMA_Y[terrain][stability]
    az, bz, pz = _SIGMA_Z[terrain][stability]
    return ay * x_m * (1 + by * x_m) ** py, az * x_m * (1 + bz * x_m) ** pz


def mg_m3_to_ppm(mg_m3: float, molecular_weight: float) -> float:
    return mg_m3 * MOLAR_VOLUME_L / molecular_weight


def ppm_to_mg_m3(ppm: float, molecular_weight: float) -> float:
    return ppm * molecular_weight / MOLAR_VOLUME_L


@dataclass(frozen=True)
class Plume:
    """A continuous release in a steady wind; units as domain.md 4.1: Q in g/s gives C in g/m³."""

    release_g_s: float
    wind_speed_m_s: float
    stability: str
    terrain: str = "rural"
    height_m: float = 0.0

    def g_m3(self, x_m: float, y_m: float = 0.0, z_m: float = 0.0) -> float:
        """C(x, y, z) with full ground reflection; 0 at and upwind of the source."""
        if x_m <= 0:
            return 0.0
        sy, sz = sigmas(x_m, self.stability, self.terrain)
        h = self.height_m
        vertical = math.exp(-((z_m - h) ** 2) / (2 * sz * sz)) + math.exp(-((z_m + h) ** 2) / (2 * sz * sz))
        crosswind = math.exp(-(y_m * y_m) / (2 * sy * sy))
        return self.release_g_s / (2 * math.pi * self.wind_speed_m_s * sy * sz) * crosswind * vertical

    def ppm(self, x_m: float, y_m: float, molecular_weight: float) -> float:
        """Ground-level (z = 0) concentration in ppm at 25 ℃."""
        return mg_m3_to_ppm(1000 * self.g_m3(x_m, y_m), molecular_weight)

    def halfwidth(self, x_m: float, threshold_g_m3: float) -> float:
        """Crosswind half-width of the ground isopleth at x: y = σy·sqrt(2·ln(C(x,0)/T)) (domain.md 4.3)."""
        c0 = self.g_m3(x_m)
        if c0 <= threshold_g_m3:
            return 0.0
        return sigmas(x_m, self.stability, self.terrain)[0] * math.sqrt(2 * math.log(c0 / threshold_g_m3))
