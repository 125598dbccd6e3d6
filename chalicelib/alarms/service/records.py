"""Alarm records: the tag context, committed events, `Contended`, and alarms read back from their items."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import orjson

from chalicelib.alarms import domain, store
from chalicelib.alarms.domain import Alarm
from chalicelib.core.schemas import Priority


class Contended(Exception):
    """A concurrent writer changed the tag state or alarm first; reload and retry."""


@dataclass(frozen=True)
class TagContext:
    """What the alarm engine needs to know about a tag when it raises an alarm."""

    tag_id: str
    enterprise_id: str
    installation_id: str | None
    area: str
    priority: Priority
    latching: bool = False
    suppressed: bool = False  # installation under maintenance
    out_of_service: bool = False
    labels: dict[str, Any] = field(default_factory=dict)  # names and unit, for messages


@dataclass(frozen=True)
class EventRecord:
    """An alarm event as committed; what dispatch publishes."""

    alarm_id: str
    seq: int
    ts: int
    type: str
    by: str
    alarm: dict[str, Any]
    details: dict[str, Any]


# --- conversions ----------------------------------------------------------------------------------


def to_alarm(item: store.AlarmModel) -> Alarm:
    data = orjson.loads(item.doc)
    data["base_priority"], data["priority"] = Priority(data["base_priority"]), Priority(data["priority"])
    return Alarm(**data, version=int(item.version or 0))


def alarm_item(a: Alarm, item: store.AlarmModel | None) -> store.AlarmModel:
    data = {k: v for k, v in dataclasses.asdict(a).items() if k != "version"}
    item = item or store.AlarmModel(a.id)
    item.enterprise_id, item.installation_id, item.tag_id = a.enterprise_id, a.installation_id, a.tag_id
    item.raised_ms, item.state, item.priority, item.condition = (
        a.raised_ms,
        a.state.value,
        a.priority.value,
        a.condition,
    )
    item.open_key = None if a.closed else store.OPEN
    item.doc = orjson.dumps(data).decode()
    return item


def public(a: Alarm) -> dict[str, Any]:
    """The alarm as the API and messages show it."""
    data = {k: v for k, v in dataclasses.asdict(a).items() if k not in ("extra",)}
    return {
        **data,
        **a.extra,
        "state": a.state.value,
        "condition_label": domain.CONDITION_LABEL.get(a.condition, a.condition),
    }
