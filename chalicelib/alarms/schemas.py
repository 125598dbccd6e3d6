"""Alarm HTTP contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from chalicelib.alarms.domain import MAX_SHELVE_S, READINGS, State, kpis
from chalicelib.core.clock import to_ms
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Instant, IsoTime, Loose, Priority, Schema, Stored, Strict, Window


@dataclass(frozen=True)
class EventRecord:
    """An alarm event as committed (an outbox entry); what dispatch publishes and subscribers hear of."""

    alarm_id: str
    seq: int
    ts: int
    type: str
    by: str
    alarm: dict[str, Any]  # the alarm as the API shows it (service.public) at this event
    details: dict[str, Any]


CODE_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"  # a stable English code: an event alarm's source and kind


class EventAlarm(Schema):
    """An alarm raised by a discrete event, not by a reading (docs/alarms.md, "Event alarms"): at most one is
    open per (source, key); raising it again while open updates that alarm. `enterprise_id` None: park-owned
    (park roles see it, no enterprise does)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str = Field(pattern=CODE_PATTERN, description="the raising context: access, public_area, patrol...")
    kind: str = Field(pattern=CODE_PATTERN, description="stable English code of the condition, e.g. gate_denied")
    key: str = Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$", description="the condition's identity")
    enterprise_id: str | None
    priority: Priority
    title: str = Field(min_length=1, max_length=200, description="zh-CN one-liner: lists, SMS, notices")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    installation_id: str | None = None
    zone_id: str | None = None
    details: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _event_source(self) -> EventAlarm:
        if self.source == READINGS:
            raise ValueError(f"source {READINGS!r} is the reading alarms' own")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon come together")
        return self


class AlarmFilter(PageQuery, Window):
    enterprise_id: str | None = Field(default=None, description="企业 id；园区自有报警为 _park")
    source: str | None = Field(
        default=None, pattern=CODE_PATTERN, description=f"报警来源：{READINGS}（测点读数）或事件来源，如 access"
    )
    kind: str | None = Field(
        default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{0,39}$", description="报警类别：读数报警的条件（HH…）或事件类别"
    )
    installation_id: str | None = None
    tag_id: str | None = None
    state: State | None = None
    priority: Priority | None = None
    open: bool | None = Field(default=None, description="true: 仅未关闭的报警")
    from_: IsoTime | None = Field(default=None, alias="from")
    to: IsoTime | None = None


class AlarmOut(Stored):
    model_config = ConfigDict(extra="allow")
    id: str
    tag_id: str
    enterprise_id: str
    installation_id: str | None
    area: str
    condition: str
    condition_label: str
    state: State
    priority: Priority
    base_priority: Priority
    active: bool
    acked: bool
    value: float
    limit: float | None
    raised_at: Instant
    shelved_until: Instant | None
    shelved_by: str = Field(default="", description="搁置人（账号）")
    shelve_reason: str = Field(default="", description="搁置原因")
    shelved_at: Instant | None = Field(default=None, description="开始搁置时间")
    source: str = Field(default=READINGS, description=f"报警来源：{READINGS} 为测点读数报警，其余为事件报警")
    kind: str = Field(default="", description="报警类别：读数报警同 condition，事件报警为事件类别")
    key: str = Field(default="", description="事件报警的条件标识（同一来源同一标识最多一条未关闭报警）")
    title: str = Field(default="", description="事件报警标题")
    lat: float | None = None
    lon: float | None = None
    zone_id: str | None = None
    details: dict[str, str] = Field(default_factory=dict, description="事件报警的编码与编号（原因码、道闸编号等）")
    count: int = Field(default=1, description="未关闭期间触发次数")
    last_seen_at: Instant | None = Field(default=None, description="最近一次触发时间")
    acked_at: Instant | None = Field(default=None, description="确认时间")
    rtn_at: Instant | None = Field(default=None, description="恢复正常时间")
    closed_at: Instant | None = Field(default=None, description="关闭时间")
    last_change_at: Instant | None = Field(default=None, description="最近一次状态变化时间")


class AlarmPage(Schema):
    items: list[AlarmOut]
    next_cursor: str | None = None


