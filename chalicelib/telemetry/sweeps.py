"""Stale/offline detection (5.1.1-2, 6.2.1): a sensor silent for `stale_after_s` raises STALE; online rate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from chalicelib.alarms import service as alarms
from chalicelib.core import clock
from chalicelib.core.identity import Identity
from chalicelib.registry import service as registry
from chalicelib.telemetry import caches, domain, store


def last_seen() -> dict[str, int]:
    """Last reading time per tag from every gateway snapshot (bounded by the snapshot period)."""
    seen: dict[str, int] = {}
    for snap in store.GatewaySnapshotModel.scan():
        for tag, (ts, _value, _quality) in snap.tag_map().items():
            seen[tag] = max(seen.get(tag, 0), int(ts))
    return seen


@dataclass(frozen=True)
class Silent:
    """An in-service sensor silent for longer than its `stale_after_s`, and since when."""

    sensor: registry.SensorView
    since: int


def census(now: int, enterprise_id: str | None = None) -> tuple[dict[str, list[int]], list[Silent]]:
    """In-service sensors per enterprise: [count, online], and the silent ones."""
    seen = last_seen()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    silent: list[Silent] = []
    for sensor in registry.all_sensors():
        if sensor.status == "out_of_service" or (enterprise_id and sensor.enterprise_id != enterprise_id):
            continue
        since = seen.get(sensor.id) or sensor.created_ms or now
        totals[sensor.enterprise_id][0] += 1
        if now - since < sensor.stale_after_s * 1000:
            totals[sensor.enterprise_id][1] += 1
        else:
            silent.append(Silent(sensor, since))
    return totals, silent


def sweep() -> dict[str, Any]:
    """Mark silent in-service sensors STALE; returns counts and the online rate per enterprise."""
    now = clock.now_ms()
    totals, stale = census(now)
    raised = 0
    if stale:
        profiles = caches.profiles([s.sensor.id for s in stale])
        states = caches.load_states([s.sensor.id for s in stale])
        for silent in stale:
            profile, state = profiles.get(silent.sensor.id), states[silent.sensor.id]
            if profile is None:
                continue
            change = domain.mark_stale(state, now, silent.sensor.stale_after_s * 1000, silent.since)
            if change is None:
                continue
            try:
                alarms.dispatch(alarms.commit(profile.context, state, [change]))
                raised += 1
            except alarms.Contended:
                continue  # a reading arrived meanwhile: the next sweep decides again
    return {"stale_raised": raised, "online": online_rates(totals)}


def online(who: Identity, enterprise_id: str | None) -> dict[str, dict[str, Any]]:
    """The online rate per enterprise the caller may see (all, or the one named)."""
    totals, _ = census(clock.now_ms(), who.scope(enterprise_id))
    return online_rates(totals)


def online_rates(totals: dict[str, list[int]]) -> dict[str, dict[str, Any]]:
    return {
        e: {"in_service": n, "online": k, "rate_percent": round(100 * k / n, 2) if n else None}
        for e, (n, k) in totals.items()
    }
