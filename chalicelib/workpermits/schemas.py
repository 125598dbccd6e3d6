"""Special work permit HTTP contracts: the application (GB 30871-2022 fields), actions, gas analyses, views."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import PHONE_PATTERN, Instant, IsoTime, Location, Loose, Schema, Strict

WorkType = Literal[
    "hot_work", "confined_space", "blind_plate", "work_at_height", "lifting", "temporary_power", "excavation",
    "road_closure",
]  # fmt: skip
Level = Literal["special", "level_1", "level_2", "level_3", "I", "II", "III", "IV"]
# The nine objective hazard factors of work at height (domain rules.HAZARD_FACTORS; a test keeps them equal).
HazardFactor = Literal[
    "wind_force_5", "low_temperature", "cold_water", "slippery_surface", "poor_light", "near_live_conductor",
    "narrow_footing", "toxic_atmosphere", "rescue",
]  # fmt: skip


class State(StrEnum):
    DRAFT = "draft"  # 待审批
    APPROVED = "approved"  # 已审批
    ACTIVE = "active"  # 作业中
    SUSPENDED = "suspended"  # 已暂停
    CLOSED = "closed"  # 已关闭
    CANCELLED = "cancelled"  # 已取消


class Guardian(Strict):
    """监护人: told by SMS when a gas alarm suspends the work."""

    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(pattern=PHONE_PATTERN)


class WorkPermitIn(Strict):
    enterprise_id: str = Field(pattern=ID_PATTERN)
    type: WorkType
    level: Level | None = Field(default=None, description="动火必填；高处、吊装可不填（由 height_m/load_t 推导并核对）")
    location: Location
    installation_id: str | None = Field(default=None, pattern=ID_PATTERN)
    starts_at: IsoTime
    ends_at: IsoTime
    description: str = Field(min_length=1, max_length=1000)
    guardian: Guardian
    related_permits: list[str] = Field(default_factory=list, max_length=20, description="关联的其他特殊作业票编号")
    height_m: float | None = Field(default=None, gt=0, le=1000, description="高处作业高度（m）")
    load_t: float | None = Field(default=None, gt=0, le=100_000, description="吊物质量（t）")
    hazard_factors: list[HazardFactor] = Field(default_factory=list, max_length=9, description="高处作业客观危险因素")
    night_or_holiday: bool = Field(default=False, description="夜间或节假日作业（动火升级一级）")
    pipe: str | None = Field(default=None, min_length=1, max_length=64, description="盲板所在管道编号（盲板抽堵必填）")
    monitor_sensor_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="连续监测的气体探测器（特级动火必填）"
    )
    extension_reason: str | None = Field(default=None, max_length=500, description="临时用电超过 15 天的理由")
    fire_explosion_area: bool = Field(
        default=False, description="作业在火灾爆炸危险场所（临时用电须可燃气体分析合格，GB 30871-2022 §5.3.2）"
    )
    lifting_plan: str | None = Field(
        default=None, max_length=200, description="吊装方案编号或名称（一级、二级吊装必填）"
    )
    depth_m: float | None = Field(default=None, gt=0, le=100, description="动土深度（m）")
    near_buried_hazard_lines: bool = Field(
        default=False, description="临近可燃或有毒介质的地下管线（深度超过 1.2 m 时按受限空间管理）"
    )

    @model_validator(mode="after")
    def _window(self) -> WorkPermitIn:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("starts_at and ends_at need a UTC offset")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "enterprise_id": "ent_demo",
                    "type": "hot_work",
                    "level": "level_2",
                    "location": {"lat": 31.9512, "lon": 120.9052},
                    "installation_id": "ins_demo",
                    "starts_at": "2026-12-03T01:00:00+08:00",
                    "ends_at": "2026-12-03T09:00:00+08:00",
                    "description": "液氯储罐区外检修平台护栏焊接",
                    "guardian": {"name": "李监护", "phone": "13800000021"},
                    "related_permits": [],
                }
            ]
        }
    )


class CommentIn(Strict):
    comment: str = Field(default="", max_length=500)
    model_config = ConfigDict(json_schema_extra={"examples": [{"comment": "安全措施已落实，同意作业"}]})


class CountersignIn(Strict):
    department: Literal["water", "power", "steam", "process", "equipment", "fire", "safety"] = Field(
        description="会签部门：供水、供电、供汽、工艺、设备、消防、安全（动土全部七个；断路为消防、安全）"
    )
    comment: str = Field(default="", max_length=500)
    model_config = ConfigDict(json_schema_extra={"examples": [{"department": "fire", "comment": "消防通道保持畅通"}]})


class ReasonIn(Strict):
    reason: str = Field(min_length=1, max_length=500)
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "作业点附近可燃气体报警，暂停作业"}]})


class GasResult(Strict):
    """One reading: flammable (%vol or %LEL, with the gas's LEL), oxygen (%vol) or toxic (with its GBZ 2.1 limit)."""

    gas: str = Field(min_length=1, max_length=40)
    kind: Literal["flammable", "oxygen", "toxic"]
    value: float = Field(ge=0, le=1_000_000)
    unit: Literal["%vol", "%LEL", "ppm", "mg/m3"]
    lel_pct: float | None = Field(default=None, gt=0, le=100, description="可燃气体爆炸下限（%vol），可燃必填")
    limit: float | None = Field(default=None, gt=0, description="有毒气体 GBZ 2.1 职业接触限值（同 unit），有毒必填")

    @model_validator(mode="after")
    def _kind_fields(self) -> GasResult:
        if self.kind == "flammable" and (self.lel_pct is None or self.unit not in ("%vol", "%LEL")):
            raise ValueError("a flammable reading needs lel_pct and unit %vol or %LEL")
        if self.kind == "oxygen" and self.unit != "%vol":
            raise ValueError("an oxygen reading is in %vol")
        if self.kind == "toxic" and self.limit is None:
            raise ValueError("a toxic reading needs its limit")
        return self


class GasAnalysisIn(Strict):
    sampled_at: IsoTime
    results: list[GasResult] = Field(min_length=1, max_length=50)
    analyst: str = Field(default="", max_length=40)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sampled_at": "2026-12-03T00:50:00+08:00",
                    "analyst": "王分析",
                    "results": [
                        {"gas": "甲烷", "kind": "flammable", "value": 0.1, "unit": "%vol", "lel_pct": 5.0},
                        {"gas": "氧气", "kind": "oxygen", "value": 20.9, "unit": "%vol"},
                    ],
                }
            ]
        }
    )


