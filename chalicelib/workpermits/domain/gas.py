"""Gas analysis (气体分析) before and during hot work and confined-space entry: GB 30871-2022 §5.3 and the
confined-space oxygen window (domain.md §3.2). Pure: a result list in, a verdict with every failure out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core import errors

MINUTE_MS = 60_000
SAMPLE_MAX_AGE_MS = 30 * MINUTE_MS  # sampled ≤ 30 min before the work starts (or resumes)
# A break longer than this needs a new analysis before the work resumes (§5.3; confined space: > 60 min).
BREAK_LIMIT_MS = {
    ("hot_work", "special"): 30 * MINUTE_MS,
    ("hot_work", "level_1"): 30 * MINUTE_MS,
    ("hot_work", "level_2"): 60 * MINUTE_MS,
    ("confined_space", None): 60 * MINUTE_MS,
}
NEEDS_ANALYSIS = frozenset({"hot_work", "confined_space"})  # and temporary power in a fire/explosion area
LEL_HIGH_PCT = 4.0  # a gas whose LEL is ≥ 4 %vol may reach 0.5 %vol, one below 4 %vol only 0.2 %vol
FLAMMABLE_MAX_VOL_PCT = {True: 0.5, False: 0.2}
O2_MAX_PCT = 23.5  # equipment handling oxygen; also the upper bound of any oxygen reading in hot work
O2_CONFINED_WINDOW = (19.5, 21.0)  # 受限空间 O2 19.5–21 %vol

GAS_ANALYSIS_REQUIRED = errors.define(
    "GAS_ANALYSIS_REQUIRED",
    409,
    "作业前须有 30 分钟内合格的气体分析（GB 30871-2022 §5.3）",
    "Hot work and confined-space entry start (or resume after a break or a gas alarm) only with a passing gas "
    "analysis sampled at most 30 min before; details.reason is none, stale or failed.",
)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    failures: tuple[dict[str, Any], ...]


def _flammable_vol_pct(result: dict[str, Any]) -> float:
    """A flammable reading in %vol (a %LEL reading is converted with the gas's LEL)."""
    value = float(result["value"])
    return value * float(result["lel_pct"]) / 100 if result["unit"] == "%LEL" else value


def _check(work_type: str, index: int, result: dict[str, Any]) -> dict[str, Any] | None:
    kind, value = result["kind"], float(result["value"])
    if kind == "flammable":
        high_lel = float(result["lel_pct"]) >= LEL_HIGH_PCT
        limit, got = FLAMMABLE_MAX_VOL_PCT[high_lel], _flammable_vol_pct(result)
        rule = "gas.flammable.lel_ge_4pct.max_0.5vol" if high_lel else "gas.flammable.lel_lt_4pct.max_0.2vol"
        return None if got <= limit else {"index": index, "rule": rule, "value_vol_pct": round(got, 4), "max": limit}
    if kind == "oxygen":
        low, high = O2_CONFINED_WINDOW if work_type == "confined_space" else (None, O2_MAX_PCT)
        ok = value <= high and (low is None or value >= low)
        rule = "gas.oxygen.confined_19.5_21" if work_type == "confined_space" else "gas.oxygen.max_23.5"
        return None if ok else {"index": index, "rule": rule, "value": value, "min": low, "max": high}
    limit = float(result["limit"])  # toxic: the GBZ 2.1 occupational exposure limit, same unit
    return None if value <= limit else {"index": index, "rule": "gas.toxic.gbz_2.1", "value": value, "max": limit}


def evaluate(work_type: str, results: list[dict[str, Any]]) -> Verdict:
    """Pass when every result meets its criterion and the kinds the work needs were measured: a flammable
    reading for hot work, an oxygen reading for a confined space."""
    failures = [f for i, r in enumerate(results) if (f := _check(work_type, i, r)) is not None]
    kinds = {r["kind"] for r in results}
    if work_type in ("hot_work", "temporary_power") and "flammable" not in kinds:
        failures.append({"rule": f"gas.{work_type}.needs_flammable", "missing": "flammable"})
    if work_type == "confined_space" and "oxygen" not in kinds:
        failures.append({"rule": "gas.confined_space.needs_oxygen", "missing": "oxygen"})
    return Verdict(not failures, tuple(failures))


def check_ready(analyses: list[dict[str, Any]], start_ms: int, after_ms: int | None = None) -> None:
    """Refuse unless a passing analysis was sampled within 30 min before `start_ms` (and after `after_ms`,
    the start of a break that requires re-analysis). `analyses`: {sampled_ms, passed}."""
    window = [a for a in analyses if start_ms - SAMPLE_MAX_AGE_MS <= a["sampled_ms"] <= start_ms]
    if after_ms is not None:
        window = [a for a in window if a["sampled_ms"] >= after_ms]
    if any(a["passed"] for a in window):
        return
    latest = max(analyses, key=lambda a: a["sampled_ms"], default=None)
    reason = "failed" if window else ("stale" if latest else "none")
    raise GAS_ANALYSIS_REQUIRED(
        details={"reason": reason, "latest_sampled_ms": latest["sampled_ms"] if latest else None}
    )


MONITOR_EVERY_MS = 120 * MINUTE_MS  # confined space: continuous portable monitoring, recorded every 2 h


def monitoring_overdue(last_sampled_ms: int, now_ms: int) -> bool:
    return now_ms - last_sampled_ms > MONITOR_EVERY_MS


DEEP_EXCAVATION_M = 1.2  # deeper, near flammable or toxic buried lines: the confined-space rules apply


def profile(body: dict[str, Any]) -> str | None:
    """Whose gas rules a permit follows, or None when it needs no analysis: hot work and confined spaces
    always; temporary power in a fire/explosion hazard area (§5.3.2); excavation deeper than 1.2 m near
    flammable or toxic buried lines as a confined space."""
    work_type = body["type"]
    if work_type in NEEDS_ANALYSIS:
        return str(work_type)
    if work_type == "temporary_power" and body.get("fire_explosion_area"):
        return "temporary_power"
    deep = float(body.get("depth_m") or 0) > DEEP_EXCAVATION_M
    if work_type == "excavation" and deep and body.get("near_buried_hazard_lines"):
        return "confined_space"
    return None


def needs_reanalysis(rules_of: str | None, level: str | None, break_ms: int, by_gas_alarm: bool) -> bool:
    """After a break: re-analyse when it lasted longer than §5.3 allows, and always after a gas alarm, for the
    work that needs an analysis at all (`rules_of`: its `profile`; temporary power has no break limit)."""
    if rules_of is None:
        return False
    limit = BREAK_LIMIT_MS.get((rules_of, level if rules_of == "hot_work" else None))
    return by_gas_alarm or (limit is not None and break_ms > limit)
