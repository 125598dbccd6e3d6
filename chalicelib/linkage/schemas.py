"""Linkage HTTP contracts: actuators, linkage rules, commands, people positions, evacuation acknowledgements."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import PHONE_PATTERN, Instant, IsoTime, Location, Loose, Schema, Stored, Strict
from chalicelib.linkage import domain

ID = ID_PATTERN
# A device id is an MQTT topic level: no '/', '+' or '#'.
DEVICE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
DeviceKind = Literal["ptz_camera", "door", "evacuation_exit", "ventilation", "broadcast", "board", "gate", "other"]
EventType = Literal[
    "leak",
    "fire",
    "explosion",
    "poisoning",
    "alarm",
    "intrusion",
    "crowding",
    "dangerous_behaviour",
    "early_fire",
    "environment_exceedance",
]
Colour = Literal["blue", "yellow", "orange", "red"]


class ActuatorIn(Strict):
    id: str | None = Field(default=None, pattern=DEVICE_ID, description="设备编号（即 MQTT 命令主题的最后一级）")
    enterprise_id: str | None = Field(default=None, pattern=ID, description="所属企业；园区公共设备留空")
    kind: DeviceKind = Field(description="PTZ 球机在 /cameras 登记（ptz=true），此处不重复登记")
    name: str = Field(min_length=1, max_length=80)
    location: Location
    installation_id: str | None = Field(default=None, pattern=ID, description="所在重大危险源单元")
    zone_id: str | None = Field(default=None, pattern=ID, description="所在区域")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "door-demo-1",
                    "enterprise_id": "ent_demo",
                    "installation_id": "ins_demo",
                    "kind": "door",
                    "name": "液氯储罐区1号门禁",
                    "location": {"lat": 31.9514, "lon": 120.9049},
                }
            ]
        }
    )


class ActuatorOut(Schema):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    id: str
    enterprise_id: str | None
    kind: str
    name: str
    location: Location
    installation_id: str | None = None
    zone_id: str | None = None
    source: Literal["linkage", "registry"] = Field(description="registry：来自 /cameras 的 PTZ 球机（只读）")
    created_at: Instant | None = None
    updated_at: Instant | None = None


class ActuatorFilter(PageQuery):
    enterprise_id: str | None = None
    kind: DeviceKind | None = None


class RuleScope(Strict):
    kind: Literal["park", "enterprise", "installation"] = Field(default="park", description="适用范围")
    enterprise_id: str | None = Field(default=None, pattern=ID)
    installation_id: str | None = Field(default=None, pattern=ID)
    radius_m: float = Field(default=domain.DEFAULT_RADIUS_M, gt=0, le=10_000, description="事故点周边联动半径（米）")

    @model_validator(mode="after")
    def _consistent(self) -> RuleScope:
        if self.kind == "park" and (self.enterprise_id or self.installation_id):
            raise ValueError("园区级规则不能指定企业或单元")
        if self.kind == "enterprise" and not self.enterprise_id:
            raise ValueError("企业级规则须指定 enterprise_id")
        if self.kind == "installation" and not self.installation_id:
            raise ValueError("单元级规则须指定 installation_id")
        return self


def _radius() -> Any:
    return Field(default=None, gt=0, le=10_000, description="作用半径（米），缺省取规则范围半径")


class PtzTrack(Strict):
    kind: Literal["ptz_track"]
    radius_m: float | None = _radius()


class DoorLock(Strict):
    kind: Literal["door_lock"]
    radius_m: float | None = _radius()


class ExitOpen(Strict):
    kind: Literal["exit_open"]
    radius_m: float | None = _radius()


class Ventilation(Strict):
    kind: Literal["ventilation"]
    mode: Literal["shutdown", "exhaust"]
    radius_m: float | None = _radius()


class EvacuationPush(Strict):
    kind: Literal["evacuation_push"]
    zone_level: Literal["AEGL-2", "AEGL-3", "AEGL-1"] = "AEGL-2"


class ScreenHighlight(Strict):
    kind: Literal["screen_highlight"]


class Broadcast(Strict):
    kind: Literal["broadcast"]
    radius_m: float | None = _radius()
    text: str | None = Field(default=None, min_length=1, max_length=200, description="广播内容，缺省为通用提示")


class GateOpen(Strict):
    kind: Literal["gate_open"]
    radius_m: float | None = _radius()
    nearest: int = Field(default=1, ge=1, le=10, description="开启距事件最近的几个卡口道闸（如供消防车进入）")


Action = Annotated[
    PtzTrack | DoorLock | ExitOpen | Ventilation | EvacuationPush | ScreenHighlight | Broadcast | GateOpen,
    Field(discriminator="kind"),
]


class LinkageRuleIn(Strict):
    name: str = Field(min_length=1, max_length=80)
    description: str = Field(default="", max_length=500)
    event_type: EventType
    min_level: Colour = Field(description="最低事件级别：red/orange/yellow/blue，或 I/II/III/IV（I 为红色）")
    scope: RuleScope = Field(default_factory=RuleScope)
    actions: list[Action] = Field(min_length=1, max_length=20, description="按顺序执行的联动动作")
    enabled: bool = True

    @field_validator("min_level", mode="before")
    @classmethod
    def _grade(cls, value: Any) -> Any:
        return domain.level(value) or value

    model_config = ConfigDict(json_schema_extra={"examples": [{**domain.builtin_leak_rule(), "min_level": "II"}]})


class LinkageRuleOut(LinkageRuleIn):
    model_config = ConfigDict(extra="ignore")
    id: str
    builtin: bool = False
    enterprise_id: str | None = None
    created_at: Instant
    updated_at: Instant


class RuleFilter(Strict):
    enterprise_id: str | None = None
    event_type: EventType | None = None


class CommandQuery(Strict):
    incident_id: str | None = Field(default=None, description="事件编号")
    enterprise_id: str | None = Field(default=None, description="设备所属企业")
    status: Literal["sent", "acked", "failed", "timeout", "simulated"] | None = None
    limit: int = Field(default=200, ge=1, le=500)


class PositionIn(Strict):
    person_id: str = Field(pattern=ID)
    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(pattern=PHONE_PATTERN)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    enterprise_id: str | None = Field(default=None, pattern=ID, description="所属企业；园区人员或访客留空")
    source: Literal["access", "badge", "app"] = Field(description="门禁 / 定位卡 / 手机APP")
    ts: IsoTime = Field(description="定位时间；早于 1 小时的定位不参与疏散判定")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person_id": "emp-demo-1",
                    "name": "张操作",
                    "phone": "13900000001",
                    "lat": 31.9511,
                    "lon": 120.9051,
                    "enterprise_id": "ent_demo",
                    "source": "badge",
                    "ts": "2026-11-28T08:00:00Z",
                }
            ]
        }
    )


class EvacuationAckIn(Strict):
    person_id: str = Field(pattern=ID)
    enterprise_id: str | None = Field(
        default=None, pattern=ID, description="人员所属企业；企业用户默认本企业，人员编号在多个企业重复时园区用户须填写"
    )

    model_config = ConfigDict(json_schema_extra={"examples": [{"person_id": "emp-demo-1"}]})


class EvacueeOut(Stored):
    person_id: str
    name: str
    phone: str = Field(description="脱敏手机号")
    enterprise_id: str | None
    reasons: list[str] = Field(description="isolation：初始隔离区内；AEGL-2 等：威胁区内")
    text: str = Field(description="发送的疏散指令")
    notified_at: Instant
    acked_at: Instant | None = None
    channels: Loose


class EvacuationOut(Stored):
    incident_id: str
    drill: bool
    started_at: Instant
    targeted: int = Field(description="位于疏散区内的人数")
    notified: int = Field(description="至少一个渠道送达的人数")
    acknowledged: int
    people: list[EvacueeOut]
