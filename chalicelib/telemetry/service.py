"""Ingest use case: decode and validate an SQS batch, check each message's gateway, evaluate each tag, commit
changes, quarantine the rest.

Tag configurations and quiet states come from the container's caches (`caches`), last values go to the
gateway snapshots (`snapshots`). DynamoDB is written only for condition changes, one bounded snapshot per
gateway and period, and quarantined input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.alarms import service as alarms
from chalicelib.core import clock
from chalicelib.core.identity import Identity
from chalicelib.core.observability import logger, metrics
from chalicelib.core.settings import get_settings
from chalicelib.telemetry import domain, mapping, quarantine, snapshots
from chalicelib.telemetry.caches import CONTAINER, Caches, Profile, owners, profiles, reload, states
from chalicelib.telemetry.domain import Batch, Change, Rejected, TagState
from chalicelib.telemetry.domain.quarantine import SAMPLE_CHARS

if TYPE_CHECKING:
    from chalicelib.telemetry.domain.wire import Reading


@dataclass
class BatchResult:
    """What became of a batch: every reading sent is evaluated, quarantined or set aside (out of service)."""

    messages: int = 0
    sent: int = 0  # readings received (a message that is not a list of readings counts as one)
    evaluated: int = 0
    quarantined: int = 0
    set_aside: int = 0  # readings of out-of-service sensors: archived by the rule, not evaluated
    alarm_events: int = 0
    retry: list[str] = field(default_factory=list)  # SQS message ids to hand back (batchItemFailures)


def _commit(
    profile: Profile, state: TagState, changes: list[Change], readings: Sequence[Reading], c: Caches
) -> list[alarms.EventRecord]:
    """Persist one tag's changes; when another writer moved first, re-evaluate on its state and retry."""
    for _ in range(4):
        try:
            return alarms.commit(profile.context, state, changes, evaluated=True)
        except alarms.Contended:
            state = reload(profile.config.tag_id, c)
            changes, dirty = domain.evaluate(profile.config, state, readings)
            if not dirty and not state.held:
                return []
    raise alarms.Contended()


def ingest(records: list[tuple[str, bytes]], c: Caches = CONTAINER) -> BatchResult:
    """Process one SQS batch of `(message_id, body)`; returns the ids to retry."""
    settings, now = get_settings(), clock.now_ms()
    result = BatchResult()
    batch = domain.decode_batch(records, now, settings.max_reading_age_s * 1000)
    batch, refused = _admitted(records, batch, now, settings.max_reading_age_s * 1000, c)
    by_tag, rejected = batch.by_tag, batch.rejected + refused
    origin = {tag: batch.origin(tag) for tag in by_tag}
    result.messages, result.sent = len(records), batch.sent + sum(item.count for *_, item in refused)
    for gateway_id, (enterprise_id, count) in batch.gateways().items():
        snapshots.gateway(c, enterprise_id, gateway_id)["messages"] += count
    known = profiles(list(by_tag), c)
    for tag_id in list(by_tag):
        profile, enterprise_id = known.get(tag_id), origin[tag_id][0]
        reason = (
            "unknown_tag"
            if profile is None
            else ("foreign_tag" if profile.config.enterprise_id != enterprise_id else None)
        )
        if reason is not None:
            rejected += _refused(reason, tag_id, by_tag.pop(tag_id), origin[tag_id])
        elif not profile.in_service:  # type: ignore[union-attr]
            result.set_aside += len(by_tag.pop(tag_id))  # archived by the rule, not evaluated (out of service)
    for tag_id, readings in by_tag.items():
        snapshots.buffer(c, origin[tag_id][0], origin[tag_id][1], tag_id, readings)
    events: list[alarms.EventRecord] = []
    current = states(list(by_tag), c)
    changed = _evaluate(by_tag, known, current, origin, rejected, c)
    for tag_id in [t for t in by_tag if current[t].held and t not in changed]:
        changed[tag_id] = []  # back in service with alarms held out of service: this reading decides them
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
            alarms.dispatch(events)
        except Exception:  # committed events stay pending: the minute sweep dispatches them
            logger.exception("dispatch failed; left to the sweep", extra={"events": len(events)})
    result.quarantined = sum(item.count for *_, item in rejected)
    quarantine.record(rejected, now)
    snapshots.write(c, now, settings.snapshot_every_s * 1000, rejected)
    result.retry = sorted(set(result.retry))
    metrics.add_metric(name="TelemetryMessages", unit="Count", value=result.messages)
    metrics.add_metric(name="TelemetryReadings", unit="Count", value=result.sent)
    if result.quarantined:
        metrics.add_metric(name="TelemetryQuarantined", unit="Count", value=result.quarantined)
    logger.info(
        "telemetry batch",
        extra={
            "messages": result.messages,
            "readings": result.sent,
            "evaluated": result.evaluated,
            "quarantined": result.quarantined,
            "set_aside": result.set_aside,
            "alarm_events": result.alarm_events,
            "retry": len(result.retry),
        },
    )
    return result


