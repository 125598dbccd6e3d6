"""Shared contract pieces: strict base model, time windows, location, priority, contacts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from chalicelib.core.clock import to_ms

PHONE_PATTERN = r"^\+?[0-9]{6,15}$"


class Schema(BaseModel):
    """Base of every contract. Validators are built on first use, not at import (cold start)."""

    model_config = ConfigDict(defer_build=True)


class Strict(Schema):
    """Base of every request body: unknown fields are errors (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Window(BaseModel):
    """Mixin of every query with `from` and `to`: a `to` before `from` is refused, naming `to`, rather than
    answering an empty page that looks like "nothing happened"."""

    model_config = ConfigDict(defer_build=True)

    @field_validator("to", check_fields=False)
    @classmethod
    def _to_not_before_from(cls, to: Any, info: ValidationInfo) -> Any:
        start = info.data.get("from_")
        if to is not None and start is not None and _instant(to) < _instant(start):
            raise ValueError("to 不能早于 from")
        return to


def _instant(value: Any) -> Any:
    """Comparable form of a window bound: a datetime as epoch ms (naive means UTC, as clock.to_ms reads it)."""
    return to_ms(value) if isinstance(value, datetime) else value


class Location(Strict):
    """WGS-84 coordinates."""

    lat: float = Field(ge=-90, le=90, description="纬度")
    lon: float = Field(ge=-180, le=180, description="经度")


class Priority(StrEnum):
    """Alarm priority (ISA-18.2): four levels, escalated one step at a time."""

    LOW = "low"  # 低
    MEDIUM = "medium"  # 中
    HIGH = "high"  # 高
    URGENT = "urgent"  # 紧急

    @property
    def rank(self) -> int:
        return _RANK[self]

    def escalated(self, steps: int = 1) -> Priority:
        order = list(Priority)
        return order[min(len(order) - 1, max(0, self.rank + steps))]

    @property
    def label(self) -> str:
        return _LABEL[self]


_RANK = {p: i for i, p in enumerate(Priority)}
_LABEL = {Priority.LOW: "低", Priority.MEDIUM: "中", Priority.HIGH: "高", Priority.URGENT: "紧急"}


class Contact(Strict):
    """A person who receives SMS for alarms at or above `min_priority` (指定管理人员)."""

    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(pattern=PHONE_PATTERN, description="手机号，E.164 或国内 11 位")
    title: str = Field(default="", max_length=40, description="职务，如 安全总监、包保责任人")
    min_priority: Priority = Field(default=Priority.HIGH, description="接收短信的最低报警优先级")
