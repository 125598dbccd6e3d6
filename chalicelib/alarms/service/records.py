"""Alarm records: what the engine takes (tag context, the evaluator's state and changes) and gives back
(committed events, stored tag states, `Contended`), and alarms read back from their items.

The evaluator's own types live in the telemetry context; the engine names only what it uses of them
(`EvaluatedTag`, `ConditionChange`), so the alarm context imports no telemetry module."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Protocol

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


class ConditionChange(Protocol):
    """A condition transition of one tag, as the evaluator reports it."""

    @property
    def condition(self) -> str: ...
    @property
    def kind(self) -> str: ...  # activated | cleared
    @property
    def ts(self) -> int: ...
    @property
    def value(self) -> float: ...
    @property
    def limit(self) -> float | None: ...
    @property
    def detail(self) -> float | None: ...


class EvaluatedTag(Protocol):
    """The evaluator's state of one tag as the engine persists it; `commit` updates `alarms` and `version`."""

    tag_id: str
    version: int
    last_ts: int
    alarms: dict[str, str]  # condition -> open alarm id
    held: bool  # its alarms are out of service until an evaluated reading decides (commit clears it)

    def persisted(self) -> dict[str, Any]: ...  # condition -> the evaluator's own record of it
    def active(self, condition: str) -> bool: ...  # the condition is active as last evaluated
    @property
    def last_value(self) -> float | None: ...


@dataclass(frozen=True)
class StoredTagState:
    """A tag state as stored (version 0: never written); the evaluator rebuilds its state from it."""

    tag_id: str
    version: int = 0
    last_ts: int = 0
    conds: dict[str, dict[str, Any]] = field(default_factory=dict)
    alarms: dict[str, str] = field(default_factory=dict)
    held: bool = False


# --- conversions ----------------------------------------------------------------------------------


def to_alarm(item: store.AlarmModel) -> Alarm:
    data = item.doc
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
    item.source = a.source
    item.open_key = None if a.closed else store.OPEN
    item.open_installation = None if a.closed else a.installation_id
    item.open_enterprise = None if a.closed else a.enterprise_id
    item.doc = data
    return item


@dataclass(frozen=True)
class AlarmSummary:
    """An open alarm as the risk context lists it under an installation's colour (`active_alarms`)."""

    id: str
    tag_id: str
    condition: str
    priority: Priority
    state: str

    def public(self) -> dict[str, Any]:
        """The summary as `GET /risk/installations/{id}` and the live channel's risk message show it."""
        return {
            "id": self.id,
            "tag_id": self.tag_id,
            "condition": self.condition,
            "priority": self.priority.value,
            "state": self.state,
        }


def summary(a: Alarm) -> AlarmSummary:
    return AlarmSummary(id=a.id, tag_id=a.tag_id, condition=a.condition, priority=a.priority, state=a.state.value)


def public(a: Alarm) -> dict[str, Any]:
    """The alarm as the API and messages show it."""
    data = {k: v for k, v in dataclasses.asdict(a).items() if k not in ("extra",)}
    return {
        **data,
        **{k: v for k, v in a.extra.items() if k != "annunciated_ms"},  # kept for the KPI counters only
        "state": a.state.value,
        "kind": a.condition,
        "condition_label": a.title if a.is_event else domain.CONDITION_LABEL.get(a.condition, a.condition),
    }
