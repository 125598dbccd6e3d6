"""Alarm use cases: commit evaluation changes atomically with tag state, operator actions, queries.

Every write is one DynamoDB transaction conditioned on the versions read (tag state and alarm), so two
concurrent evaluators or an evaluator and an operator never lose an update nor raise a duplicate
alarm: the loser gets `Contended`, reloads and re-applies.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from pynamodb.exceptions import DoesNotExist

from chalicelib.alarms import domain
from chalicelib.alarms.domain import Alarm, Event, Outcome
from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import Identity
from chalicelib.core.lazy import lazy_module
from chalicelib.core.schemas import Priority
from chalicelib.core.store import get_or_404, is_conditional_failure, transaction
from chalicelib.telemetry.domain import Change, Cond, TagState

if TYPE_CHECKING:
    from chalicelib.alarms import store
else:
    store = lazy_module("chalicelib.alarms.store")


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


def _alarm_item(a: Alarm, item: store.AlarmModel | None) -> store.AlarmModel:
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


def state_from_item(item: store.TagStateModel) -> TagState:
    conds = {c: Cond.from_dict(d) for c, d in item.conds_map().items()}
    return TagState(
        item.tag_id,
        version=int(item.version or 0),
        last_ts=int(item.last_ts or 0),
        conds=conds,
        alarms=item.alarms_map(),
    )


def load_states(tag_ids: Iterable[str]) -> dict[str, TagState]:
    """Persisted tag states (BatchGet); tags never written come back as fresh states."""
    wanted = list(dict.fromkeys(tag_ids))
    found = {i.tag_id: state_from_item(i) for i in store.TagStateModel.batch_get(wanted)} if wanted else {}
    return {t: found.get(t) or TagState(t) for t in wanted}


def _state_item(ctx: TagContext, state: TagState) -> store.TagStateModel:
    item = store.TagStateModel(
        state.tag_id,
        enterprise_id=ctx.enterprise_id,
        last_ts=state.last_ts,
        conds=orjson.dumps(state.persisted()).decode(),
        alarms=orjson.dumps(state.alarms).decode(),
    )
    if state.version:
        item.version = state.version
    return item


# --- committing ----------------------------------------------------------------------------------


class _Staged:
    """Alarms touched in one commit (with the item they were read from) and the events to record."""

    def __init__(self) -> None:
        self.alarms: dict[str, tuple[store.AlarmModel | None, Alarm]] = {}
        self.pending: list[tuple[str, Event, str, dict[str, Any]]] = []

    def apply(self, item: store.AlarmModel | None, outcome: Outcome, by: str, details: dict[str, Any]) -> None:
        read = self.alarms.get(outcome.alarm.id, (item, outcome.alarm))[0]
        self.alarms[outcome.alarm.id] = (read, outcome.alarm)
        self.pending += [(outcome.alarm.id, e, by, details) for e in outcome.events]

    def alarm(self, alarm_id: str) -> Alarm:
        return self.alarms[alarm_id][1]

    def write(self, now: int, tag_state: store.TagStateModel | None = None) -> list[EventRecord]:
        """One transaction: tag state, alarms (version-checked), events (numbered per alarm)."""
        records: list[EventRecord] = []
        for alarm_id, (item, alarm) in list(self.alarms.items()):
            seq = int(alarm.extra.get("events", 0))
            mine = [p for p in self.pending if p[0] == alarm_id]
            final = dataclasses.replace(alarm, extra={**alarm.extra, "events": seq + len(mine)})
            self.alarms[alarm_id] = (item, final)
            view = public(final)
            records += [
                EventRecord(alarm_id, seq + n, now, e.value, by, view, details)
                for n, (_, e, by, details) in enumerate(mine, start=1)
            ]
        try:
            with transaction() as tx:
                if tag_state is not None:
                    tx.save(tag_state)
                for item, alarm in self.alarms.values():
                    tx.save(_alarm_item(alarm, item))
                for r in records:
                    tx.save(
                        store.AlarmEventModel(
                            r.alarm_id,
                            r.seq,
                            ts=r.ts,
                            type=r.type,
                            by=r.by,
                            enterprise_id=r.alarm["enterprise_id"],
                            area=r.alarm["area"],
                            pending="1",
                            doc=orjson.dumps(
                                {**r.details, "priority": r.alarm["priority"], "state": r.alarm["state"]}
                            ).decode(),
                        ),
                        condition=store.AlarmEventModel.seq.does_not_exist(),
                    )
        except Exception as exc:
            if is_conditional_failure(exc):
                raise Contended() from exc
            raise
        return records


def _new_alarm(ctx: TagContext, change: Change, now: int) -> Alarm:
    priority = domain.condition_priority(ctx.priority, change.condition)
    return Alarm(
        id=ids.new_id("alm"),
        tag_id=ctx.tag_id,
        enterprise_id=ctx.enterprise_id,
        installation_id=ctx.installation_id,
        area=ctx.area,
        condition=change.condition,
        base_priority=priority,
        priority=priority,
        raised_ms=change.ts,
        value=change.value,
        limit=change.limit,
        detail=change.detail,
        latching=ctx.latching,
        suppressed=ctx.suppressed,
        out_of_service=ctx.out_of_service,
        last_change_ms=now,
        extra=dict(ctx.labels),
        last_notified_ms=now,
        notify_count=1,
    )


def commit(ctx: TagContext, state: TagState, changes: list[Change]) -> list[EventRecord]:
    """Persist a tag's new state and the alarm transitions its changes imply, atomically."""
    now, staged = clock.now_ms(), _Staged()
    for change in changes:
        alarm_id = state.alarms.get(change.condition)
        details = {"value": change.value, "limit": change.limit, "detail": change.detail}
        if alarm_id is not None:
            item, alarm = _read_for_update(alarm_id, staged)
            outcome = domain.on_condition(alarm, change.kind == "activated", now, change.value)
        elif change.kind == "activated":
            item, outcome = None, domain.raise_new(_new_alarm(ctx, change, now))
            state.alarms[change.condition] = outcome.alarm.id
        else:
            continue  # a condition cleared whose alarm was already closed (e.g. shelved then RTN)
        staged.apply(item, outcome, "system", details)
        if outcome.closed:
            state.alarms.pop(change.condition, None)
    events = staged.write(now, _state_item(ctx, state))
    state.version += 1
    return events


