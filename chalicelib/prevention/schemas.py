"""Dual-prevention HTTP contracts: units, events, measures, stops (停用检修), check tasks, check records."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import PHONE_PATTERN, Instant, IsoTime, Loose, Schema, Stored, Strict
from chalicelib.prevention.domain import CycleUnit, MeasureClass, RiskClass, Status


class LiablePerson(Strict):
    name: str = Field(min_length=1, max_length=40)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)


class UnitIn(Strict):
    """风险分析单元 (per installation or site): hazardCode, hazardDep, hazardLiablePerson, riskClass."""

    enterprise_id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=80, description="riskUnitName")
    installation_id: str | None = Field(default=None, pattern=ID_PATTERN, description="所属重大危险源单元")
    site: str = Field(default="", max_length=120, description="装置/储存设施/场所")
    liable_department: str = Field(min_length=1, max_length=80, description="责任部门 hazardDep")
    liable_person: LiablePerson = Field(description="责任人 hazardLiablePerson")
    risk_class: RiskClass = Field(description="红/橙/黄/蓝 = 重大/较大/一般/低风险")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "enterprise_id": "ent_demo",
                    "name": "液氯储罐区",
                    "installation_id": "ins_demo",
                    "liable_department": "生产部",
                    "liable_person": {"name": "李主任", "phone": "13900000002"},
                    "risk_class": "orange",
                }
            ]
        }
    )


class EventIn(Strict):
    name: str = Field(min_length=1, max_length=120, description="风险事件 riskEventName，如 液氯泄漏中毒")
    description: str = Field(default="", max_length=1000)

    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "液氯储罐泄漏导致人员中毒"}]})


class MeasureIn(Strict):
    event_id: str = Field(pattern=ID_PATTERN, description="所属风险事件")
    description: str = Field(min_length=1, max_length=1000, description="管控措施 riskMeasureDesc")
    classify1: MeasureClass = Field(description="工程技术/维护保养/操作行为/应急措施")
    classify2: str = Field(default="", max_length=60)
    classify3: str = Field(default="", max_length=60)
    check_content: str = Field(min_length=1, max_length=1000, description="隐患排查内容 troubleshootContent")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "event_id": "evt_01JD0000000000000000000000",
                    "description": "储罐区设置有毒气体探测器并与喷淋联锁",
                    "classify1": "engineering",
                    "check_content": "探测器显示正常、联锁投用",
                }
            ]
        }
    )


class StopIn(Strict):
    """停用检修: the unit's check tasks pause from `starts_at` to `ends_at`."""

    starts_at: IsoTime
    ends_at: IsoTime
    reason: str = Field(min_length=1, max_length=500, description="stopReason")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"starts_at": "2030-03-01T08:00:00+08:00", "ends_at": "2030-03-15T18:00:00+08:00", "reason": "年度大修"}
            ]
        }
    )

    @model_validator(mode="after")
    def _order(self) -> StopIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at 须晚于 starts_at")
        return self


class TaskIn(Strict):
    """排查任务: checkCycle + checkCycleUnit from `starts_at`, by the assigned post (岗位)."""

    unit_id: str = Field(pattern=ID_PATTERN)
    measure_id: str = Field(pattern=ID_PATTERN)
    content: str = Field(min_length=1, max_length=1000, description="排查内容")
    cycle: int = Field(ge=1, le=1000, description="排查周期 checkCycle")
    cycle_unit: CycleUnit = Field(description="周期单位：hour/day/week/month/year")
    post: str = Field(min_length=1, max_length=60, description="排查岗位，如 罐区操作工")
    starts_at: IsoTime = Field(description="首个排查周期的开始时间")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "unit_id": "ru_01JD0000000000000000000000",
                    "measure_id": "msr_01JD0000000000000000000000",
                    "content": "检查探测器读数与联锁状态",
                    "cycle": 8,
                    "cycle_unit": "hour",
                    "post": "罐区操作工",
                    "starts_at": "2030-01-01T08:00:00+08:00",
                }
            ]
        }
    )


class TaskStateIn(Strict):
    active: bool = Field(description="false 停用排查任务；true 重新启用（从当前周期起排查）")
    reason: str = Field(min_length=1, max_length=500)

    model_config = ConfigDict(json_schema_extra={"examples": [{"active": False, "reason": "管控措施已由新措施替代"}]})


class RecordIn(Strict):
    result: Literal["normal", "abnormal"] = Field(description="排查结果：abnormal 时应登记隐患（check_record_id）")
    note: str = Field(default="", max_length=1000)

    model_config = ConfigDict(json_schema_extra={"examples": [{"result": "normal", "note": "读数 0 ppm，联锁投用"}]})


class UnitFilter(PageQuery):
    enterprise_id: str | None = None


class TaskFilter(PageQuery):
    enterprise_id: str | None = None
    unit_id: str | None = None


class RecordFilter(PageQuery):
    enterprise_id: str | None = None
    status: Status | None = None
    task_id: str | None = None


class UnitOut(Schema):
    model_config = ConfigDict(extra="allow")
    id: str
    enterprise_id: str
    name: str
    risk_class: RiskClass = Field(description="评估等级")
    current_class: RiskClass = Field(description="当前等级：存在逾期未完成的排查时上调一级")
    missed_open: int


class TaskOut(Schema):
    model_config = ConfigDict(extra="allow")
    id: str
    enterprise_id: str
    unit_id: str
    cycle: int
    cycle_unit: CycleUnit
    active: bool


class RecordOut(Stored):
    model_config = ConfigDict(extra="allow")
    id: str
    enterprise_id: str
    task_id: str
    status: Status
    window_start_at: Instant
    deadline_at: Instant
    done_at: Instant | None


class UnitDetail(Schema):
    unit: UnitOut
    events: list[Loose]
    measures: list[Loose]
    stops: list[Loose]
    tasks: list[Loose]
