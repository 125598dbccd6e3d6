"""Tag-state persistence and `commit`: a tag's new state and the alarms its changes raise or close, atomically."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from chalicelib.alarms import domain, store
from chalicelib.alarms.domain import Alarm
from chalicelib.alarms.schemas import EventRecord
from chalicelib.alarms.service.records import (
    ConditionChange,
    EvaluatedTag,
    StoredTagState,
    TagContext,
    to_alarm,
)
from chalicelib.alarms.service.staging import Staged
from chalicelib.core import clock, ids


def _stored(item: store.TagStateModel) -> StoredTagState:
    return StoredTagState(
        item.tag_id,
        version=int(item.version or 0),
        last_ts=int(item.last_ts or 0),
        conds=item.conds,
        alarms=item.alarms,
        held=bool(item.held),
    )


def load_states(tag_ids: Iterable[str]) -> dict[str, StoredTagState]:
    """Persisted tag states (BatchGet); tags never written come back empty (version 0)."""
    wanted = list(dict.fromkeys(tag_ids))
    found = {i.tag_id: _stored(i) for i in store.TagStateModel.batch_get(wanted)} if wanted else {}
    return {t: found.get(t) or StoredTagState(t) for t in wanted}


def _state_item(ctx: TagContext, state: EvaluatedTag) -> store.TagStateModel:
    item = store.TagStateModel(
        state.tag_id,
        enterprise_id=ctx.enterprise_id,
        last_ts=state.last_ts,
        conds=state.persisted(),
        alarms=dict(state.alarms),
        held=state.held or None,
    )
    if state.version:
        item.version = state.version
    return item


def _new_alarm(ctx: TagContext, change: ConditionChange, now: int) -> Alarm:
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


def commit(
    ctx: TagContext, state: EvaluatedTag, changes: Sequence[ConditionChange], evaluated: bool = False
) -> list[EventRecord]:
    """Persist a tag's new state and the alarm transitions its changes imply, atomically (bumps `state.version`).

    `evaluated`: the state has just evaluated readings of the sensor in service, so alarms held out of service
    are decided now (domain.holds: normal closes them, abnormal re-alarms)."""
    now, staged = clock.now_ms(), Staged()
    if state.held and evaluated and not ctx.out_of_service:  # decided on the state just evaluated
        _return_to_service(state, staged, now)
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


def _return_to_service(state: EvaluatedTag, staged: Staged, now: int) -> None:
    for condition, alarm_id in list(state.alarms.items()):
        item, alarm = _read_for_update(alarm_id, staged)
        outcome = domain.return_to_service(alarm, now, state.active(condition), state.last_value)
        if outcome.events:
            staged.apply(item, outcome, "system", {"value": state.last_value})
        if outcome.closed:
            state.alarms.pop(condition, None)
    state.held = False


def _read_for_update(alarm_id: str, staged: Staged) -> tuple[store.AlarmModel | None, Alarm]:
    if alarm_id in staged.alarms:
        return staged.alarms[alarm_id]
    item = store.AlarmModel.get(alarm_id, consistent_read=True)
    return item, to_alarm(item)
