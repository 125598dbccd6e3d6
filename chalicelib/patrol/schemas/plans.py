"""Patrol routes with checkpoints and check items, plans with team and time window, tasks and check-ins
(5.3.2-1)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from chalicelib.core import photos
from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import PHONE_PATTERN, Instant, IsoTime, Location, Loose, Priority, Schema, Strict
from chalicelib.patrol.domain import Result, TaskStatus

Id = Annotated[str, Field(pattern=ID_PATTERN)]
PhotoKey = Annotated[str, Field(pattern=photos.key_pattern(photos.PATROL))]
Category = Literal["safety", "process", "electrical", "instrument", "fire", "layout", "equipment", "other"]


def _unique(values: list[str], what: str) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"{what} must be unique")


class CheckItemIn(Strict):
    id: Id = Field(description="检查项编号（巡检点内唯一）")
    name: str = Field(min_length=1, max_length=120, description="检查内容，如 法兰无泄漏")
    urgent: bool = Field(default=False, description="紧急项：不合格即触发报警（否则登记隐患）")
    alarm_priority: Priority = Field(default=Priority.HIGH, description="不合格触发报警时的优先级")
    category: Category = Field(default="safety", description="不合格时登记隐患的类别 hazardDangerType")
    rectify_days: int = Field(default=7, ge=1, le=365, description="不合格时登记隐患的整改期限（天）")


class Liable(Strict):
    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(pattern=PHONE_PATTERN)


class CheckpointIn(Strict):
    id: Id = Field(description="巡检点编号（路线内唯一）")
    name: str = Field(min_length=1, max_length=80)
    location: Location
    code: str = Field(min_length=1, max_length=128, description="巡检点 NFC 标签号或二维码内容")
    radius_m: float | None = Field(default=None, gt=0, le=5000, description="打卡距离上限（m），默认 50")
    enterprise_id: Id | None = Field(default=None, description="园区路线：该点所属（负责整改）的企业")
    liable_person: Liable | None = Field(default=None, description="该点隐患的整改责任人，默认路线责任人")
    items: list[CheckItemIn] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _items_unique(self) -> CheckpointIn:
        _unique([i.id for i in self.items], "items ids")
        return self


class RouteIn(Strict):
    """巡检路线：企业路线（enterprise_id）或园区路线（不填，园区角色）."""

    enterprise_id: Id | None = Field(default=None, description="所属企业；不填为园区路线")
    name: str = Field(min_length=1, max_length=80)
    zone_id: Id | None = Field(default=None, description="所在区域（registry zone）")
    description: str = Field(default="", max_length=500)
    liable_person: Liable = Field(description="路线责任人：巡检发现隐患的默认整改责任人 liablePerson")
    checkpoints: list[CheckpointIn] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _checkpoints_unique(self) -> RouteIn:
        _unique([c.id for c in self.checkpoints], "checkpoint ids")
        _unique([c.code for c in self.checkpoints], "checkpoint codes")
        return self

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "enterprise_id": "ent_demo",
                    "name": "液氯罐区日常巡检",
                    "liable_person": {"name": "王工", "phone": "13800000032"},
                    "checkpoints": [
                        {
                            "id": "cp1",
                            "name": "T-101 东侧",
                            "location": {"lat": 31.9512, "lon": 120.9052},
                            "code": "NFC-04A2-T101E",
                            "items": [
                                {"id": "flange", "name": "法兰无泄漏", "urgent": True},
                                {"id": "ground", "name": "静电接地完好", "category": "electrical"},
                            ],
                        }
                    ],
                }
            ]
        }
    )


class Member(Strict):
    user_id: str = Field(min_length=1, max_length=128, description="巡检人员账号（令牌 sub）")
    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(pattern=PHONE_PATTERN, description="手机号：智能巡检异常按优先级通知")


class Team(Strict):
    name: str = Field(min_length=1, max_length=60, description="巡检班组")
    members: list[Member] = Field(min_length=1, max_length=20)


class PlanIn(Strict):
    """巡检计划：路线、班组、频次（每 cycle 个 cycle_unit 一次）与每次的时间窗口."""

    route_id: Id
    name: str = Field(min_length=1, max_length=80)
    team: Team
    starts_at: IsoTime = Field(description="首次巡检窗口的开始时间（ISO-8601，带时区）")
    cycle: int = Field(ge=1, le=366)
    cycle_unit: Literal["hour", "day", "week"]
    window_min: int = Field(ge=5, le=7 * 24 * 60, description="每次巡检的时间窗口（分钟），不超过周期")

    @model_validator(mode="after")
    def _window_fits(self) -> PlanIn:
        if self.starts_at.tzinfo is None:
            raise ValueError("starts_at needs a UTC offset")
        period_min = self.cycle * {"hour": 60, "day": 1440, "week": 10080}[self.cycle_unit]
        if self.window_min > period_min:
            raise ValueError("window_min must not exceed the cycle")
        return self

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "route_id": "pr_demo",
                    "name": "罐区白班巡检",
                    "team": {
                        "name": "罐区巡检一班",
                        "members": [{"user_id": "u-li", "name": "李巡检", "phone": "13800000031"}],
                    },
                    "starts_at": "2026-12-03T08:00:00+08:00",
                    "cycle": 1,
                    "cycle_unit": "day",
                    "window_min": 120,
                }
            ]
        }
    )


class PlanStateIn(Strict):
    active: bool
    model_config = ConfigDict(json_schema_extra={"examples": [{"active": False}]})


class ItemResult(Strict):
    item_id: Id
    result: Result
    note: str = Field(default="", max_length=500)


class CheckinIn(Strict):
    """巡检打卡：位置、扫描的标签/二维码、各检查项结果与照片."""

    position: Location
    accuracy_m: float | None = Field(default=None, ge=0, le=10_000, description="定位精度（m），仅记录")
    code: str = Field(min_length=1, max_length=128, description="扫描到的 NFC 标签号或二维码内容")
    items: list[ItemResult] = Field(min_length=1, max_length=30)
    photos: list[PhotoKey] = Field(default_factory=list, max_length=9, description="经 POST /patrol/photos 上传")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "position": {"lat": 31.95121, "lon": 120.90519},
                    "code": "NFC-04A2-T101E",
                    "items": [{"item_id": "flange", "result": "pass"}, {"item_id": "ground", "result": "pass"}],
                }
            ]
        }
    )


class PhotoIn(Strict):
    content_type: Literal["image/jpeg", "image/png"]
    size_bytes: int = Field(ge=1, description="文件大小（字节），不超过 photo_max_bytes")

    model_config = ConfigDict(json_schema_extra={"examples": [{"content_type": "image/jpeg", "size_bytes": 800000}]})


class RouteFilter(PageQuery):
    enterprise_id: str | None = None


class PlanFilter(PageQuery):
    enterprise_id: str | None = None
    route_id: str | None = None


class TaskFilter(PageQuery):
    mine: bool = Field(default=False, description="true：仅本人所在班组的任务（移动端）")
    enterprise_id: str | None = None
    route_id: str | None = None
    status: TaskStatus | None = None


class RouteOut(Schema):
    model_config = ConfigDict(extra="allow")
    id: str
    enterprise_id: str
    name: str
    checkpoints: list[Loose]
    created_at: Instant


class PlanOut(Schema):
    model_config = ConfigDict(extra="allow")
    id: str
    route_id: str
    enterprise_id: str
    name: str
    team: Loose = Field(description="班组；成员手机号仅对计划制定角色明文显示")
    active: bool
    starts_at: Instant
    created_at: Instant


class TaskOut(Schema):
    model_config = ConfigDict(extra="allow")
    id: str
    plan_id: str
    route_id: str
    enterprise_id: str
    status: TaskStatus
    window_start: Instant
    window_end: Instant
    checkpoints: int
    visited: int
    failed_items: int


class TaskDetail(Schema):
    task: TaskOut
    route: RouteOut
    checkins: list[Loose] = Field(description="各巡检点打卡记录（missed：窗口结束未打卡）")
    photo_urls: dict[str, str]
