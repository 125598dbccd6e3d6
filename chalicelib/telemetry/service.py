"""Ingest use case: decode and validate an SQS batch, evaluate each tag, commit changes, quarantine the rest.

Tag configurations and quiet states come from the container's caches (`caches`), last values go to the
gateway snapshots (`snapshots`). DynamoDB is written only for condition changes, one bounded snapshot per
gateway and period, and quarantined input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from chalicelib.alarms import dispatch
from chalicelib.alarms import service as alarms
from chalicelib.core import clock, ids
from chalicelib.core.lazy import lazy_module
from chalicelib.core.observability import logger, metrics
from chalicelib.core.settings import get_settings
from chalicelib.telemetry import domain, snapshots
from chalicelib.telemetry.caches import CONTAINER, Caches, Profile, profiles, reload, states
from chalicelib.telemetry.domain import Change, Rejected, TagState

if TYPE_CHECKING:
    from chalicelib.telemetry import store
    from chalicelib.telemetry.domain.wire import Reading
else:
    store = lazy_module("chalicelib.telemetry.store")

QUARANTINE_DAYS = 30


@dataclass
class BatchResult:
    messages: int = 0
    readings: int = 0
    evaluated: int = 0
    quarantined: int = 0
    alarm_events: int = 0
    retry: list[str] = field(default_factory=list)  # SQS message ids to hand back (batchItemFailures)


def _commit(
    profile: Profile, state: TagState, changes: list[Change], readings: Sequence[Reading], c: Caches
) -> list[alarms.EventRecord]:
    """Persist one tag's changes; when another writer moved first, re-evaluate on its state and retry."""
    for _ in range(4):
        try:
            return alarms.commit(profile.context, state, changes)
        except alarms.Contended:
            state = reload(profile.config.tag_id, c)
            changes, dirty = domain.evaluate(profile.config, state, readings)
            if not dirty:
                return []
    raise alarms.Contended()


def ingest(records: list[tuple[str, bytes]], c: Caches = CONTAINER) -> BatchResult:
    """Process one SQS batch of `(message_id, body)`; returns the ids to retry."""
    settings, now = get_settings(), clock.now_ms()
    result = BatchResult()
    batch = domain.decode_batch(records, now, settings.max_reading_age_s * 1000)
    by_tag, rejected = batch.by_tag, batch.rejected
    origin = {tag: batch.origin(tag) for tag in by_tag}
    result.messages, result.readings = len(records), batch.readings
    for gateway_id, (enterprise_id, count) in batch.gateways().items():
        snapshots.gateway(c, enterprise_id, gateway_id)["messages"] += count
    known = profiles(list(by_tag), c)
    for tag_id in list(by_tag):
        profile, (enterprise_id, gateway_id, mids) = known.get(tag_id), origin[tag_id]
        reason = (
            "unknown_tag"
            if profile is None
            else ("foreign_tag" if profile.config.enterprise_id != enterprise_id else None)
        )
        if reason is not None:
            rejected += [
                (enterprise_id, gateway_id, next(iter(mids)), Rejected(reason, tag_id, _raw(r)))
                for r in by_tag.pop(tag_id)
            ]
        elif not profile.in_service:  # type: ignore[union-attr]
            del by_tag[tag_id]  # archived by the rule, not evaluated (out of service)
    for tag_id, readings in by_tag.items():
        snapshots.buffer(c, origin[tag_id][0], origin[tag_id][1], tag_id, readings)
    events: list[alarms.EventRecord] = []
    current = states(list(by_tag), c)
    changed = domain.evaluate_batch(by_tag, {t: (known[t].config, current[t]) for t in by_tag})
    result.evaluated = sum(len(r) for r in by_tag.values())
    for tag_id, changes in changed.items():
        try:
            events += _commit(known[tag_id], current[tag_id], changes, by_tag[tag_id], c)
        except Exception:
            logger.exception("evaluation failed", extra={"tag_id": tag_id})
            c.states.pop(tag_id, None)  # its in-memory state is ahead of the table: re-read it next time
            result.retry += sorted(origin[tag_id][2])
    result.alarm_events = len(events)
    if events:
        try:
            dispatch.dispatch(events)
        except Exception:  # committed events stay pending: the minute sweep dispatches them
            logger.exception("dispatch failed; left to the sweep", extra={"events": len(events)})
    result.quarantined = len(rejected)
    _quarantine(rejected, now)
    snapshots.write(c, now, settings.snapshot_every_s * 1000, rejected)
    result.retry = sorted(set(result.retry))
    metrics.add_metric(name="TelemetryMessages", unit="Count", value=result.messages)
    metrics.add_metric(name="TelemetryReadings", unit="Count", value=result.readings)
    if result.quarantined:
        metrics.add_metric(name="TelemetryQuarantined", unit="Count", value=result.quarantined)
    logger.info(
        "telemetry batch",
        extra={
            "messages": result.messages,
            "readings": result.readings,
            "quarantined": result.quarantined,
            "alarm_events": result.alarm_events,
        },
    )
    return result


def _raw(r: Reading) -> dict[str, Any]:
    return {"tag_id": r.tag_id, "ts": r.ts, "value": r.value, "quality": r.quality}


def _quarantine(rejected: list[tuple[str, str, str, Rejected]], now: int) -> None:
    if not rejected:
        return
    with store.QuarantineModel.batch_write() as batch:
        for enterprise_id, gateway_id, message_id, item in rejected:
            raw = item.raw if isinstance(item.raw, str) else orjson.dumps(item.raw, default=str).decode()
            batch.save(
                store.QuarantineModel(
                    enterprise_id or "_unknown",
                    f"{now:013d}#{ids.ulid()}",
                    received_ms=now,
                    reason=item.reason,
                    gateway_id=gateway_id,
                    tag_id=item.tag_id or "",
                    message_id=message_id,
                    raw=raw[:2000],
                    expires=now // 1000 + QUARANTINE_DAYS * 86400,
                )
            )
