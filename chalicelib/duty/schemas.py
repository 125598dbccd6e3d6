"""Duty HTTP contracts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from chalicelib.core.schemas import PHONE_PATTERN, Instant, Schema, Stored, Strict, Window


class DutyPerson(Strict):
    subject: str = Field(min_length=1, max_length=128, description="账号（令牌 sub）")
    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(pattern=PHONE_PATTERN)


class ShiftIn(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    name: str = Field(min_length=1, max_length=20, description="如 早班、中班、夜班")
    start: dt.time = Field(description="本地时间 HH:MM（园区时区），不带时区、不带秒")
    end: dt.time = Field(description="本地时间 HH:MM；不晚于 start 表示跨午夜")

    @field_validator("start", "end")
    @classmethod
    def _local_minute(cls, value: dt.time) -> dt.time:
        """Shifts are park local wall-clock minutes: an offset or seconds would make two readings of one roster."""
        if value.tzinfo is not None:
            raise ValueError("班次时间为园区本地时间，不能带时区")
        if value.second or value.microsecond:
            raise ValueError("班次时间精确到分钟（HH:MM）")
        return value


class AssignmentIn(Strict):
    date: dt.date = Field(description="班次开始的日期（本地）")
    shift_id: str
    officers: list[DutyPerson] = Field(min_length=1, max_length=10, description="值守人员")
    supervisor: DutyPerson = Field(description="值班长")
    safety_head: DutyPerson = Field(description="园区安全负责人")


_PERSON: dict[str, Any] = {"subject": "demo-duty_officer", "name": "张值守", "phone": "13800000011"}


class RosterIn(Strict):
    shifts: list[ShiftIn] = Field(min_length=1, max_length=6)
    assignments: list[AssignmentIn] = Field(default_factory=list, max_length=400)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "shifts": [
                        {"id": "day", "name": "白班", "start": "08:00", "end": "20:00"},
                        {"id": "night", "name": "夜班", "start": "20:00", "end": "08:00"},
                    ],
                    "assignments": [
                        {
                            "date": "2026-11-28",
                            "shift_id": "day",
                            "officers": [_PERSON],
                            "supervisor": {"subject": "demo-commander", "name": "李值班长", "phone": "13800000012"},
                            "safety_head": {"subject": "demo-park_admin", "name": "王安全", "phone": "13800000013"},
                        }
                    ],
                }
            ]
        }
    )


ROSTER_WINDOW_DAYS = 62  # two months of shifts: one DynamoDB query per day, so the window is bounded


class RosterQuery(Strict, Window):
    from_: dt.date = Field(alias="from")
    to: dt.date = Field(description=f"不晚于 from 之后 {ROSTER_WINDOW_DAYS} 天")

    @field_validator("to")
    @classmethod
    def _bounded(cls, to: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("from_")
        if start is not None and (to - start).days > ROSTER_WINDOW_DAYS:
            raise ValueError(f"查询跨度不能超过 {ROSTER_WINDOW_DAYS} 天")
        return to


class CurrentOut(Schema):
    shift_id: str
    shift_name: str
    date: dt.date
    start: dt.time
    end: dt.time
    officers: list[DutyPerson]
    supervisor: DutyPerson
    safety_head: DutyPerson
    next_shift_id: str


class HandoverIn(Strict):
    notes: str = Field(min_length=1, max_length=4000, description="交接事项")

    model_config = ConfigDict(json_schema_extra={"examples": [{"notes": "液氯储罐区氯气报警已处置，持续关注"}]})


class HandoverAckIn(Strict):
    notes: str = Field(default="", max_length=2000)

    model_config = ConfigDict(json_schema_extra={"examples": [{"notes": "已接班，了解遗留事项"}]})


class HandoverOut(Stored):
    model_config = ConfigDict(extra="allow", defer_build=True)
    id: str
    status: str
    from_shift: str
    to_shift: str
    created_by: str
    notes: str
    open_warnings: list[str]
    open_alarms: list[str]
    created_at: Instant
    acked_by: str | None = None
    acked_at: Instant | None = None
