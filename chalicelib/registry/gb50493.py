"""GB/T 50493-2019 §5.5.2 default gas alarm setpoints (可燃/有毒气体报警设定值) for sensors without limits."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Context, Decimal

from chalicelib.core import errors
from chalicelib.registry.gb18218 import normalise_name

NO_DEFAULT_SETPOINT = errors.define(
    "NO_DEFAULT_SETPOINT",
    422,
    "无法给出 GB/T 50493-2019 默认报警值，请手工设置报警限值",
    "Unknown detector kind, a toxic gas without a known OEL, or a unit the kind does not use.",
)

STANDARD = "GB/T 50493-2019 §5.5.2"
MOLAR_VOLUME_L = 24.45  # L/mol at 25 ℃, 101.325 kPa: ppm = mg/m³ × 24.45 / M (reference/domain.md §3.3)


@dataclass(frozen=True)
class ToxicGas:
    """Occupational exposure limit (OEL) data in mg/m³; `oel_kind` names the limit the setpoints use."""

    name: str
    aliases: tuple[str, ...]
    molar_mass: float
    oel_kind: str  # "MAC" (最高容许浓度) or "PC-TWA" (时间加权平均容许浓度)
    oel_mg: float
    stel_mg: float | None
    idlh_mg: float


# reference/domain.md §3.3 worked table [P]: bjime.com, text garbled but numbers readable; its alarm columns
# equal 100 % / 200 % of the MAC or PC-TWA on every row, which is what default_setpoints computes.
# The IDLH column matches the older NIOSH figures converted to mg/m³ (e.g. Cl2 30 ppm ≈ 88 mg/m³); HF 500
# does not (NIOSH 30 ppm ≈ 25 mg/m³) and is kept as transcribed [P] - it is used only when range_limited.
TOXIC_GASES: tuple[ToxicGas, ...] = (
    ToxicGas("硫化氢", ("H2S", "hydrogen sulfide", "hydrogen sulphide"), 34.08, "MAC", 10, None, 430),
    ToxicGas("一氧化碳", ("CO", "carbon monoxide"), 28.01, "PC-TWA", 20, 30, 1700),
    ToxicGas("二氧化氮", ("NO2", "nitrogen dioxide"), 46.01, "PC-TWA", 5, 10, 96),
    ToxicGas("氯", ("氯气", "液氯", "Cl2", "chlorine"), 70.90, "MAC", 1, None, 88),
    ToxicGas("氨", ("氨气", "液氨", "NH3", "ammonia"), 17.03, "PC-TWA", 20, 30, 360),
    ToxicGas("二氧化硫", ("SO2", "sulfur dioxide", "sulphur dioxide"), 64.07, "PC-TWA", 5, 10, 270),
    ToxicGas("苯", ("benzene", "C6H6"), 78.11, "PC-TWA", 6, 10, 9800),
    ToxicGas("氟化氢", ("HF", "hydrogen fluoride"), 20.01, "MAC", 2, None, 500),
    ToxicGas("氰化氢", ("HCN", "氢氰酸", "hydrogen cyanide"), 27.03, "MAC", 1, None, 56),
    ToxicGas("氯化氢", ("HCl", "hydrogen chloride"), 36.46, "MAC", 7.5, None, 150),
    ToxicGas("光气", ("碳酰氯", "COCl2", "phosgene"), 98.92, "MAC", 0.5, None, 8),
    ToxicGas("甲醇", ("methanol", "CH3OH"), 32.04, "PC-TWA", 25, 50, 33000),
    ToxicGas("甲苯", ("toluene",), 92.14, "PC-TWA", 50, 100, 7700),
)
_GAS_INDEX = {normalise_name(n): g for g in TOXIC_GASES for n in (g.name, *g.aliases)}

UNITS: dict[str, frozenset[str]] = {
    "combustible": frozenset({"%LEL"}),
    "combustible_open_path": frozenset({"LEL·m", "LEL.m"}),
    "toxic": frozenset({"mg/m3", "mg/m³", "ppm"}),
    "oxygen": frozenset({"%VOL", "%"}),
}
DEFAULT_UNITS = {"combustible": "%LEL", "combustible_open_path": "LEL·m", "toxic": "mg/m3", "oxygen": "%VOL"}
# Gas-independent defaults: (LL, L, H, HH, gas, rule text) per kind.
_FIXED: dict[str, tuple[float | None, float | None, float | None, float | None, str | None, str]] = {
    "combustible": (None, None, 25.0, 50.0, None, "可燃气体一级报警≤25%LEL，二级报警≤50%LEL"),
    "combustible_open_path": (None, None, 1.0, 2.0, None, "线型可燃气体探测器一级报警1LEL·m，二级报警2LEL·m"),
    "oxygen": (None, 19.5, 23.5, None, "氧气", "缺氧报警19.5%VOL，富氧报警23.5%VOL"),
}


@dataclass(frozen=True)
class Setpoints:
    """Default alarm limits: H = 一级报警, HH = 二级报警; for oxygen L = 缺氧 and H = 富氧. None = not set."""

    kind: str
    gas: str | None
    unit: str
    ll: float | None
    l: float | None  # noqa: E741 - the project's limit names are ll/l/h/hh
    h: float | None
    hh: float | None
    source: str


def toxic_gas(gas: str | None) -> ToxicGas | None:
    """The OEL entry for a gas name, formula or alias (氯, 氯气, Cl2, chlorine), or None."""
    return _GAS_INDEX.get(normalise_name(gas)) if gas else None


def _ppm(mg_per_m3: float, molar_mass: float) -> float:
    # Floor to 3 significant figures: the standard bounds setpoints from above (≤), so never round up.
    exact = Decimal(repr(mg_per_m3)) * Decimal(repr(MOLAR_VOLUME_L)) / Decimal(repr(molar_mass))
    return float(Context(prec=3, rounding=ROUND_FLOOR).plus(exact))


def _fail(reason: str, field: str, **details: object) -> errors.AppError:
    return NO_DEFAULT_SETPOINT(details={"field": field, "reason": reason, **details})


def default_setpoints(kind: str, gas: str | None, unit: str | None = None, *, range_limited: bool = False) -> Setpoints:
    """Default H/HH for a detector kind (combustible, combustible_open_path, toxic, oxygen) and gas.

    `range_limited` selects the fallback for toxic detectors whose range cannot reach 200 % OEL:
    一级 ≤ 5 % IDLH, 二级 ≤ 10 % IDLH.
    """
    if kind not in UNITS:
        raise _fail("unknown_kind", "kind", kind=kind, allowed=sorted(UNITS))
    unit = unit or DEFAULT_UNITS[kind]
    if unit not in UNITS[kind]:
        raise _fail("unit", "unit", kind=kind, unit=unit, allowed=sorted(UNITS[kind]))
    if kind in _FIXED:
        ll, low, h, hh, gas_name, text = _FIXED[kind]
        return Setpoints(kind, gas_name or gas, unit, ll, low, h, hh, f"{STANDARD}：{text}")
    entry = toxic_gas(gas)
    if entry is None:
        raise _fail("unknown_gas", "gas", kind=kind, gas=gas, known=[g.name for g in TOXIC_GASES])
    if range_limited:
        h_mg, hh_mg = entry.idlh_mg * 0.05, entry.idlh_mg * 0.10
        basis = f"量程不足时一级报警≤5%IDLH、二级报警≤10%IDLH；{entry.name} IDLH {entry.idlh_mg:g} mg/m³"
    else:
        h_mg, hh_mg = entry.oel_mg, entry.oel_mg * 2
        basis = f"有毒气体一级报警≤100%OEL、二级报警≤200%OEL；{entry.name} {entry.oel_kind} {entry.oel_mg:g} mg/m³"
    if unit == "ppm":
        h, hh = _ppm(h_mg, entry.molar_mass), _ppm(hh_mg, entry.molar_mass)
        basis += f"（按 ppm = mg/m³×{MOLAR_VOLUME_L}/{entry.molar_mass:g} 换算，向下取3位有效数字）"
    else:
        h, hh = round(float(h_mg), 6), round(float(hh_mg), 6)
    return Setpoints(kind, entry.name, unit, None, None, h, hh, f"{STANDARD}：{basis}")
