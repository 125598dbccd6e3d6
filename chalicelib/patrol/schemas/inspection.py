"""Smart-inspection anomalies from drones, robots and video analytics (5.3.2-2, 5.3.2-3), and the patrol
coverage and completion statistics (5.3.2-4)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Instant, IsoTime, Location, Loose, Priority, Schema, Strict

Kind = Literal["leak", "damage", "violation", "environment", "intrusion", "other"]


class AnomalyIn(Strict):
    """智能巡检异常（设备泄漏、部件损坏、违规作业、环境异常）：按 anomaly_id 幂等."""

    anomaly_id: str = Field(pattern=ID_PATTERN, description="上报方的异常编号：重复上报不重复通知")
    source: Literal["drone", "robot", "video", "sensor"] = Field(description="无人机/轨道机器人/视频智能分析/传感器")
    device_id: str | None = Field(default=None, pattern=ID_PATTERN)
    kind: Kind
    priority: Priority = Field(description="处置优先级：决定通知对象")
    description: str = Field(min_length=1, max_length=500)
    location: Location
    detected_at: IsoTime = Field(description="识别时间（ISO-8601，带时区）")
    confidence: float | None = Field(default=None, ge=0, le=1)
    route_id: str | None = Field(default=None, pattern=ID_PATTERN, description="所在巡检路线：通知其巡检人员")
    enterprise_id: str | None = Field(default=None, pattern=ID_PATTERN, description="所在企业；不填为园区公共区域")
    snapshot_key: str | None = Field(default=None, max_length=300, description="抓拍图片的对象键")

    @model_validator(mode="after")
    def _aware(self) -> AnomalyIn:
        if self.detected_at.tzinfo is None:
            raise ValueError("detected_at needs a UTC offset")
        return self

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "anomaly_id": "uav-7-20261203-0012",
                    "source": "drone",
                    "device_id": "uav-7",
                    "kind": "leak",
                    "priority": "high",
                    "description": "管廊 3 号段法兰处疑似白色气体泄漏",
                    "location": {"lat": 31.9521, "lon": 120.9071},
                    "detected_at": "2026-12-03T09:30:00+08:00",
                    "confidence": 0.87,
                    "enterprise_id": "ent_demo",
                }
            ]
        }
    )


class AnomalyOut(Schema):
    model_config = ConfigDict(extra="allow")
    id: str
    enterprise_id: str
    source: str
    kind: str
    priority: Priority
    description: str
    location: Location
    detected_at: Instant
    received_at: Instant
    notified: list[Loose] = Field(description="已通知的对象（手机号脱敏）与通道")


class AnomalyFilter(PageQuery):
    enterprise_id: str | None = None
    priority: Priority | None = None
    route_id: str | None = None


class StatsQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    month: str | None = Field(
        default=None, pattern=r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$", description="YYYY-MM（园区当地时间），默认本月"
    )
    enterprise_id: str | None = None
    route_id: str | None = None


class Figures(Schema):
    tasks: int
    tasks_ended: int
    completed: int
    incomplete: int
    missed: int
    checkpoints_due: int
    checkpoints_visited: int
    checkpoints_missed: int
    failed_items: int
    coverage: float | None = Field(description="覆盖率：已打卡巡检点 / 应巡检点")
    completion: float | None = Field(description="完成率：全部打卡的任务 / 已结束的任务")


class StatsOut(Schema):
    month: str
    enterprise_id: str | None
    total: Figures
    by_route: dict[str, Figures]
    by_team: dict[str, Figures]
