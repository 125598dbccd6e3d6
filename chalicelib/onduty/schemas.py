"""On-duty HTTP contracts: key posts with their shifts, rosters per date and shift, check-ins, the status view."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import PHONE_PATTERN, Location, Loose, Schema, Strict, Window
from chalicelib.onduty.domain import PostKind

ROSTER_WINDOW_DAYS = 62  # at most two months of a roster per request or query
_SHIFT_ID = r"^[a-z][a-z0-9_-]{0,31}$"
_DAY = dt.date(2026, 12, 7)  # the examples' roster date (a Monday)


class ShiftIn(Strict):
    id: str = Field(pattern=_SHIFT_ID)
    name: str = Field(min_length=1, max_length=20, description="如 白班、夜班、常白班")
    start: dt.time = Field(description="本地时间 HH:MM（园区时区），不带时区、不带秒")
    end: dt.time = Field(description="本地时间 HH:MM；不晚于 start 表示跨午夜（相等为 24 小时）")
    days: list[int] = Field(
        default=[1, 2, 3, 4, 5, 6, 7], min_length=1, max_length=7, description="班次开始的星期（ISO：1=周一…7=周日）"
    )

    @field_validator("start", "end")
    @classmethod
    def _local_minute(cls, value: dt.time) -> dt.time:
        """Shifts are park local wall-clock minutes, as the duty roster's are."""
        if value.tzinfo is not None:
            raise ValueError("班次时间为园区本地时间，不能带时区")
        if value.second or value.microsecond:
            raise ValueError("班次时间精确到分钟（HH:MM）")
        return value

    @field_validator("days")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if any(d < 1 or d > 7 for d in value) or len(set(value)) != len(value):
            raise ValueError("星期取值 1-7，且不能重复")
        return sorted(value)


_POST_EXAMPLE: dict[str, Any] = {
    "enterprise_id": "ent_demo",
    "name": "液氯储罐区当班班长",
    "kind": "shift_leader",
    "installation_id": "ins_demo",
    "min_present": 1,
    "shifts": [
        {"id": "day", "name": "白班", "start": "08:00", "end": "20:00"},
        {"id": "night", "name": "夜班", "start": "20:00", "end": "08:00"},
    ],
}


class PostIn(Strict):
    """关键岗位: who must be on site during each shift. A shift leader's post belongs to an installation."""

    enterprise_id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=80)
    kind: PostKind = Field(description="主要负责人/安全管理人员/重大危险源岗位班组长/关键岗位操作人员")
    installation_id: str | None = Field(
        default=None, pattern=ID_PATTERN, validate_default=True, description="所属重大危险源单元"
    )
    min_present: int = Field(default=1, ge=1, le=20, description="本岗位每班至少在岗人数")
    shifts: list[ShiftIn] = Field(min_length=1, max_length=6)

    model_config = ConfigDict(json_schema_extra={"examples": [_POST_EXAMPLE]})

    @field_validator("installation_id")
    @classmethod
    def _leader_has_installation(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A shift leader's post is the one of a major hazard installation (重大危险源岗位班组长)."""
        if info.data.get("kind") == PostKind.SHIFT_LEADER and not value:
            raise ValueError("重大危险源岗位班组长须指定所属重大危险源单元")
        return value


class PostOut(Schema):
    id: str
    enterprise_id: str
    name: str
    kind: PostKind
    installation_id: str | None = None
    min_present: int
    shifts: list[Loose]
    created_at: dt.datetime
    updated_at: dt.datetime


class PostFilter(PageQuery):
    enterprise_id: str | None = Field(default=None, pattern=ID_PATTERN)


class RosterPerson(Strict):
    person_id: str = Field(pattern=ID_PATTERN, description="企业人员编号（与人员定位的 person_id 相同）")
    name: str = Field(min_length=1, max_length=40)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    subject: str | None = Field(default=None, min_length=1, max_length=128, description="本人账号（令牌 sub）")


class AssignmentIn(Strict):
    date: dt.date = Field(description="班次开始的日期（园区本地）")
    shift_id: str = Field(pattern=_SHIFT_ID)
    people: list[RosterPerson] = Field(min_length=1, max_length=20)


class RosterIn(Strict):
    assignments: list[AssignmentIn] = Field(min_length=1, max_length=2 * ROSTER_WINDOW_DAYS)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "assignments": [
                        {
                            "date": _DAY.isoformat(),
                            "shift_id": "day",
                            "people": [{"person_id": "emp-101", "name": "赵班长", "phone": "13900000101"}],
                        }
                    ]
                }
            ]
        }
    )


class AssignmentOut(Schema):
    post_id: str
    date: dt.date
    shift_id: str
    people: list[Loose]
    updated_at: dt.datetime


class RosterQuery(PageQuery, Window):
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None


class CheckInIn(Strict):
    """签到 by the person or for them by the enterprise (or an access system), at the post's site."""

    post_id: str = Field(pattern=ID_PATTERN)
    person_id: str = Field(pattern=ID_PATTERN)
    location: Location = Field(description="签到位置（须在岗位所在区域内）")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"post_id": "pst_demo", "person_id": "emp-101", "location": {"lat": 31.9511, "lon": 120.9051}}]
        }
    )


class CheckInOut(Schema):
    id: str
    enterprise_id: str
    post_id: str
    person_id: str
    name: str
    date: dt.date
    shift_id: str
    location: dict[str, float]
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None = None
    by: str
    self_reported: bool


class CheckInFilter(PageQuery):
    enterprise_id: str | None = Field(default=None, pattern=ID_PATTERN)
    post_id: str | None = Field(default=None, pattern=ID_PATTERN)


class StatusQuery(Strict):
    enterprise_id: str | None = Field(default=None, pattern=ID_PATTERN, description="园区用户必填；企业用户为本企业")


class OnDutyPerson(Schema):
    person_id: str
    name: str
    present: bool
    via: str | None = Field(default=None, description="check_in 签到 / position 定位")
    since: dt.datetime | None = None


class ShiftNow(Schema):
    id: str
    name: str
    date: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime


class PostStatus(Schema):
    post_id: str
    name: str
    kind: PostKind
    installation_id: str | None = None
    state: str = Field(description="present 在岗 / vacant 空岗 / off_shift 非班次时间")
    shift: ShiftNow | None = None
    on_duty: list[OnDutyPerson] = Field(default_factory=list)
    vacant_since: dt.datetime | None = None
    alarm: bool = Field(default=False, description="空岗超过宽限时间（已报警）")


class StatusOut(Schema):
    enterprise_id: str
    at: dt.datetime
    posts: list[PostStatus]