def _admitted(
    records: list[tuple[str, bytes]], batch: Batch, now: int, max_age_ms: int, c: Caches
) -> tuple[Batch, list[tuple[str, str, str, Rejected]]]:
    """Per message, never per reading: its gateway must be registered for the topic's enterprise (the device
    policy pins the topic; this holds even when a thing attribute or the registry is wrong). A message from an
    unknown gateway or another enterprise's is quarantined whole and nothing of it is evaluated. The batch is
    decoded again without them only then, which is the rare case."""
    known = owners({g for _, _, g in batch.messages if g}, c)
    refused = {
        mid: ("unknown_gateway" if known[g] is None else "foreign_gateway", enterprise, g)
        for mid, enterprise, g in batch.messages
        if g and known[g] != enterprise
    }
    if not refused:
        return batch, []
    logger.warning(
        "telemetry from a gateway not registered for the topic's enterprise",
        extra={"refused": [{"gateway_id": g, "enterprise_id": e, "reason": r} for r, e, g in refused.values()]},
    )
    out = []
    for message_id, body in records:
        if message_id in refused:
            reason, enterprise, gateway = refused[message_id]
            carried = domain.decode_batch([(message_id, body)], now, max_age_ms).sent
            raw = body[:SAMPLE_CHARS].decode(errors="replace")
            out.append((enterprise, gateway, message_id, Rejected(reason, raw=raw, count=carried)))
    kept = [r for r in records if r[0] not in refused]
    return domain.decode_batch(kept, now, max_age_ms), out


def _evaluate(
    by_tag: dict[str, Sequence[Reading]],
    known: dict[str, Profile],
    current: dict[str, TagState],
    origin: dict[str, tuple[str, str, set[str]]],
    rejected: list[tuple[str, str, str, Rejected]],
    c: Caches,
) -> dict[str, list[Change]]:
    """All tags at once; should that ever raise, tag by tag, so one tag's readings cannot fail the batch
    (they are quarantined as evaluation_failed and the error is logged for the operations team)."""
    try:
        return domain.evaluate_batch(by_tag, {t: (known[t].config, current[t]) for t in by_tag})
    except Exception:
        logger.exception("batch evaluation failed; evaluating tag by tag", extra={"tags": len(by_tag)})
    changed: dict[str, list[Change]] = {}
    for tag_id in list(by_tag):
        c.states.pop(tag_id, None)
        try:
            state = states([tag_id], c)[tag_id]
            current[tag_id] = state
            changed.update(domain.evaluate_batch({tag_id: by_tag[tag_id]}, {tag_id: (known[tag_id].config, state)}))
        except Exception:
            logger.exception("evaluation failed; readings quarantined", extra={"tag_id": tag_id})
            metrics.add_metric(name="TelemetryEvaluationFailed", unit="Count", value=1)
            c.states.pop(tag_id, None)
            rejected += _refused("evaluation_failed", tag_id, by_tag.pop(tag_id), origin[tag_id])
    return changed


def _refused(
    reason: str, tag_id: str, readings: Sequence[Reading], origin: tuple[str, str, set[str]]
) -> list[tuple[str, str, str, Rejected]]:
    enterprise_id, gateway_id, mids = origin
    return [(enterprise_id, gateway_id, next(iter(mids)), Rejected(reason, tag_id, _raw(r))) for r in readings]


def _raw(r: Reading) -> dict[str, Any]:
    return {"tag_id": r.tag_id, "ts": r.ts, "value": r.value, "quality": r.quality}


def map_features(who: Identity) -> dict[str, Any]:
    """The sensors layer of the map (一张图): state and last value of every sensor the caller sees."""
    return mapping.map_features(who)
