"""Change request contracts: the request, its view with the timeline, and the body of each human step."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.changes.domain import RiskLevel, Status
from chalicelib.changes.schemas.cmdb import Scalar
from chalicelib.core.pagination import Page, PageQuery
from chalicelib.core.schemas import Instant, IsoTime, Loose, Schema, Stored, Strict

CI_ID = r"^ci_[0-9A-Z]{26}$"


class RiskIn(Strict):
    level: RiskLevel
    impact: str = Field(min_length=1, max_length=1000, description="对服务可用性、数据完整性或安全性的影响")
    likelihood: RiskLevel
    mitigation: str = Field(default="", max_length=1000, description="风险控制措施（高风险必填）")


class WindowIn(Strict):
    start: IsoTime
    end: IsoTime


class ChangeItemIn(Strict):
    ci_id: str = Field(pattern=CI_ID)
    attributes: dict[str, Scalar | None] = Field(max_length=100, description="拟变更的已登记配置；null 表示删除该属性")


class ChangeIn(Strict):
    title: str = Field(min_length=2, max_length=120)
    description: str = Field(default="", max_length=2000)
    items: list[ChangeItemIn] = Field(min_length=1, max_length=20)
    risk: RiskIn
    rollback_plan: str = Field(min_length=1, max_length=2000, description="回退方案（必填）")
    test_plan: str = Field(min_length=1, max_length=2000)
    planned_window: WindowIn

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "报警推送服务升级至 1.5.0",
                    "items": [{"ci_id": "ci_01JD0000000000000000000000", "attributes": {"version": "1.5.0"}}],
                    "risk": {"level": "medium", "impact": "升级期间短信推送可能延迟 1 分钟", "likelihood": "low"},
                    "rollback_plan": "重新部署 1.4.2 版本并核对推送日志",
                    "test_plan": "预发布环境回放 1 小时报警数据，核对短信与 SNS 推送",
                    "planned_window": {"start": "2030-01-10T14:00:00Z", "end": "2030-01-10T16:00:00Z"},
                }
            ]
        }
    )


class ChangeFilter(PageQuery):
    status: Status | None = None
    ci_id: str | None = None


class ChangeItemOut(Schema):
    ci_id: str
    ci_name: str
    before: Loose
    after: Loose


class PlannedWindowOut(Stored):
    """The change window (stored as start_ms/end_ms, shown as ISO-8601)."""

    start_at: Instant
    end_at: Instant


class ChangeOut(Stored):
    id: str
    title: str
    description: str
    status: Status
    awaiting: str | None = Field(description="当前可办理的人工步骤")
    requester: str
    implementer: str | None
    items: list[ChangeItemOut]
    risk: Loose
    rollback_plan: str
    test_plan: str
    planned_window: PlannedWindowOut
    limits: dict[str, int]
    outcome: str | None
    created_at: Instant
    updated_at: Instant
    closed_at: Instant | None
    report_key: str | None = Field(description="归档记录在报表桶中的位置")


ChangePage = Page[ChangeOut]


class TimelineEntry(Stored):
    model_config = ConfigDict(extra="allow")
    ts: Instant
    action: str
    actor: str


class ChangeDetail(Schema):
    change: ChangeOut
    timeline: list[TimelineEntry]


class ApprovalIn(Strict):
    decision: Literal["approve", "reject"]
    comment: str = Field(default="", max_length=1000, description="审批意见（驳回时必填）")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"decision": "approve", "comment": "同意，按计划窗口实施"}]}
    )


class TestIn(Strict):
    result: Literal["pass", "fail"]
    notes: str = Field(default="", max_length=2000, description="测试记录（未通过时必填）")

    model_config = ConfigDict(json_schema_extra={"examples": [{"result": "pass", "notes": "预发布环境回放通过"}]})


class ImplementationIn(Strict):
    result: Literal["done", "failed"]
    notes: str = Field(default="", max_length=2000, description="实施记录（失败时必填）")

    model_config = ConfigDict(json_schema_extra={"examples": [{"result": "done", "notes": "14:20 完成部署"}]})


class ReviewIn(Strict):
    result: Literal["ok", "not_ok"]
    notes: str = Field(default="", max_length=2000, description="复核结论（不通过时必填）")

    model_config = ConfigDict(json_schema_extra={"examples": [{"result": "ok", "notes": "运行正常，推送延迟无变化"}]})


class RollbackIn(Strict):
    done: Literal[True] = Field(description="确认已按回退方案完成回退")
    notes: str = Field(min_length=1, max_length=2000, description="回退执行记录")

    model_config = ConfigDict(json_schema_extra={"examples": [{"done": True, "notes": "已重新部署 1.4.2 并核对"}]})
