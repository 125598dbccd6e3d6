"""Public-area event HTTP contracts: a report from video analytics or a sensor network, the stored event, the
list filter."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from chalicelib.core import clock
from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Instant, IsoTime, Location, Loose, Priority, Schema, Strict

Kind = Literal["intrusion", "crowding", "dangerous_behaviour", "early_fire", "environment_exceedance", "other"]
SNAPSHOT_KEY = r"^[A-Za-z0-9][A-Za-z0-9!_.*'()/-]{0,511}$"  # an S3 object key the analytics uploaded
FUTURE_SLACK = timedelta(minutes=5)  # clocks of analytics boxes drift; later than this is a bad timestamp


class PublicEventIn(Strict):
    event_id: str = Field(pattern=ID_PATTERN, description="客户端事件编号（幂等：同一编号重复上报返回首次结果）")
    kind: Kind = Field(description="异常入侵、人员车辆异常聚集、危险行为、初期火灾、环境指标超标、其他")
    camera_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="识别出事件的摄像机（与 sensor_id 二选一）"
    )
    sensor_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="识别出事件的传感器（与 camera_id 二选一）"
    )
    location: Location = Field(description="事件位置")
    at: IsoTime = Field(description="事件发生时间（ISO-8601，带时区）")
    confidence: float = Field(ge=0, le=1, description="识别置信度 0-1")
    snapshot_key: str | None = Field(default=None, pattern=SNAPSHOT_KEY, description="抓拍图片的 S3 对象键")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "event_id": "vca-20261203-0001",
                    "kind": "early_fire",
                    "camera_id": "34020000001320000001",
                    "location": {"lat": 31.9513, "lon": 120.9050},
                    "at": "2026-12-03T08:00:00+08:00",
                    "confidence": 0.93,
                    "snapshot_key": "snapshots/2026/12/03/vca-20261203-0001.jpg",
                }
            ]
        }
    )

    @field_validator("sensor_id")
    @classmethod
    def _one_source(cls, sensor_id: str | None, info: ValidationInfo) -> str | None:
        if sensor_id is not None and info.data.get("camera_id") is not None:
            raise ValueError("camera_id 与 sensor_id 只能填写一个")
        return sensor_id

    @field_validator("snapshot_key")
    @classmethod
    def _plain_key(cls, key: str | None) -> str | None:
        if key is not None and ".." in key.split("/"):
            raise ValueError("对象键不能包含 ..")
        return key

    @field_validator("at")
    @classmethod
    def _not_ahead(cls, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("时间须带时区")
        if clock.to_ms(at) > clock.now_ms() + FUTURE_SLACK.total_seconds() * 1000:
            raise ValueError("事件时间晚于当前时间")
        return at


class PublicEventFilter(PageQuery):
    enterprise_id: str | None = Field(default=None, max_length=64, description="企业 id；园区自有事件为 _park")
    kind: Kind | None = None


class PublicEventOut(Schema):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    id: str = Field(description="客户端事件编号")
    kind: Kind
    kind_label: str
    camera_id: str | None = None
    sensor_id: str | None = None
    location: Location
    at: Instant
    confidence: float
    snapshot_key: str | None = None
    enterprise_id: str | None = Field(description="所属企业；园区自有事件为 null")
    priority: Priority
    title: str
    alarm_id: str | None = Field(description="引发的报警（同一摄像机同类事件合并为一条未关闭报警）")
    linkage: Loose | None = Field(default=None, description="触发的联动规则与设备指令")
    created_at: Instant


class PublicEventDetail(Schema):
    event: PublicEventOut
    context: Loose = Field(description="报警联动信息：附近摄像机、环境读数、预案与最近应急资源")
