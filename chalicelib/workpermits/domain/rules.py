"""GB 30871-2022 ticket rules as data (domain.md §3.2): work types, levels, validity limits, Table B.1 approvers.

Each rule has a stable name (`hot_work.special.8h`) that a refusal carries in `details.rule`, so a 422 says
which clause of the standard the request broke (5.1.2-1: special work permits are part of enterprise risk).
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core import errors
from chalicelib.core.identity import Role

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS

TYPE_LABEL = {
    "hot_work": "动火作业",
    "confined_space": "受限空间作业",
    "blind_plate": "盲板抽堵作业",
    "work_at_height": "高处作业",
    "lifting": "吊装作业",
    "temporary_power": "临时用电作业",
    "excavation": "动土作业",
    "road_closure": "断路作业",
}
TYPES = tuple(TYPE_LABEL)
# Levels per type, lowest first; types absent here have no level.
LEVELS: dict[str, tuple[str, ...]] = {
    "hot_work": ("level_2", "level_1", "special"),  # 二级 < 一级 < 特级 (§5.1)
    "work_at_height": ("I", "II", "III", "IV"),  # Ⅰ..Ⅳ级 (height bands, methods A/B)
    "lifting": ("level_3", "level_2", "level_1"),  # 三级 < 二级 < 一级 (by load mass)
}
LEVEL_LABEL = {
    "special": "特级",
    "level_1": "一级",
    "level_2": "二级",
    "level_3": "三级",
    "I": "Ⅰ级",
    "II": "Ⅱ级",
    "III": "Ⅲ级",
    "IV": "Ⅳ级",
}
# The nine objective hazard factors of work at height (any one present: method B).
HAZARD_FACTORS = {
    "wind_force_5": "阵风风力五级（风速 8 m/s）及以上",
    "low_temperature": "平均气温等于或低于 5 ℃ 的作业环境",
    "cold_water": "接触冷水温度等于或低于 12 ℃ 的作业",
    "slippery_surface": "作业场地有冰、雪、霜、油、水等易滑物",
    "poor_light": "作业场所光线不足或能见度差",
    "near_live_conductor": "作业活动范围与危险电压带电体距离小于规定",
    "narrow_footing": "摆动，立足处不是平面或只有很小的平面（宽度小于 500 mm）",
    "toxic_atmosphere": "存在有毒气体或空气中含氧量低于 19.5% 的作业环境",
    "rescue": "可能会引起各种灾害事故的作业环境和抢救突然发生的各种灾害事故",
}
HEIGHT_MIN_M = 2.0  # below this it is not work at height (坠落高度基准面 2 m 及以上)
HEIGHT_BANDS_M = (5.0, 15.0, 30.0)  # 2≤h≤5, 5<h≤15, 15<h≤30, h>30
METHOD_A = ("I", "II", "III", "IV")  # no hazard factor present
METHOD_B = ("II", "III", "IV", "IV")  # any hazard factor present
LIFTING_LEVEL_1_ABOVE_T = 100.0  # 一级 m > 100 t
LIFTING_LEVEL_2_FROM_T = 40.0  # 二级 40 t ≤ m ≤ 100 t; 三级 m < 40 t


@dataclass(frozen=True)
class ValidityRule:
    """The longest ticket validity a type and level allow; `soft_ms` needs a written reason beyond it."""

    rule: str
    max_ms: int
    text: str
    soft_ms: int | None = None
    soft_rule: str = ""


VALIDITY: dict[tuple[str, str | None], ValidityRule] = {
    ("hot_work", "special"): ValidityRule("hot_work.special.8h", 8 * HOUR_MS, "特级动火作业票有效期不超过 8 小时"),
    ("hot_work", "level_1"): ValidityRule("hot_work.level_1.8h", 8 * HOUR_MS, "一级动火作业票有效期不超过 8 小时"),
    ("hot_work", "level_2"): ValidityRule("hot_work.level_2.72h", 72 * HOUR_MS, "二级动火作业票有效期不超过 72 小时"),
    ("confined_space", None): ValidityRule("confined_space.24h", 24 * HOUR_MS, "受限空间作业票有效期不超过 24 小时"),
    **{
        ("work_at_height", level): ValidityRule("work_at_height.7d", 7 * DAY_MS, "高处作业票有效期不超过 7 天")
        for level in LEVELS["work_at_height"]
    },
    ("temporary_power", None): ValidityRule(
        "temporary_power.30d",
        30 * DAY_MS,
        "临时用电作业票有效期一般不超过 15 天，最长不超过 30 天",
        soft_ms=15 * DAY_MS,
        soft_rule="temporary_power.15d",
    ),
}

# Table B.1: who approves (审批) each ticket, and the project role acting for that authority.
AUTHORITY_LABEL = {
    "leadership": "主管领导",
    "plant_head": "主管厂长或总工程师",
    "safety_department": "安全管理部门",
    "professional_department": "专业部门",
    "base_unit": "所在基层单位",
    "power_supplier": "配送电单位",
}
AUTHORITY_ROLE = {
    "leadership": Role.ENTERPRISE_LEADER,
    "plant_head": Role.ENTERPRISE_LEADER,
    "safety_department": Role.ENTERPRISE_MANAGER,
    "professional_department": Role.UNIT_SUPERVISOR,
    "base_unit": Role.UNIT_SUPERVISOR,
    "power_supplier": Role.UNIT_SUPERVISOR,
}
# A higher authority of the same enterprise may sign in place of a lower one (never the other way round).
LADDER = (Role.UNIT_SUPERVISOR, Role.ENTERPRISE_MANAGER, Role.ENTERPRISE_LEADER)
TABLE_B1: dict[tuple[str, str | None], str] = {
    ("hot_work", "special"): "leadership",
    ("hot_work", "level_1"): "safety_department",
    ("hot_work", "level_2"): "base_unit",
    ("confined_space", None): "base_unit",
    ("blind_plate", None): "base_unit",
    ("work_at_height", "I"): "base_unit",
    ("work_at_height", "II"): "professional_department",
    ("work_at_height", "III"): "professional_department",
    ("work_at_height", "IV"): "plant_head",
    ("lifting", "level_1"): "plant_head",
    ("lifting", "level_2"): "professional_department",
    ("lifting", "level_3"): "professional_department",
    ("temporary_power", None): "power_supplier",
    ("excavation", None): "professional_department",
    ("road_closure", None): "professional_department",
}

# Table B.1: excavation and road closure are approved by the 专业部门 only after these departments countersign (会签).
DEPARTMENT_LABEL = {
    "water": "供水",
    "power": "供电",
    "steam": "供汽",
    "process": "工艺",
    "equipment": "设备",
    "fire": "消防",
    "safety": "安全",
}
COUNTERSIGN: dict[str, tuple[str, ...]] = {
    "excavation": ("water", "power", "steam", "process", "equipment", "fire", "safety"),
    "road_closure": ("fire", "safety"),
}

PERMIT_VALIDITY_EXCEEDED = errors.define(
    "PERMIT_VALIDITY_EXCEEDED",
    422,
    "作业票有效期超过 GB 30871-2022 的规定",
    "ends_at - starts_at is longer than the type and level allow; details.rule names the rule (GB 30871-2022).",
)
PERMIT_LEVEL_MISMATCH = errors.define(
    "PERMIT_LEVEL_MISMATCH",
    422,
    "作业级别与 GB 30871-2022 的划分不一致",
    "The level given differs from the one derived from height_m/hazard_factors (work at height) or load_t "
    "(lifting); details.derived is the right one.",
)


COUNTERSIGN_MISSING = errors.define(
    "COUNTERSIGN_MISSING",
    409,
    "审批前须完成 GB 30871-2022 表 B.1 规定的会签",
    "Excavation (water/power/steam/process/equipment/fire/safety) and road closure (fire, safety) are approved "
    "only after every department has countersigned; details.missing lists the rest.",
)
COUNTERSIGN_EXISTS = errors.define(
    "COUNTERSIGN_EXISTS", 409, "该部门已会签", "A department countersigns a permit once (details.department)."
)


def check_countersign(work_type: str, department: str, done: dict[str, object]) -> None:
    """A countersignature is due from one of the type's departments, once."""
    due = COUNTERSIGN.get(work_type, ())
    if department not in due:
        raise errors.invalid_field("department", f"{TYPE_LABEL[work_type]}的会签部门为 {list(due)}", "enum")
    if department in done:
        raise COUNTERSIGN_EXISTS(details={"department": department})


