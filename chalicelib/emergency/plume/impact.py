"""Entry point: validate release and weather inputs, compute every AEGL zone and list the assumptions."""

from __future__ import annotations

import math
from typing import Any

from chalicelib.core import errors
from chalicelib.emergency import toxic_data
from chalicelib.emergency.plume.dispersion import Plume
from chalicelib.emergency.plume.isopleth import MAX_DISTANCE_M, downwind_distance, max_halfwidth, zone_ring
from chalicelib.emergency.plume.zones import ImpactEstimate, ImpactZone

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

MIN_WIND_M_S, MAX_WIND_M_S = 0.5, 30.0
MAX_RELEASE_KG_S = 10_000.0  # 10 t/s already exceeds the catastrophic rupture of a rail tank car
MAX_HEIGHT_M = 300.0
VALID_RANGE_M = (100.0, 10_000.0)  # Briggs fit range; ALOHA also truncates its display at 10 km
ISOLATION_RANGE_M = (100.0, 500.0)  # domain.md 4.3 step 6
# Pasquill's table (domain.md 4.1) only meets these classes in light wind: strong sun or a clear night.
_PLAUSIBLE_MAX_WIND = {"A": 3.0, "B": 5.0, "E": 5.0, "F": 3.0}


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
