"""Ingest use case: decode and validate an SQS batch, evaluate each tag, commit changes, quarantine the rest.

Per container, tag configurations and *quiet* tag states are cached (TTLs in settings); a state with
anything active or pending is always re-read before use, so a stale cache can delay a return to
normal but never hide an alarm. DynamoDB is written only for condition changes, one bounded snapshot
per gateway and period, and quarantined input.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from chalicelib.alarms import dispatch
from chalicelib.alarms import service as alarms
from chalicelib.core import clock, ids
from chalicelib.core.lazy import lazy_module
from chalicelib.core.observability import logger, metrics
from chalicelib.core.schemas import Priority
from chalicelib.core.settings import get_settings
from chalicelib.registry import service as registry
from chalicelib.telemetry import domain
from chalicelib.telemetry.domain import Change, Rejected, TagConfig, TagState

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


@dataclass
class Profile:
    config: TagConfig
    context: alarms.TagContext
    in_service: bool
    loaded: int  # ms


@dataclass
class Caches:
    """What one Lambda container remembers between batches (one per container; tests make several)."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    generation: int = -1  # registry configuration generation the profiles were loaded at
    generation_checked: int = 0  # ms
    states: dict[str, tuple[TagState, int]] = field(default_factory=dict)  # state, loaded at (ms)
    gateways: dict[str, dict[str, Any]] = field(default_factory=dict)  # gateway -> buffer, counters, last write


CONTAINER = Caches()


def reset_caches() -> None:
    CONTAINER.profiles.clear()
    CONTAINER.states.clear()
    CONTAINER.gateways.clear()


def _profile(sensor: dict[str, Any], now: int) -> Profile:
    lim = sensor.get("limits") or {}
    cfg = TagConfig(
        tag_id=sensor["id"],
        enterprise_id=sensor["enterprise_id"],
        hh=lim.get("hh"),
        h=lim.get("h"),
        l=lim.get("l"),
        ll=lim.get("ll"),
        deadband=float(sensor.get("deadband") or 0),
        on_delay_ms=int(sensor.get("on_delay_s") or 0) * 1000,
        off_delay_ms=int(sensor.get("off_delay_s") or 0) * 1000,
        roc_per_min=sensor.get("roc_limit_per_min"),
        trend=bool(sensor.get("trend", True)),
        trend_horizon_s=int(sensor.get("trend_horizon_s") or 900),
    )
    ctx = alarms.TagContext(
        tag_id=sensor["id"],
        enterprise_id=sensor["enterprise_id"],
        installation_id=sensor.get("installation_id"),
        area=sensor.get("installation_id") or sensor.get("zone_id") or sensor["enterprise_id"],
        priority=Priority(sensor.get("priority", "medium")),
        latching=bool(sensor.get("latching")),
        suppressed=sensor.get("installation_status") == "maintenance",
        out_of_service=sensor.get("status") == "out_of_service",
        labels={
            "tag_name": sensor.get("name", ""),
            "unit": sensor.get("unit", ""),
            "installation_name": sensor.get("installation_name", ""),
            "enterprise_name": sensor.get("enterprise_name", ""),
        },
    )
    return Profile(
        cfg,
        ctx,
        sensor.get("status") != "out_of_service" and sensor.get("installation_status") != "decommissioned",
        now,
    )


def profiles(tag_ids: list[str], c: Caches = CONTAINER) -> dict[str, Profile]:
    """Sensor configurations, re-read when the registry's generation moved (checked every tag_config_ttl_s)."""
    _profiles = c.profiles
    now, ttl = clock.now_ms(), get_settings().tag_config_ttl_s * 1000
    if now - c.generation_checked >= ttl:
        generation, c.generation_checked = registry.config_generation(), now
        if generation != c.generation:
            _profiles.clear()
            c.generation = generation
    missing = [t for t in tag_ids if t not in _profiles]
    if missing:
        for tag_id, sensor in registry.sensor_profiles(missing).items():
            _profiles[tag_id] = _profile(sensor, now)
    return {t: _profiles[t] for t in tag_ids if t in _profiles}


