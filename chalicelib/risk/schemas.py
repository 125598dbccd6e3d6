"""Risk HTTP contracts: the enterprise risk profile and its trend, monthly reports, risk notices (风险提示)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Instant, IsoTime, Schema, Stored, Strict

Level = Literal["red", "orange", "yellow", "blue"]
NoticeState = Literal["issued", "acknowledged", "closed"]


class ProfileQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    days: int = Field(default=30, ge=1, le=400, description="趋势天数（每日快照，园区时间）")


class ItemOut(Schema):
    label: str = Field(description="明细名称，如 动火作业、高优先级报警、液氯储罐区（三级重大危险源）")
    count: int
    points: int
    refs: list[str] = Field(description="涉及的对象编号（重大危险源、报警、作业票、岗位）")


class ContributionOut(Schema):
    key: Literal[
        "major_hazards", "alarms", "dangers", "supervision", "missed_checks", "special_work", "key_posts", "floor"
    ]
    label: str
    points: int = Field(description="计入评分的分值（不超过 cap）")
    uncapped: int = Field(description="各明细分值之和（封顶前）")
    cap: int
    items: list[ItemOut]
    available: bool = Field(description="false：数据源未接入，本项未计分")
    note: str


class FloorOut(Schema):
    level: Level
    reason: str


class TrendPoint(Schema):
    day: str = Field(description="日期 YYYY-MM-DD（园区时间）")
    score: int
    level: Level


class ProfileOut(Stored):
    enterprise_id: str
    name: str
    score: int = Field(ge=0, le=100, description="风险画像评分 0-100（docs/risk.md）")
    level: Level
    label: str
    raw_score: int = Field(description="各项封顶后之和（至多 100），等级下限抬升之前")
    contributions: list[ContributionOut]
    floors: list[FloorOut] = Field(description="等级规则设定的下限（最高风险单元、重大隐患、逾期隐患与督办）")
    computed_at: Instant
    trend: list[TrendPoint]


class ReportOut(Stored):
    month: str = Field(description="报告期 YYYY-MM（园区时间）")
    key: str
    size_bytes: int
    generated_at: Instant
    url: str = Field(description="报告（Markdown）的临时下载地址")
    data_url: str | None = Field(description="报告数据（JSON）的临时下载地址")
    expires_in_s: int


class ReportList(Schema):
    items: list[ReportOut]


class NoticeIn(Strict):
    """园区向企业发出风险提示."""

    enterprise_id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=2, max_length=120)
    content: str = Field(min_length=1, max_length=2000, description="风险情况与管控要求")
    level: Level = Field(description="风险等级：红/橙/黄/蓝")
    due: IsoTime | None = Field(default=None, description="反馈期限（须晚于当前时间）")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "enterprise_id": "ent_demo",
                    "title": "液氯储罐区连续出现高报，请排查泄漏源",
                    "content": "近 24 小时液氯储罐区氯气探测器 3 次高报，请组织排查并加强巡检。",
                    "level": "orange",
                    "due": "2030-01-31T18:00:00+08:00",
                }
            ]
        }
    )


class AckIn(Strict):
    comment: str | None = Field(default=None, max_length=500)

    model_config = ConfigDict(json_schema_extra={"examples": [{"comment": "已收到，正在组织排查"}]})


class CloseIn(Strict):
    response: str = Field(min_length=1, max_length=2000, description="处置情况反馈")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"response": "已更换 T-101 法兰垫片，复测无泄漏，巡检加密至每 2 小时"}]}
    )


class NoticeFilter(PageQuery):
    enterprise_id: str | None = None
    state: NoticeState | None = None
    level: Level | None = None
    unacknowledged: bool | None = Field(default=None, description="true：仅企业尚未确认的")
    overdue: bool | None = Field(default=None, description="true：仅超过反馈期限仍未闭环的")


class NoticeOut(Stored):
    model_config = ConfigDict(extra="allow")
    id: str
    enterprise_id: str
    title: str
    content: str
    level: Level
    label: str
    state: NoticeState
    due_at: Instant | None
    created_at: Instant
    acked_at: Instant | None
    closed_at: Instant | None
    overdue: bool
