"""Gate event, black/white list, presence and access record contracts."""

from __future__ import annotations

import builtins
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from chalicelib.access.schemas.appointments import ID_NUMBER, PLATE
from chalicelib.access.schemas.gates import DEVICE_ID
from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import PHONE_PATTERN, Instant, IsoTime, Schema, Strict, Window

Direction = Literal["in", "out"]
Method = Literal["face", "card", "fingerprint", "plate", "qr"]
Decision = Literal["allow", "deny", "alarm"]


class GateEvent(Strict):
    event_id: str = Field(pattern=ID_PATTERN, description="设备事件编号（同一卡口内唯一；重复提交返回首次的判定）")
    gate_id: str = Field(pattern=ID_PATTERN)
    direction: Direction
    at: IsoTime
    method: Method
    person_id: str | None = Field(default=None, pattern=ID_NUMBER, description="人员证件号（人脸/刷卡/指纹识别结果）")
    plate: str | None = Field(default=None, pattern=PLATE)
    device_id: str | None = Field(default=None, pattern=DEVICE_ID, description="上报设备；放行指令发往卡口道闸")
    photo_key: str | None = Field(default=None, max_length=256, description="抓拍照片在对象存储中的键")

    @model_validator(mode="after")
    def _one_subject(self) -> GateEvent:
        if self.at.tzinfo is None:
            raise ValueError("at needs a UTC offset")
        if (self.person_id is None) == (self.plate is None):
            raise ValueError("exactly one of person_id and plate")
        if self.method == "plate" and self.plate is None:
            raise ValueError("a plate event names the plate")
        return self


class GateEventsIn(Strict):
    events: list[GateEvent] = Field(min_length=1, max_length=100)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "events": [
                        {
                            "event_id": "evt-0001",
                            "gate_id": "gate_demo",
                            "direction": "in",
                            "at": "2026-12-03T08:00:00+08:00",
                            "method": "plate",
                            "plate": "苏E12345",
                        }
                    ]
                }
            ]
        }
    )


class EventResult(Schema):
    event_id: str
    gate_id: str
    decision: Decision
    reasons: list[str]
    duplicate: bool = Field(default=False, description="该事件已处理过：返回首次的判定，不重复放行或报警")


class GateEventsOut(Schema):
    results: list[EventResult]


class ListEntryIn(Strict):
    list: Literal["black", "white"]
    kind: Literal["person", "vehicle", "carrier"]
    value: str = Field(min_length=1, max_length=40, description="证件号、车牌或承运单位代码")
    reason: str = Field(min_length=1, max_length=200)
    expires_at: IsoTime | None = Field(default=None, description="默认一年后到期")
    enterprise_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="白名单：所属企业（员工、固定车辆）"
    )
    name: str = Field(default="", max_length=40)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    zones: builtins.list[str] = Field(
        default_factory=builtins.list, max_length=20, description="白名单：获准进入的区域"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"list": "black", "kind": "vehicle", "value": "苏E99999", "reason": "多次违规停放"}]
        }
    )

    @model_validator(mode="after")
    def _aware(self) -> ListEntryIn:
        if self.expires_at is not None and self.expires_at.tzinfo is None:
            raise ValueError("expires_at needs a UTC offset")
        return self


class ListEntryOut(Schema):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    id: str
    list: str
    kind: str
    value: str = Field(description="人员证件号按角色脱敏")
    reason: str
    expires_at: Instant
    enterprise_id: str | None = None
    name: str = ""
    phone: str | None = None
    zones: builtins.list[str] = Field(default_factory=builtins.list)
    created_by: str
    created_at: Instant


class ListFilter(PageQuery):
    list: Literal["black", "white"] | None = None
    kind: Literal["person", "vehicle", "carrier"] | None = None


class PresenceQuery(Strict):
    zone_id: str | None = Field(default=None, pattern=ID_PATTERN)
    enterprise_id: str | None = Field(default=None, pattern=ID_PATTERN)


class PresenceOut(Schema):
    zone_id: str | None
    people: int
    vehicles: int
    by_enterprise: dict[str, dict[str, int]] = Field(description="企业 -> {people, vehicles}；_park 为园区自有")
    stale: int = Field(description="超过在场时限未再出现、不再计入的人和车")
    as_of: Instant


class RecordFilter(PageQuery, Window):
    person: str | None = Field(default=None, pattern=ID_NUMBER, description="人员证件号")
    plate: str | None = Field(default=None, pattern=PLATE)
    enterprise_id: str | None = Field(default=None, pattern=ID_PATTERN)
    from_: IsoTime | None = Field(default=None, alias="from")
    to: IsoTime | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> RecordFilter:
        if self.person and self.plate:
            raise ValueError("person or plate, not both")
        return self


class RecordOut(Schema):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    event_id: str
    gate_id: str
    direction: Direction
    at: Instant
    method: Method
    person_id: str | None = None
    plate: str | None = None
    decision: Decision
    reasons: list[str]
    enterprise_id: str | None
    credential: str | None = Field(default=None, description="放行依据：appointment:<id> 或 white_list:<id>")
    device_id: str | None = None
    photo_key: str | None = None
    received_at: Instant
