"""Registry rules (pure): sensor units and limits with GB/T 50493 defaults, GB 18218 grading of installations."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

from chalicelib.core import errors
from chalicelib.registry import gb18218, gb50493

INVALID_LIMITS = errors.define(
    "INVALID_LIMITS", 422, "报警限值设置不合理", "Limits must satisfy LL < L < H < HH and the deadband fit inside them."
)
UNIT_MISMATCH = errors.define("UNIT_MISMATCH", 422, "测点单位与类型不符", "The unit is not valid for the sensor kind.")
ENTERPRISE_MISMATCH = errors.define(
    "ENTERPRISE_MISMATCH",
    422,
    "关联对象不属于同一企业",
    "A referenced installation/zone/gateway is another enterprise's.",
)
IMMUTABLE_FIELD = errors.define("IMMUTABLE_FIELD", 422, "该字段创建后不可修改", "enterprise_id cannot change.")

UNITS: dict[str, frozenset[str]] = {
    "temperature": frozenset({"℃", "°C", "C", "K"}),
    "pressure": frozenset({"MPa", "kPa", "Pa", "bar"}),
    "level": frozenset({"%", "m", "mm"}),
    "flow": frozenset({"m3/h", "m³/h", "t/h", "kg/h", "L/min", "Nm3/h"}),
    "combustible": frozenset({"%LEL"}),
    "toxic": frozenset({"ppm", "mg/m3", "mg/m³"}),
    "oxygen": frozenset({"%VOL", "%"}),
    "humidity": frozenset({"%RH", "%"}),
    "wind_speed": frozenset({"m/s"}),
    "wind_direction": frozenset({"°", "deg"}),
    "vibration": frozenset({"mm/s", "g"}),
}
ORDER = ("ll", "l", "h", "hh")


def check_unit(kind: str, unit: str) -> None:
    allowed = UNITS.get(kind)
    if allowed is not None and unit not in allowed:
        raise UNIT_MISMATCH(details={"field": "unit", "kind": kind, "allowed": sorted(allowed)})


def resolve_limits(
    kind: str, gas: str | None, unit: str, given: Mapping[str, float | None] | None
) -> tuple[dict[str, float | None], str]:
    """The sensor's limits and where they came from: as configured, or GB/T 50493-2019 gas defaults."""
    if given and any(v is not None for v in given.values()):
        return {k: given.get(k) for k in ORDER}, "配置值"
    if kind in ("combustible", "toxic", "oxygen"):
        try:
            setpoints = gb50493.default_setpoints(kind, gas, unit)
        except errors.AppError as exc:
            exc.details["field"] = str(exc.details.get("field", "limits"))
            raise
        return {"ll": setpoints.ll, "l": setpoints.l, "h": setpoints.h, "hh": setpoints.hh}, setpoints.source
    return dict.fromkeys(ORDER), "未设置"


def check_limits(limits: Mapping[str, float | None], deadband: float) -> None:
    """LL < L < H < HH (where set), and the deadband smaller than the gap it must fit in."""
    present = [(k, limits[k]) for k in ORDER if limits.get(k) is not None]
    for (lo_name, lo), (hi_name, hi) in itertools.pairwise(present):
        if not lo < hi:  # type: ignore[operator]
            raise INVALID_LIMITS(details={"field": f"limits.{hi_name}", "reason": f"{lo_name} must be < {hi_name}"})
    values = [v for _, v in present]
    if deadband and len(values) >= 2 and deadband >= max(b - a for a, b in itertools.pairwise(values)):  # type: ignore[operator]
        raise INVALID_LIMITS(details={"field": "deadband", "reason": "deadband larger than the gap between limits"})


def _inventory_field(field: str) -> str:
    """gb18218 names fields `lines[i].x`; an installation names them as pydantic does, `inventory.i.x`."""
    return re.sub(r"^lines\[(\d+)\]", r"inventory.\1", field)


def assess_installation(inventory: list[Mapping[str, Any]], exposed_people: int) -> dict[str, Any]:
    """GB 18218-2018 identification and grading: S, R, α, grade, and the Q and β source of each line."""
    try:
        result = gb18218.assess(
            [
                gb18218.InventoryLine(
                    line.get("chemical"), line.get("cas"), float(line["quantity_t"]), line.get("hazard_class")
                )
                for line in inventory
            ],
            exposed_people,
        )
    except errors.AppError as exc:
        if "field" in exc.details:
            exc.details["field"] = _inventory_field(exc.details["field"])
        for item in exc.details.get("errors", []):
            if "field" in item:
                item["field"] = _inventory_field(item["field"])
        raise
    lines = [
        {
            "chemical": line.chemical,
            "cas": line.cas,
            "quantity_t": line.quantity_t,
            "hazard_class": line.hazard_class,
            "q_t": line.q_t,
            "q_source": line.q_source,
            "beta": line.beta,
            "beta_source": line.beta_source,
            "ratio": round(line.ratio, 4),
        }
        for line in result.lines
    ]
    return {
        "inventory": lines,
        "s_value": round(result.s_value, 4),
        "r_value": round(result.r_value, 4),
        "alpha": result.alpha,
        "alpha_source": result.alpha_source,
        "major_hazard": result.major_hazard,
        "grade": result.grade,
    }
