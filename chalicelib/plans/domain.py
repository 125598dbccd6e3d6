"""Digital emergency plan rules (数字化应急预案, 5.2.2-2), pure: scope, selection on activation, alarm mapping."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.core import errors

ACCIDENT_TYPES = ("leak", "fire", "explosion", "poisoning", "other")
LEVELS = ("I", "II", "III", "IV")  # 响应分级：Ⅰ级最高
SCOPE_LABEL = {2: "installation", 1: "enterprise", 0: "park"}

# Accident types an alarm of each sensor kind points to (what its plans must cover). Gas detectors see a
# release first; an oxygen deficit means an inert or toxic gas displaced the air; heat and overpressure
# precede fire and explosion; level and flow excursions are overflows and line breaks.
SENSOR_ACCIDENTS: dict[str, tuple[str, ...]] = {
    "toxic": ("leak", "poisoning"),
    "combustible": ("leak", "fire", "explosion"),
    "oxygen": ("leak", "poisoning"),
    "temperature": ("fire", "explosion"),
    "pressure": ("explosion", "fire"),
    "level": ("leak",),
    "flow": ("leak",),
}
# Accident types an event alarm of each kind points to (public-area video analytics and the like).
EVENT_ACCIDENTS: dict[str, tuple[str, ...]] = {
    "early_fire": ("fire", "explosion"),
    "environment_exceedance": ("leak", "poisoning"),
}
# Suggested response level of an alarm by its priority; a grade 1 or 2 major hazard raises it one step.
PRIORITY_LEVEL = {"urgent": "II", "high": "III", "medium": "IV", "low": "IV"}

PLAN_RETIRED = errors.define(
    "PLAN_RETIRED", 409, "预案已废止，不能修订或再次废止", "A retired plan is read-only; create a new plan instead."
)
PARK_PLAN_READ_ONLY = errors.define(
    "PARK_PLAN_READ_ONLY",
    403,
    "园区级预案对企业用户只读",
    "An enterprise user tried to create, revise or retire a park-level plan.",
)
NO_APPLICABLE_PLAN = errors.define(
    "NO_APPLICABLE_PLAN",
    404,
    "没有适用的应急预案",
    "No active plan covers this accident type and response level in this scope.",
)


def level_rank(level: str) -> int:
    """0 for Ⅰ级 (highest) … 3 for Ⅳ级."""
    return LEVELS.index(level)


def scope_rank(plan: dict[str, Any], enterprise_id: str | None, installation_id: str | None) -> int | None:
    """How specifically a plan covers the place: 2 installation, 1 enterprise, 0 park; None if it does not."""
    owner = plan.get("enterprise_id")
    if owner is None:
        return 0
    if owner != enterprise_id:
        return None
    installations = plan.get("installation_ids") or []
    if not installations:
        return 1
    return 2 if installation_id in installations else None


def applicable(
    plans: Iterable[dict[str, Any]],
    accident_types: Iterable[str] | None,
    level: str | None,
    enterprise_id: str | None,
    installation_id: str | None,
) -> list[dict[str, Any]]:
    """Active plans covering any of the types (None = any) at the level (None = any), best first:
    most specific scope, then the newest current version (revision time, then the later plan id)."""
    wanted = set(accident_types) if accident_types is not None else None
    ranked = []
    for plan in plans:
        if plan.get("status") == "retired":
            continue
        if wanted is not None and not wanted & set(plan["accident_types"]):
            continue
        if level is not None and level not in plan["levels"]:
            continue
        rank = scope_rank(plan, enterprise_id, installation_id)
        if rank is not None:
            ranked.append((rank, plan.get("revised_at", 0), plan["plan_id"], plan))
    ranked.sort(key=lambda t: t[:3], reverse=True)
    return [{**t[3], "specificity": SCOPE_LABEL[t[0]]} for t in ranked]


def select(
    plans: Iterable[dict[str, Any]],
    accident_type: str | None,
    level: str | None,
    enterprise_id: str | None,
    installation_id: str | None,
) -> dict[str, Any] | None:
    """The plan to activate (启动预案): the best applicable one, or None."""
    best = applicable(plans, None if accident_type is None else [accident_type], level, enterprise_id, installation_id)
    return best[0] if best else None


def recipients(plan: dict[str, Any], level: str) -> list[dict[str, Any]]:
    """Whom to call at a response level: everyone whose minimum level is this one or lower (less severe)."""
    return [n for n in plan.get("notifications", []) if level_rank(level) <= level_rank(n.get("min_level", "IV"))]


def accident_types_for(sensor_kind: str | None) -> list[str]:
    return list(SENSOR_ACCIDENTS.get(sensor_kind or "", ("other",)))


def accident_types_for_event(kind: str | None) -> list[str]:
    return list(EVENT_ACCIDENTS.get(kind or "", ("other",)))


def level_for_alarm(priority: str | None, grade: int | None) -> str:
    """Suggested response level for an alarm (a starting point for the commander, not a decision)."""
    rank = level_rank(PRIORITY_LEVEL.get(priority or "", "IV"))
    if grade in (1, 2):
        rank = max(0, rank - 1)
    return LEVELS[rank]


def ensure_active(plan: dict[str, Any]) -> None:
    if plan.get("status") == "retired":
        raise PLAN_RETIRED(details={"plan_id": plan.get("plan_id")})
