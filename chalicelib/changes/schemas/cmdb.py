"""CMDB contracts: configuration items, observations and the quarterly configuration audit."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from chalicelib.changes.domain import CIKind
from chalicelib.core.pagination import Page, PageQuery
from chalicelib.core.schemas import Instant, IsoTime, Loose, Schema, Stored, Strict

Scalar = str | int | float | bool
Attributes = dict[str, Scalar]


class CIIn(Strict):
    name: str = Field(min_length=1, max_length=120)
    kind: CIKind = Field(description="硬件资产 | 软件版本 | 网络配置参数 | 系统关键设置")
    owner: str = Field(min_length=1, max_length=80, description="责任人或责任班组")
    location: str = Field(default="", max_length=200, description="机房/机柜/系统位置")
    description: str = Field(default="", max_length=1000)
    declared: Attributes = Field(default_factory=dict, max_length=100, description="基线配置，此后只能经变更修改")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "报警推送服务",
                    "kind": "software_version",
                    "owner": "运营工程组",
                    "location": "云端 / chempark-prod",
                    "declared": {"version": "1.4.2", "runtime": "python3.11"},
                }
            ]
        }
    )


class CIFilter(PageQuery):
    kind: CIKind | None = None


class ObservedValue(Schema):
    value: Scalar
    at: Instant = Field(description="观测时间")
    by: str
    source: str


class CIOut(Stored):
    id: str
    name: str
    kind: CIKind
    kind_label: str
    owner: str
    location: str
    description: str
    declared: Loose
    observed: dict[str, ObservedValue]
    last_observed_at: Instant | None
    last_observed_by: str | None
    revision: int = Field(description="已生效变更次数")
    open_change: str | None = Field(description="进行中的变更申请")
    created_at: Instant
    created_by: str
    updated_at: Instant


CIPage = Page[CIOut]


class HistoryEntry(Stored):
    model_config = ConfigDict(extra="allow")
    ts: Instant
    type: str = Field(description="created 登记 | change_requested 提出变更 | declared 配置变更生效 | observed 观测")
    actor: str
    change_id: str | None = None


class CIDetail(Schema):
    item: CIOut
    history: list[HistoryEntry] = Field(description="登记与已登记配置的全部变更（含变更单号、变更前后值）")
    observations: list[HistoryEntry] = Field(description="最近的观测记录（最新在前）")


class ObservationIn(Strict):
    attributes: Attributes = Field(min_length=1, max_length=100)
    source: Literal["discovery", "manual"] = "manual"
    full_snapshot: bool = Field(default=False, description="true：本次为完整发现结果，未列出的属性视为未观测到")
    observed_at: IsoTime | None = Field(default=None, description="观测时间，默认为当前时间")
    notes: str = Field(default="", max_length=500)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"attributes": {"version": "1.4.2"}, "source": "discovery"}]}
    )


class AuditQuery(Strict):
    quarter: str | None = Field(default=None, pattern=r"^\d{4}[Qq][1-4]$", description="季度，如 2026Q4；默认本季度")


class DifferenceOut(Schema):
    attribute: str
    kind: Literal["mismatch", "unobserved", "undeclared"]
    declared: Any
    observed: Any


class AuditItemOut(Stored):
    ci_id: str
    name: str
    kind: CIKind
    owner: str
    consistent: bool
    differences: list[DifferenceOut]
    observed_in_quarter: bool
    last_observed_at: Instant | None


class AuditOut(Stored):
    quarter: str
    from_at: Instant
    to_at: Instant = Field(description="不含")
    generated_at: Instant
    items: list[AuditItemOut] = Field(description="每个配置项的已登记与实际运行配置差异")
    not_observed: list[str] = Field(description="本季度未做过观测的配置项")
    changes_completed: list[Loose]
    changes_rolled_back: list[Loose]
    summary: dict[str, int]