class GasAnalysisOut(Schema):
    model_config = ConfigDict(extra="ignore")
    id: str
    permit_id: str
    sampled_at: Instant
    recorded_at: Instant
    by: str
    analyst: str
    passed: bool
    failures: list[Loose]
    results: list[Loose]


class PermitOut(Schema):
    model_config = ConfigDict(extra="ignore")
    id: str
    enterprise_id: str
    type: WorkType
    type_label: str
    level: Level | None
    level_label: str
    declared_level: Level | None
    state: State
    state_label: str
    location: Location
    installation_id: str | None
    starts_at: Instant
    ends_at: Instant
    description: str
    guardian: Guardian
    related_permits: list[str]
    height_m: float | None
    load_t: float | None
    hazard_factors: list[str]
    night_or_holiday: bool
    pipe: str | None
    monitor_sensor_id: str | None
    extension_reason: str | None
    fire_explosion_area: bool = False
    lifting_plan: str | None = None
    depth_m: float | None = None
    near_buried_hazard_lines: bool = False
    gas_rules: str | None = Field(
        default=None, description="适用的气体分析规则：hot_work、confined_space、temporary_power"
    )
    applicant: str
    approval: Loose = Field(description="Table B.1 审批部门、可审批角色，审批人与时间")
    countersigns: Loose = Field(default_factory=dict, description="会签：部门 -> 会签人、时间、意见")
    suspension: Loose | None = Field(default=None, description="暂停原因、时间、报警与是否须复测")
    created_at: Instant
    updated_at: Instant


class PermitDetailOut(Schema):
    permit: PermitOut
    gas_analyses: list[GasAnalysisOut]
    events: list[Loose]


class PermitFilter(PageQuery):
    enterprise_id: str | None = None
    type: WorkType | None = None
    state: State | None = None


class LiveFilter(PageQuery):
    enterprise_id: str | None = None
    type: WorkType | None = None


class MapFilter(Schema):
    model_config = ConfigDict(extra="forbid")
    enterprise_id: str | None = None
    type: WorkType | None = None
