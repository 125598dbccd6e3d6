"""Incident HTTP contracts."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import PHONE_PATTERN, Instant, Stored, Strict
from chalicelib.incidents.domain import Level, Status, Type

MAX_LAT = 85.0  # impact zones are computed on a local plane: no incident place nearer a pole than this


class Place(Strict):
    lat: float = Field(ge=-MAX_LAT, le=MAX_LAT)
    lon: float = Field(ge=-180, le=180)
    text: str = Field(default="", max_length=200)


class IntakeIn(Strict):
    """接报 (6.4.2-1): time, place, type, phenomenon, reporter; or a confirmed warning."""

    warning_id: str | None = Field(default=None, description="由已确认预警转入时填写，其余字段从预警带入")
    type: Type = Type.LEAK
    level: Level | None = Field(default=None, description="响应级别 I-IV；由预警转入时按预警颜色确定")
    title: str = Field(default="", max_length=80)
    phenomenon: str = Field(default="", max_length=2000, description="初步现象")
    place: Place | None = None
    enterprise_id: str | None = None
    installation_id: str | None = None
    reporter: str = Field(default="", max_length=40)
    reporter_phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    chemical: str | None = Field(default=None, max_length=40, description="泄漏物质（用于影响范围估算）")
    release_rate_kg_s: float | None = Field(default=None, gt=0, le=10000)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "leak",
                    "level": "II",
                    "title": "液氯储罐区氯气泄漏",
                    "phenomenon": "1#罐区黄绿色气体逸出",
                    "place": {"lat": 31.9512, "lon": 120.9042, "text": "液氯储罐区"},
                    "enterprise_id": "ent_demo",
                    "installation_id": "ins_demo",
                    "reporter": "企业值班员",
                    "chemical": "氯",
                    "release_rate_kg_s": 1.0,
                }
            ]
        }
    )


class DrillIn(Strict):
    scenario: Literal["leak", "fire", "explosion"]
    enterprise_id: str = Field(pattern=ID_PATTERN)
    installation_id: str | None = None
    level: Level = Level.III
    chemical: str | None = Field(default="氯", max_length=40)
    release_rate_kg_s: float = Field(default=0.5, gt=0, le=10000)
    faults: list[dict[str, Any]] = Field(
        default_factory=list, description="注入故障：{kind: device_failure|person_unreachable, ...}"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "scenario": "leak",
                    "enterprise_id": "ent_demo",
                    "installation_id": "ins_demo",
                    "level": "III",
                    "faults": [{"kind": "person_unreachable", "unit": "消防救援站"}],
                }
            ]
        }
    )


class Recipient(Strict):
    name: str = Field(min_length=1, max_length=40)
    role: str = Field(default="", max_length=40)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    subject: str | None = Field(default=None, max_length=128)


class InstructionIn(Strict):
    recipients: list[Recipient] = Field(min_length=1, max_length=50)
    content: str = Field(min_length=2, max_length=1000)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "recipients": [{"name": "园区消防站", "role": "消防", "phone": "13800000021"}],
                    "content": "立即出动两车至液氯储罐区下风向实施水幕稀释",
                }
            ]
        }
    )


class InstructionStatusIn(Strict):
    status: Literal["received", "executing", "done"]
    feedback: str = Field(default="", max_length=2000)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "executing", "feedback": "已到场，正在布设水幕"}]}
    )


class SituationIn(Strict):
    text: str = Field(min_length=2, max_length=2000)

    model_config = ConfigDict(json_schema_extra={"examples": [{"text": "泄漏量减小，下风向 300 m 处浓度 2 ppm"}]})


class UnitAckIn(Strict):
    unit: str = Field(min_length=1, max_length=40)

    model_config = ConfigDict(json_schema_extra={"examples": [{"unit": "园区消防站"}]})


class StandDownIn(Strict):
    summary: str = Field(min_length=2, max_length=2000)

    model_config = ConfigDict(json_schema_extra={"examples": [{"summary": "泄漏已控制，浓度恢复正常，终止应急响应"}]})


class ReleaseIn(Strict):
    level: Literal["red", "orange", "yellow", "blue"]
    impact: str = Field(min_length=2, max_length=1000, description="发布内容要点")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"level": "orange", "impact": "下风向 1 km 内人员请撤离"}]}
    )


class IncidentFilter(PageQuery):
    status: Status | None = None
    drill: bool | None = None


class IncidentOut(Stored):
    model_config = ConfigDict(extra="allow")
    id: str
    status: Status
    type: Type
    level: Level
    title: str
    enterprise_id: str
    drill: bool
    created_at: Instant
