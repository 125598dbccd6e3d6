"""Notification HTTP contracts: the SMS log query and its page; devices, push preferences and the push log."""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Instant, IsoTime, Schema, Stored, Strict, Window
from chalicelib.notify.domain import Category, Mode, Platform


class SmsQuery(PageQuery, Window):
    enterprise_id: str | None = Field(default=None, description="企业；园区级短信为 _park")
    from_: IsoTime | None = Field(default=None, alias="from", description="起始时间（ISO-8601，带时区）")
    to: IsoTime | None = None


class SmsOut(Stored):
    ref: str
    phone: str
    ts: Instant
    kind: str
    text: str
    enterprise_id: str
    message_id: str


class SmsPage(Schema):
    items: list[SmsOut]
    next_cursor: str | None = None


class DeviceIn(Strict):
    platform: Platform = Field(description="推送平台：apns（iOS）、fcm（Android/Google）、hms（华为）、jpush（极光）")
    token: str = Field(min_length=8, max_length=4096, pattern=r"^[\x21-\x7e]+$", description="推送平台下发的设备令牌")

    model_config = ConfigDict(json_schema_extra={"examples": [{"platform": "fcm", "token": "fcm-demo-token-0001"}]})


class DeviceOut(Schema):
    id: str
    platform: Platform
    token: str = Field(description="设备令牌（脱敏）")
    status: Literal["active", "disabled"] = Field(description="disabled：推送平台已拒绝该令牌，不再使用")
    registered_at: Instant
    disabled_at: Instant | None = None
    disabled_reason: str | None = None


class DeviceList(Schema):
    items: list[DeviceOut]


class AppChannel(Strict):
    app: Mode = Field(description="alert 响铃提醒 / silent 静默送达通知栏 / off 不推送")


class EvacuationChannel(Strict):
    app: Mode = Field(default=Mode.ALERT, description="疏散指令始终响铃推送，不可关闭或静音")

    @field_validator("app")
    @classmethod
    def _always_alert(cls, value: Mode) -> Mode:
        if value is not Mode.ALERT:
            raise ValueError("疏散指令属安全关键信息，不可关闭或静音")
        return value


class Categories(Strict):
    """The app channel's mode per category; a category left out keeps its default."""

    warning: AppChannel = AppChannel(app=Mode.ALERT)
    evacuation: EvacuationChannel = EvacuationChannel()
    patrol_task: AppChannel = AppChannel(app=Mode.ALERT)
    alarm_urgent: AppChannel = AppChannel(app=Mode.ALERT)
    alarm_high: AppChannel = AppChannel(app=Mode.ALERT)
    alarm_medium: AppChannel = AppChannel(app=Mode.OFF)
    alarm_low: AppChannel = AppChannel(app=Mode.OFF)

    def modes(self) -> dict[Category, Mode]:
        return {c: getattr(self, c.value).app for c in Category}


class QuietHours(Strict):
    """Daily quiet hours with their UTC offset (e.g. 22:00+08:00 to 07:00+08:00); may span midnight."""

    start: time = Field(description="开始时刻，ISO-8601 带时区偏移，如 22:00+08:00")
    end: time = Field(description="结束时刻，ISO-8601 带时区偏移，如 07:00+08:00")

    @field_validator("start", "end")
    @classmethod
    def _with_offset(cls, value: time) -> time:
        if value.tzinfo is None:
            raise ValueError("须带时区偏移，如 22:00+08:00")
        return value

    @field_validator("end")
    @classmethod
    def _not_empty(cls, end: time, info: ValidationInfo) -> time:
        start = info.data.get("start")
        if start is not None and start.replace(tzinfo=None) == end.replace(tzinfo=None):
            raise ValueError("结束时刻不能与开始时刻相同")
        return end


class PreferencesIn(Strict):
    categories: Categories = Categories()
    quiet_hours: QuietHours | None = Field(
        default=None, description="免打扰时段：其间非紧急推送静默送达；疏散指令、紧急报警与红色预警照常响铃"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "categories": {"patrol_task": {"app": "silent"}, "alarm_medium": {"app": "alert"}},
                    "quiet_hours": {"start": "22:00:00+08:00", "end": "07:00:00+08:00"},
                }
            ]
        }
    )


class PreferencesOut(PreferencesIn):
    updated_at: Instant | None = Field(default=None, description="最近修改时间；未设置过为 null（默认值）")


class PushQuery(PageQuery, Window):
    enterprise_id: str | None = Field(default=None, description="企业；园区级推送为 _park")
    from_: IsoTime | None = Field(default=None, alias="from", description="起始时间（ISO-8601，带时区）")
    to: IsoTime | None = None

    @field_validator("from_", "to", mode="before")
    @classmethod
    def _iso_only(cls, value: object) -> object:
        """pydantic would read a bare number as epoch seconds: the API speaks ISO-8601 with offset only."""
        if isinstance(value, int | float) or (isinstance(value, str) and value.strip().lstrip("-").isdigit()):
            raise ValueError("须为 ISO-8601 时间（带时区偏移），如 2026-03-05T08:00:00+08:00")
        return value


class PushOut(Schema):
    ref: str
    device_id: str
    user: str
    platform: Platform
    token: str = Field(description="设备令牌（脱敏）")
    at: Instant
    kind: Category
    mode: Literal["alert", "silent"]
    status: Literal["sending", "sent", "rejected"]
    text: str
    enterprise_id: str
    message_id: str


class PushPage(Schema):
    items: list[PushOut]
    next_cursor: str | None = None
