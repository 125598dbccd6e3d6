"""Warning HTTP contracts."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Instant, IsoTime, Location, Loose, Priority, Schema, Stored, Strict, Window
from chalicelib.warnings.domain import Level, Status


class ReportIn(Strict):
    enterprise_id: str = Field(pattern=ID_PATTERN)
    installation_id: str | None = None
    title: str = Field(min_length=2, max_length=80)
    description: str = Field(min_length=2, max_length=2000)
    priority: Priority = Priority.HIGH
    reporter: str = Field(default="", max_length=40, description="报告人（电话接报时填写）")
    location: Location | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "enterprise_id": "ent_demo",
                    "installation_id": "ins_demo",
                    "title": "储罐区异味",
                    "priority": "high",
                    "description": "巡检人员报告液氯储罐区有刺激性气味",
                    "reporter": "巡检员小刘",
                }
            ]
        }
    )


class VerificationIn(Strict):
    # A confirmed warning carries its level, a false alarm its reason: the validators below name the field.
    outcome: Literal["confirmed", "false_alarm"]
    level: Level | None = Field(
        default=None, validate_default=True, description="confirmed 时必填：red|orange|yellow|blue"
    )
    impact: str = Field(default="", max_length=1000, description="影响范围与研判")
    reason: str = Field(
        default="", max_length=1000, validate_default=True, description="误报原因（false_alarm 时必填）"
    )
    suggest_limit_review: bool = Field(default=False, description="误报时建议复核该测点报警限值")
    method: list[Literal["video", "trend", "correlation", "enterprise_call", "site"]] = Field(
        default_factory=list, description="核实手段 (6.3.2-2)"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "outcome": "confirmed",
                    "level": "orange",
                    "impact": "泄漏点下风向 500 m 范围",
                    "method": ["video", "trend"],
                }
            ]
        },
    )

    @field_validator("level")
    @classmethod
    def _level_when_confirmed(cls, level: Level | None, info: ValidationInfo) -> Level | None:
        if level is None and info.data.get("outcome") == "confirmed":
            raise PydanticCustomError("missing", "确认预警须给出预警级别")
        return level

    @field_validator("reason")
    @classmethod
    def _reason_when_false_alarm(cls, reason: str, info: ValidationInfo) -> str:
        if not reason and info.data.get("outcome") == "false_alarm":
            raise PydanticCustomError("missing", "误报须说明原因")
        return reason


class Edit(Strict):
    audience: Literal["enterprise", "park", "public", "regulator"]
    text: str = Field(min_length=2, max_length=500)


class ApprovalIn(Strict):
    decision: Literal["approve", "reject"]
    comment: str = Field(default="", max_length=1000)
    edits: list[Edit] = Field(default_factory=list, description="驳回时可给出修改后的发布内容")

    model_config = ConfigDict(json_schema_extra={"examples": [{"decision": "approve", "comment": "同意发布"}]})


class FeedbackIn(Strict):
    text: str = Field(min_length=1, max_length=2000)
    measures: str = Field(default="", max_length=2000, description="现场处置措施")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"text": "已关闭进料阀，泄漏点已堵漏", "measures": "堵漏"}]},
    )


class CloseIn(Strict):
    reason: str = Field(min_length=2, max_length=1000, description="风险解除依据")

    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "浓度恢复正常超过 30 分钟，风险解除"}]})


class WarningFilter(PageQuery, Window):
    enterprise_id: str | None = None
    status: Status | None = None
    from_: IsoTime | None = Field(default=None, alias="from")
    to: IsoTime | None = None


class KpiQuery(Strict, Window):
    enterprise_id: str | None = None
    from_: IsoTime = Field(alias="from")
    to: IsoTime


class WarningOut(Stored):
    model_config = ConfigDict(extra="allow", defer_build=True)
    id: str
    status: Status
    awaiting: str | None
    enterprise_id: str
    priority: Priority
    title: str
    created_at: Instant


class WarningDetail(Schema):
    warning: WarningOut
    timeline: list[Loose]
