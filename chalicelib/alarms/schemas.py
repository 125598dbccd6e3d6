"""Alarm HTTP contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from chalicelib.alarms.domain import MAX_SHELVE_S, State, kpis
from chalicelib.core.clock import to_ms
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Priority, Schema, Strict, Window


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


class AlarmFilter(PageQuery, Window):
    enterprise_id: str | None = None
    installation_id: str | None = None
    tag_id: str | None = None
    state: State | None = None
    priority: Priority | None = None
    open: bool | None = Field(default=None, description="true: 仅未关闭的报警")
    from_: datetime | None = Field(default=None, alias="from")
    to: datetime | None = None


class AlarmOut(Schema):
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
    raised_ms: int
    shelved_until: int | None
    shelved_by: str = Field(default="", description="搁置人（账号）")
    shelve_reason: str = Field(default="", description="搁置原因")
    shelved_ms: int | None = Field(default=None, description="开始搁置时间（epoch ms）")


class AlarmPage(Schema):
    items: list[AlarmOut]
    next_cursor: str | None = None


class AlarmDetail(Schema):
    alarm: AlarmOut
    history: list[dict[str, Any]]


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


class KpiQuery(Strict, Window):
    enterprise_id: str | None = None
    area: str | None = Field(default=None, description="区域：重大危险源单元 id（或企业 id）")
    from_: datetime = Field(alias="from")
    to: datetime = Field(description=f"与 from 相距不超过 {kpis.MAX_WINDOW_DAYS} 天")

    @field_validator("to")
    @classmethod
    def _at_most_max_window(cls, to: datetime, info: ValidationInfo) -> datetime:
        """Bounded work: the KPIs of at most MAX_WINDOW_DAYS (counter rows read per request stay bounded)."""
        start = info.data.get("from_")
        if start is not None and to_ms(to) - to_ms(start) > kpis.MAX_WINDOW_DAYS * kpis.DAY_MS:
            raise ValueError(f"查询时间范围最长 {kpis.MAX_WINDOW_DAYS} 天")
        return to