def _read_for_update(alarm_id: str, staged: _Staged) -> tuple[store.AlarmModel | None, Alarm]:
    if alarm_id in staged.alarms:
        return staged.alarms[alarm_id]
    item = store.AlarmModel.get(alarm_id, consistent_read=True)
    return item, to_alarm(item)


# --- operator actions ----------------------------------------------------------------------------


def load(alarm_id: str, who: Identity) -> tuple[store.AlarmModel, Alarm]:
    item = get_or_404(store.AlarmModel, alarm_id, field="alarm_id")
    alarm = to_alarm(item)
    if not who.can_see(alarm.enterprise_id):
        raise errors.NOT_FOUND(details={"alarm_id": alarm_id})
    return item, alarm


def act(alarm_id: str, who: Identity, action: str, **kw: Any) -> tuple[Alarm, list[EventRecord]]:
    """Apply an operator action (ack, shelve, unshelve, reset, comment) and record who did it."""
    for _ in range(5):
        item, alarm = load(alarm_id, who)
        now = clock.now_ms()
        if action == "ack":
            outcome = domain.acknowledge(alarm, now, who.subject)
        elif action == "shelve":
            outcome = domain.shelve(alarm, now, kw["duration_s"], kw["reason"])
        elif action == "unshelve":
            outcome = domain.unshelve(alarm, now)
        elif action == "reset":
            outcome = domain.reset(alarm, now)
        else:
            outcome = Outcome(alarm, (Event.COMMENTED,))
        staged = _Staged()
        staged.apply(item, outcome, who.subject, {k: v for k, v in kw.items() if v is not None})
        try:
            events = staged.write(now, _closing_tag_state(alarm, outcome))
            return staged.alarm(alarm_id), events
        except Contended:
            continue
    raise errors.CONFLICT(details={"alarm_id": alarm_id})


def _closing_tag_state(before: Alarm, outcome: Outcome) -> store.TagStateModel | None:
    """When an action closes an alarm, the tag state's open-alarm slot is freed in the same transaction."""
    if not outcome.closed:
        return None
    try:
        item = store.TagStateModel.get(before.tag_id, consistent_read=True)
    except DoesNotExist:
        return None
    slots = item.alarms_map()
    if slots.get(before.condition) == before.id:
        slots.pop(before.condition)
        item.alarms = orjson.dumps(slots).decode()
        return item
    return None


def transition(alarm_id: str, fn: Any) -> list[EventRecord]:
    """System transition from a sweep (escalate, re-notify, shelve expiry); skipped if nothing to do."""
    for _ in range(5):
        item = store.AlarmModel.get(alarm_id, consistent_read=True)
        alarm = to_alarm(item)
        outcome: Outcome = fn(alarm, clock.now_ms())
        if not outcome.events:
            return []
        staged = _Staged()
        staged.apply(item, outcome, "system", {})
        try:
            return staged.write(clock.now_ms(), _closing_tag_state(alarm, outcome))
        except Contended:
            continue
    return []


# --- queries -------------------------------------------------------------------------------------


def history(alarm_id: str) -> list[dict[str, Any]]:
    return [
        {"seq": int(e.seq), "ts": int(e.ts), "type": e.type, "by": e.by, **orjson.loads(e.doc)}
        for e in store.AlarmEventModel.query(alarm_id, scan_index_forward=True)
    ]


def open_alarms(installation_id: str | None = None) -> list[Alarm]:
    if installation_id is not None:
        items = store.AlarmModel.by_installation.query(
            installation_id, filter_condition=store.AlarmModel.open_key == store.OPEN
        )
    else:
        items = store.AlarmModel.by_open.query(store.OPEN)
    return [to_alarm(i) for i in items]


def get_alarm(alarm_id: str) -> Alarm:
    return to_alarm(store.AlarmModel.get(alarm_id, consistent_read=True))