def states(tag_ids: list[str], c: Caches = CONTAINER) -> dict[str, TagState]:
    """Cached quiet states within their TTL; everything else re-read (keeping the trend's soft state)."""
    _states = c.states
    now, ttl = clock.now_ms(), get_settings().tag_state_ttl_s * 1000
    reload = [t for t in tag_ids if t not in _states or not _states[t][0].quiet or now - _states[t][1] > ttl]
    if reload:
        for tag_id, fresh in alarms.load_states(reload).items():
            old = _states.get(tag_id)
            if old is not None:
                fresh.keep_soft(old[0])
                fresh.last_ts = max(fresh.last_ts, old[0].last_ts) if old[0].version == fresh.version else fresh.last_ts
            _states[tag_id] = (fresh, now)
    return {t: _states[t][0] for t in tag_ids}


def _reload(tag_id: str, c: Caches) -> TagState:
    c.states.pop(tag_id, None)
    return states([tag_id], c)[tag_id]


def _commit(
    profile: Profile, state: TagState, changes: list[Change], readings: Sequence[Reading], c: Caches
) -> list[alarms.EventRecord]:
    """Persist one tag's changes; when another writer moved first, re-evaluate on its state and retry."""
    for _ in range(4):
        try:
            return alarms.commit(profile.context, state, changes)
        except alarms.Contended:
            state = _reload(profile.config.tag_id, c)
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
        _gateway(c, enterprise_id, gateway_id)["messages"] += count
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
        _buffer(c, origin[tag_id][0], origin[tag_id][1], tag_id, readings)
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
    _snapshots(c, now, settings.snapshot_every_s * 1000, rejected)
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


def _gateway(c: Caches, enterprise_id: str, gateway_id: str) -> dict[str, Any]:
    return c.gateways.setdefault(
        gateway_id,
        {
            "enterprise": enterprise_id,
            "tags": {},
            "messages": 0,
            "readings": 0,
            "quarantined": 0,
            "last_write": 0,
            "last_message": 0,
        },
    )


def _buffer(c: Caches, enterprise_id: str, gateway_id: str, tag_id: str, readings: Sequence[Reading]) -> None:
    gw = _gateway(c, enterprise_id, gateway_id)
    latest = max(readings, key=lambda r: r.ts)
    ts, value, quality = latest.ts, latest.value, latest.quality
    current = gw["tags"].get(tag_id)
    if current is None or current[0] < ts:
        gw["tags"][tag_id] = [ts, value if math.isfinite(value) else None, quality]
    gw["readings"] += len(readings)
    gw["last_message"] = max(gw["last_message"], ts)


def _snapshots(c: Caches, now: int, every_ms: int, rejected: list[tuple[str, str, str, Rejected]]) -> None:
    """Bounded last-value policy: each gateway's snapshot is rewritten at most once per period."""
    for enterprise_id, gateway_id, _, _ in rejected:
        if gateway_id in c.gateways and c.gateways[gateway_id]["enterprise"] == enterprise_id:
            c.gateways[gateway_id]["quarantined"] += 1
    for gateway_id, gw in c.gateways.items():
        if now - gw["last_write"] < every_ms or not gw["tags"]:
            continue
        store.GatewaySnapshotModel(gateway_id).update(
            actions=[
                store.GatewaySnapshotModel.enterprise_id.set(gw["enterprise"]),
                store.GatewaySnapshotModel.updated_ms.set(now),
                store.GatewaySnapshotModel.last_message_ms.set(gw["last_message"]),
                store.GatewaySnapshotModel.tags.set(orjson.dumps(gw["tags"]).decode()),
                store.GatewaySnapshotModel.messages.add(gw["messages"]),
                store.GatewaySnapshotModel.readings.add(gw["readings"]),
                store.GatewaySnapshotModel.quarantined.add(gw["quarantined"]),
            ]
        )
        gw["last_write"], gw["messages"], gw["readings"], gw["quarantined"] = now, 0, 0, 0


def last_values(tag_ids: list[str], enterprise_ids: set[str]) -> dict[str, dict[str, Any]]:
    """Latest known value per tag: this container's buffer over the gateways' snapshots."""
    wanted = set(tag_ids)
    found: dict[str, dict[str, Any]] = {}
    for enterprise_id in enterprise_ids:
        for snap in store.GatewaySnapshotModel.by_enterprise.query(enterprise_id):
            for tag, (ts, value, quality) in snap.tag_map().items():
                if tag in wanted and (tag not in found or found[tag]["ts"] < ts):
                    found[tag] = {"ts": ts, "value": value, "quality": quality}
    for gw in CONTAINER.gateways.values():
        for tag, (ts, value, quality) in gw["tags"].items():
            if tag in wanted and (tag not in found or found[tag]["ts"] < ts):
                found[tag] = {"ts": ts, "value": value, "quality": quality}
    return found