class AlarmEventOut(Stored):
    """One numbered event of an alarm's history; the event's own fields follow (its `*_ms` as `*_at`)."""

    model_config = ConfigDict(extra="allow")
    seq: int
    ts: Instant
    type: str
    by: str
    until: Instant | None = Field(default=None, description="搁置到期时间（shelved 事件）")


class AlarmDetail(Schema):
    alarm: AlarmOut
    history: list[AlarmEventOut]


class AckIn(Strict):
    comment: str | None = Field(default=None, max_length=500)

    model_config = ConfigDict(json_schema_extra={"examples": [{"comment": "已电话核实，现场正在处置"}]})


class ShelveIn(Strict):
    duration_s: int = Field(
        gt=0, le=MAX_SHELVE_S, description="搁置时长（秒），到期自动恢复；各优先级上限见配置 shelve_max_<priority>_s"
    )
    reason: str = Field(min_length=2, max_length=500, description="搁置原因（审计）")

    model_config = ConfigDict(json_schema_extra={"examples": [{"duration_s": 3600, "reason": "探头标定中"}]})


class CommentIn(Strict):
    text: str = Field(min_length=1, max_length=1000)

    model_config = ConfigDict(json_schema_extra={"examples": [{"text": "巡检人员已到达现场"}]})


class EmptyIn(Strict):
    pass


class CloseIn(Strict):
    comment: str = Field(min_length=2, max_length=500, description="关闭说明（审计）")

    model_config = ConfigDict(json_schema_extra={"examples": [{"comment": "现场核实为误报，已处置完毕"}]})


class KpiQuery(Strict, Window):
    enterprise_id: str | None = None
    area: str | None = Field(default=None, description="区域：重大危险源单元 id（或企业 id）")
    from_: IsoTime = Field(alias="from")
    to: IsoTime = Field(description=f"与 from 相距不超过 {kpis.MAX_WINDOW_DAYS} 天")

    @field_validator("to")
    @classmethod
    def _at_most_max_window(cls, to: datetime, info: ValidationInfo) -> datetime:
        """Bounded work: the KPIs of at most MAX_WINDOW_DAYS (counter rows read per request stay bounded)."""
        start = info.data.get("from_")
        if start is not None and to_ms(to) - to_ms(start) > kpis.MAX_WINDOW_DAYS * kpis.DAY_MS:
            raise ValueError(f"查询时间范围最长 {kpis.MAX_WINDOW_DAYS} 天")
        return to


class LastValue(Schema):
    """The latest known reading of a tag (its time as stored by telemetry, shown as ISO-8601)."""

    ts: Instant
    value: float | None = None
    quality: str | int | None = None


class NearCamera(Schema):
    id: str
    name: str
    ptz: bool
    type_label: str | None = None
    distance_m: float
    location: dict[str, float]


class NearSensor(Schema):
    id: str
    name: str
    kind: str
    unit: str | None = None
    distance_m: float
    current: LastValue | None = None


class AlarmContextOut(Schema):
    """GET /alarms/{id}/context: the alarm, its sensor (as the registry shows it, with its latest reading), what
    is near, the installation's hazards, and the plans and resources the plans port offers."""

    model_config = ConfigDict(extra="allow")
    alarm: AlarmOut
    sensor: Loose | None
    location: dict[str, float] | None = None
    cameras: list[NearCamera] = Field(default_factory=list)
    environment: list[NearSensor] = Field(default_factory=list)
    installation: Loose | None = None

    @field_validator("sensor")
    @classmethod
    def _sensor_reading(cls, sensor: dict[str, Any] | None) -> dict[str, Any] | None:
        current = (sensor or {}).get("current")
        if sensor is None or current is None:
            return sensor
        return {**sensor, "current": LastValue.model_validate(current).model_dump(mode="json")}


class AlarmKpisOut(Schema):
    """GET /alarms/kpis (ISA-18.2 / EEMUA 191 figures over the window); the figures follow `areas`."""

    model_config = ConfigDict(extra="allow", serialize_by_alias=True)
    from_: Instant = Field(alias="from")
    to: Instant = Field(description="不含")
    areas: str | list[str] = Field(description="park，或所选企业/区域")
    total: int
    per_10_min: float
    per_hour: float
    per_day: float
    flood_percent: float
    top10: list[Loose]
    shelved: Loose
