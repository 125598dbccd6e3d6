"""Toxic threat zones (影响范围估算): Gaussian plume, Briggs σ and 60-min AEGLs (domain.md 4.1–4.4)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

from chalicelib.core import errors
from chalicelib.core.geo import EARTH_RADIUS_M, distance_m
from chalicelib.emergency import toxic_data

UNKNOWN_TOXIC_CHEMICAL = errors.define(
    "UNKNOWN_TOXIC_CHEMICAL",
    422,
    "未知的有毒化学品，无法估算影响范围",
    "The chemical is not in the toxic-gas table; details.field names it and details.known lists the keys.",
)
PLUME_INPUT_INVALID = errors.define(
    "PLUME_INPUT_INVALID",
    422,
    "影响范围估算参数无效",
    "A release or weather parameter is not a number or is outside the model's range; details.field names it.",
)
PLUME_CALM_WIND = errors.define(
    "PLUME_CALM_WIND",
    422,
    "风速低于 0.5 m/s，静风条件下高斯烟羽模型不适用",
    "Calm wind breaks the Gaussian plume (domain.md 4.1); rely on the isolation circle instead.",
)

# Exact molar volume R·T/P at 25 ℃ and 101.325 kPa (L/mol). domain.md quotes the shorthand 24.45, but its [C]
# vectors (822.0 ppm at 100 m, 1 g/m³ CO = 873.5 ppm) were computed with R·T/P; 24.45 would read 0.06 % low.
MOLAR_VOLUME_L = 8.314462618 * 298.15 / 101.325
MIN_WIND_M_S, MAX_WIND_M_S = 0.5, 30.0
MAX_RELEASE_KG_S = 10_000.0  # 10 t/s already exceeds the catastrophic rupture of a rail tank car
MAX_HEIGHT_M = 300.0
MAX_DISTANCE_M = 50_000.0  # search cap: beyond it the zone is reported as capped
VALID_RANGE_M = (100.0, 10_000.0)  # Briggs fit range; ALOHA also truncates its display at 10 km
ISOLATION_RANGE_M = (100.0, 500.0)  # domain.md 4.3 step 6
POINTS_PER_SIDE = 48
_X_MIN_M, _GRID = 1.0, 400

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
# Pasquill's table (domain.md 4.1) only meets these classes in light wind: strong sun or a clear night.
_PLAUSIBLE_MAX_WIND = {"A": 3.0, "B": 5.0, "E": 5.0, "F": 3.0}


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


def point_in_ring(lat: float, lon: float, ring: list[list[float]]) -> bool:
    """Ray casting in the lon/lat plane (fine at park scale, away from the antimeridian)."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


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


def _invalid(
    field: str, message: str, value: Any, error: errors.ErrorCode = PLUME_INPUT_INVALID, **more: Any
) -> errors.AppError:
    # Same details shape as VALIDATION_FAILED (details.errors), plus the field and a repr of the bad value.
    item = {"field": field, "message": message, "type": "value_error"}
    text = f"{error.message}：{field}，{message}"
    return error(text, field=field, value=repr(value)[:64], errors=[item], **more)


