"""Shared contract pieces: strict base model, time windows, location, priority, contacts."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from chalicelib.core.clock import from_ms, iso, to_ms

# E.164 with its country code (at most 15 digits), or a domestic number the SMS adapter prefixes with +86.
PHONE_PATTERN = r"^(\+[1-9][0-9]{5,14}|[0-9]{6,13})$"


class Schema(BaseModel):
    """Base of every contract. Validators are built on first use, not at import (cold start)."""

    model_config = ConfigDict(defer_build=True)


class Strict(Schema):
    """Base of every request body: unknown fields are errors (a typo must not be silently ignored), and every number
    is one DynamoDB can store."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable_numbers(cls, value: Any) -> Any:
        # 5e-324 passes `gt=0`, and the PutItem after it failed with a 500 (found by the fuzzer); NaN and infinities
        # neither compare nor store.
        if not storable(value):
            raise PydanticCustomError("number_unstorable", "Number out of the storable range")
        return value


def storable(value: Any) -> bool:
    """Within DynamoDB's number range (a float 0 or of magnitude from 1e-130 below 1e126; an int of at most 38
    digits), at any depth of lists and maps."""
    if isinstance(value, float):
        return value == 0 or 1e-130 <= abs(value) < 1e126
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) < 10**38
    if isinstance(value, list | tuple | set | frozenset):
        return all(storable(v) for v in value)
    if isinstance(value, dict):
        return all(storable(v) for v in value.values())
    return True


def _stored_ms(value: Any) -> Any:
    """The store keeps instants as epoch ms: an int read back from it becomes an aware UTC datetime here."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return from_ms(int(value))
    return value


def _iso_only(value: Any) -> Any:
    """Clients send ISO-8601 with an offset; pydantic would also read a number (or a numeric string) as a Unix
    time, which is the second time format the API no longer speaks (docs/adr/0007-api-conventions.md)."""
    if (isinstance(value, int | float) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit()
    ):
        raise PydanticCustomError("datetime_iso", "Input should be an ISO-8601 datetime with a UTC offset")
    return value


_DATE_TIME = {"type": "string", "format": "date-time"}

# An instant in a response: ISO-8601 in UTC with millisecond precision and a Z suffix (core.clock.iso), the one
# output form of the API. Validation also takes the store's epoch ms, so the conversion happens at this edge.
Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_stored_ms),
    PlainSerializer(lambda value: iso(to_ms(value)), return_type=str, when_used="json"),
    WithJsonSchema(_DATE_TIME, mode="serialization"),
]

# An instant in a request body or query: ISO-8601 with a UTC offset (`2026-12-03T09:30:00+08:00` or `...Z`).
IsoTime = Annotated[AwareDatetime, BeforeValidator(_iso_only), WithJsonSchema(_DATE_TIME, mode="validation")]


class Stored(Schema):
    """Base of a response read from stored items, which keep instants as epoch ms named `x_ms`: each arrives here
    as `x_at` in ISO-8601 (declared as Instant, or passed through as an allowed extra), so the store and the
    events built from it keep their ms and the API shows one time format (docs/adr/0007-api-conventions.md)."""

    @model_validator(mode="before")
    @classmethod
    def _iso_times(cls, data: Any) -> Any:
        # Declared fields: this level only (nested models convert their own, maps keyed by codes stay as they
        # are); undeclared extras, shown as stored, at any depth.
        shallow = iso_tree(data, deep=False)
        if not isinstance(shallow, dict):
            return shallow
        return {k: v if k in cls.model_fields else iso_tree(v) for k, v in shallow.items()}


# Stored durations keep their ms (a window, a delay): only instants become ISO-8601.
_DURATION = re.compile(r"(after|delay|window|period|age|horizon|break|every|fresh|soft|older_than|max|hour)_ms$")


def iso_tree(data: Any, deep: bool = True) -> Any:
    """A stored item (or a part of one) as the API shows it: each instant `x_ms` becomes `x_at` (`at_ms` `at`) in
    ISO-8601 and a numeric `ts` an ISO-8601 `ts`, at any depth if `deep`; everything else, durations in ms
    included, is unchanged."""
    if isinstance(data, list):
        return [iso_tree(item) for item in data] if deep else data
    if not isinstance(data, dict):
        return data
    out: dict[Any, Any] = {}
    for key, value in data.items():
        instant = isinstance(key, str) and key.endswith("_ms") and not _DURATION.search(key)
        if instant and (_number(value) or value is None):
            name = key[:-3] if key[:-3] in ("at", "ts") else key[:-3] + "_at"
            out.setdefault(name, iso(int(value)) if value is not None else None)
        elif key == "ts" and _number(value):
            out[key] = iso(int(value))
        else:
            out.setdefault(key, iso_tree(value) if deep else value)
    return out


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# A part of a response the model does not declare field by field (`dict[str, Any]`), its instants as ISO-8601.
Loose = Annotated[dict[str, Any], BeforeValidator(iso_tree)]


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


class Record(Schema):
    """A stored item or summary as its service shapes it, its fields not (yet) declared one by one: still an
    object in OpenAPI, and its `*_ms` shown as ISO `*_at` at any depth. Prefer a declared model for new routes."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _iso_times(cls, data: Any) -> Any:
        return iso_tree(data)