def missing_countersigns(work_type: str, done: dict[str, object]) -> list[str]:
    return [d for d in COUNTERSIGN.get(work_type, ()) if d not in done]


def upgraded(level: str) -> str:
    """Hot work at night or on a holiday is upgraded one level (§5.1); 特级 stays 特级."""
    order = LEVELS["hot_work"]
    return order[min(order.index(level) + 1, len(order) - 1)]


def height_level(height_m: float, hazard_factors: list[str]) -> str:
    """Work-at-height level from the height band and method A (no hazard factor) or B (any)."""
    band = sum(1 for edge in HEIGHT_BANDS_M if height_m > edge)
    return (METHOD_B if hazard_factors else METHOD_A)[band]


def lifting_level(load_t: float) -> str:
    if load_t > LIFTING_LEVEL_1_ABOVE_T:
        return "level_1"
    return "level_2" if load_t >= LIFTING_LEVEL_2_FROM_T else "level_3"


def validity_rule(work_type: str, level: str | None) -> ValidityRule | None:
    """The validity limit of a ticket, or None where §3.2 sets none (the ticket's own window applies)."""
    return VALIDITY.get((work_type, level))


def authority(work_type: str, level: str | None) -> str:
    return TABLE_B1[(work_type, level)]


def approver_roles(authority_name: str) -> frozenset[Role]:
    """The project roles that may approve for a Table B.1 authority: its own role and the ones above it."""
    return frozenset(LADDER[LADDER.index(AUTHORITY_ROLE[authority_name]) :])