def _number(field: str, value: Any, lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _invalid(field, "必须是有限数值", value)
    low_ok = value > lo if lo_open else value >= lo
    high_ok = value < hi if hi_open else value <= hi
    if not (low_ok and high_ok):
        span = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
        raise _invalid(field, f"须在 {span} 范围内", value)
    return float(value)


def _choice(field: str, value: Any, allowed: tuple[str, ...]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    match = next((a for a in allowed if a.casefold() == text.casefold()), None)
    if match is None:
        raise _invalid(field, f"须为 {'/'.join(allowed)} 之一", value)
    return match


def estimate(
    chemical: str,
    *,
    release_rate_kg_s: float,
    wind_speed_m_s: float,
    wind_from_deg: float,
    stability_class: str,
    terrain: str,
    source_lat: float,
    source_lon: float,
    release_height_m: float = 0.0,
    isolation_range_m: tuple[float, float] = ISOLATION_RANGE_M,
) -> ImpactEstimate:
    """AEGL threat zones of a continuous toxic release (domain.md 4.3); raises 422 errors naming the field."""
    gas = toxic_data.find(chemical)
    if gas is None:
        known = toxic_data.known_keys()
        raise _invalid("chemical", "不在有毒气体表中", chemical, UNKNOWN_TOXIC_CHEMICAL, known=known)
    q = _number("release_rate_kg_s", release_rate_kg_s, 0.0, MAX_RELEASE_KG_S, lo_open=True)
    u = _number("wind_speed_m_s", wind_speed_m_s, 0.0, MAX_WIND_M_S)
    if u < MIN_WIND_M_S:
        raise _invalid("wind_speed_m_s", f"静风（< {MIN_WIND_M_S:g} m/s）", wind_speed_m_s, PLUME_CALM_WIND)
    wind_from = _number("wind_from_deg", wind_from_deg, 0.0, 360.0, hi_open=True)
    cls = _choice("stability_class", stability_class, tuple("ABCDEF"))
    land = _choice("terrain", terrain, ("rural", "urban"))
    # The local equirectangular projection degenerates near the poles, where no chemical park stands.
    lat = _number("source_lat", source_lat, -85.0, 85.0)
    lon = _number("source_lon", source_lon, -180.0, 180.0)
    h = _number("release_height_m", release_height_m, 0.0, MAX_HEIGHT_M)

    plume, mw = Plume(q * 1000, u, cls, land, h), gas.molecular_weight
    zones = []
    for level, ppm in gas.thresholds():
        reach, capped = downwind_distance(ppm, plume, mw)
        width, width_at = max_halfwidth(ppm, plume, mw, reach)
        ring = zone_ring(plume, ppm, mw, reach, wind_from_deg=wind_from, source_lat=lat, source_lon=lon)
        zones.append(ImpactZone(level, ppm, reach, width, width_at, capped, ring))
    # domain.md 4.3 gives no ERG table, only a configurable circle of e.g. 100–500 m: take the most severe
    # zone's downwind reach (a wind shift can swing it to any side), bounded to that range.
    lo, hi = isolation_range_m
    isolation = min(max(zones[0].downwind_m, lo), hi)

    notes = [
        "被动高斯烟羽模型：按中性浮力气体处理，不考虑重气效应、化学反应、沉降和建筑物影响",
        f"连续稳定释放：源强 {q:g} kg/s 恒定，有效源高 {h:g} m，地面全反射",
        f"风速 {u:g} m/s、风向 {wind_from:g}°（来向）恒定；未按风向摆动扩大为扇区",
        f"平坦地形，{'开阔乡村' if land == 'rural' else '城市'} Briggs 扩散参数，Pasquill 稳定度 {cls} 类",
        "受体位于地面（z = 0），下风向距离沿烟羽中心线计算",
        "浓度按 25 ℃、101.325 kPa 换算为 ppm",
        "阈值为 60 分钟 AEGL：AEGL-3 红区（危及生命）、AEGL-2 橙区（不可逆伤害）、AEGL-1 黄区（明显不适）",
        "距源 100 m 以内结果不可靠（Briggs 公式适用约 100 m–10 km）",
        f"初始隔离区半径取 {zones[0].level} 下风向距离并限定在 {lo:g}–{hi:g} m",
    ]
    if gas.heavier_than_air:
        notes.append(
            f"{gas.name_zh}比空气重（分子量 {mw:g} > {toxic_data.AIR_MW:g}），泄漏后可能呈重气扩散"
            "（ALOHA 对重气改用重气模型）；本结果为被动气体近似，近场范围和形状可能有较大偏差"
        )
    elif gas.dense_when_liquefied:
        notes.append(f"液化{gas.name_zh}泄漏会形成比空气重的冷气溶胶云，被动气体近似可能低估近地面浓度")
    if u > _PLAUSIBLE_MAX_WIND.get(cls, math.inf):
        notes.append(f"稳定度 {cls} 类与 {u:g} m/s 风速在 Pasquill 分类表中不会同时出现，请核实气象输入")
    for z in zones:
        if z.capped:
            notes.append(f"{z.level} 区达到计算上限 {MAX_DISTANCE_M / 1000:g} km，实际范围可能更远")
        elif z.downwind_m > VALID_RANGE_M[1]:
            km = z.downwind_m / 1000
            notes.append(f"{z.level} 区下风向 {km:.1f} km，超出模型适用范围 10 km，仅作量级参考")
        elif z.downwind_m == 0:
            notes.append(f"{z.level}（{z.threshold_ppm:g} ppm）在下风向任何位置均未达到")
        elif z.downwind_m < VALID_RANGE_M[0]:
            notes.append(f"{z.level} 区下风向不足 100 m，结果不可靠")
    inputs = {
        "release_rate_kg_s": q,
        "wind_speed_m_s": u,
        "wind_from_deg": wind_from,
        "stability_class": cls,
        "terrain": land,
        "release_height_m": h,
    }
    return ImpactEstimate(gas.key, gas.name_zh, lat, lon, inputs, zones, isolation, notes)
