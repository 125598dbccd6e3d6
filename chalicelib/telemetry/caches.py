"""What one ingest Lambda container remembers between batches: sensor profiles and quiet tag states.

Tag configurations are re-read when the registry's configuration generation moves (checked every
`tag_config_ttl_s`); a *quiet* tag state is kept for `tag_state_ttl_s`, while a state with anything active
or pending is always re-read before use, so a stale cache can delay a return to normal but never hide an
alarm (docs/telemetry.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.alarms import service as alarms
from chalicelib.core import clock
from chalicelib.core.schemas import Priority
from chalicelib.core.settings import get_settings
from chalicelib.registry import service as registry
from chalicelib.telemetry.domain import Cond, TagConfig, TagState


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
    # registered gateway -> its enterprise; None: not registered (kept too, so an unknown id costs one read)
    owners: dict[str, str | None] = field(default_factory=dict)


CONTAINER = Caches()


MAX_OWNERS = 10_000  # gateway ids remembered; a flood of made-up ids clears the cache rather than grow it


def reset_caches() -> None:
    CONTAINER.profiles.clear()
    CONTAINER.states.clear()
    CONTAINER.gateways.clear()
    CONTAINER.owners.clear()


def profile_of(sensor: registry.SensorProfile, now: int) -> Profile:
    lim = sensor.limits
    cfg = TagConfig(
        tag_id=sensor.id,
        enterprise_id=sensor.enterprise_id,
        hh=lim.hh,
        h=lim.h,
        l=lim.l,
        ll=lim.ll,
        deadband=sensor.deadband,
        on_delay_ms=sensor.on_delay_s * 1000,
        off_delay_ms=sensor.off_delay_s * 1000,
        roc_per_min=sensor.roc_limit_per_min,
        trend=sensor.trend,
        trend_horizon_s=sensor.trend_horizon_s,
    )
    held = alarms.held_by(sensor)  # (out of service, suppressed by design): the alarm context's rule
    ctx = alarms.TagContext(
        tag_id=sensor.id,
        enterprise_id=sensor.enterprise_id,
        installation_id=sensor.installation_id,
        area=sensor.installation_id or sensor.zone_id or sensor.enterprise_id,
        priority=Priority(sensor.priority),
        latching=sensor.latching,
        suppressed=held[1],
        out_of_service=held[0],
        labels={
            "tag_name": sensor.name,
            "unit": sensor.unit,
            "installation_name": sensor.installation_name,
            "enterprise_name": sensor.enterprise_name,
        },
    )
    return Profile(cfg, ctx, not held[0] and sensor.installation_status != "decommissioned", now)


def _current(c: Caches) -> None:
    """Forget registry data (sensor profiles, gateway owners) when the configuration generation moved
    (checked at most every tag_config_ttl_s)."""
    now, ttl = clock.now_ms(), get_settings().tag_config_ttl_s * 1000
    if now - c.generation_checked >= ttl:
        generation, c.generation_checked = registry.config_generation(), now
        if generation != c.generation:
            c.profiles.clear()
            c.owners.clear()
            # A sensor back in service may have alarms held out of service (a tag-state flag written by the
            # alarm sweep): re-read states after a registry change rather than trust a quiet cached copy.
            c.states.clear()
            c.generation = generation


def profiles(tag_ids: list[str], c: Caches = CONTAINER) -> dict[str, Profile]:
    """Sensor configurations, re-read when the registry's generation moved (checked every tag_config_ttl_s)."""
    _current(c)
    _profiles, now = c.profiles, clock.now_ms()
    missing = [t for t in tag_ids if t not in _profiles]
    if missing:
        for tag_id, sensor in registry.sensor_profiles(missing).items():
            _profiles[tag_id] = profile_of(sensor, now)
    return {t: _profiles[t] for t in tag_ids if t in _profiles}


def owners(gateway_ids: set[str], c: Caches = CONTAINER) -> dict[str, str | None]:
    """The enterprise each gateway is registered for (None: not registered), cached like the profiles: a
    lookup per message, one BatchGet for the gateways a container has not seen since the generation moved."""
    _current(c)
    missing = [g for g in gateway_ids if g not in c.owners]
    if missing:
        if len(c.owners) + len(missing) > MAX_OWNERS:
            c.owners.clear()
        found = registry.gateway_enterprises(missing)
        c.owners.update({g: found.get(g) for g in missing})
    return {g: c.owners[g] for g in gateway_ids}


def state_of(stored: alarms.StoredTagState) -> TagState:
    """The evaluator's state rebuilt from what the alarm engine stored."""
    conds = {c: Cond.from_dict(d) for c, d in stored.conds.items()}
    return TagState(
        stored.tag_id,
        version=stored.version,
        last_ts=stored.last_ts,
        conds=conds,
        alarms=dict(stored.alarms),
        held=stored.held,
    )


def load_states(tag_ids: list[str]) -> dict[str, TagState]:
    """Persisted states (tags never written come back fresh), read through the alarm engine that stores them."""
    return {t: state_of(s) for t, s in alarms.load_states(tag_ids).items()}


def states(tag_ids: list[str], c: Caches = CONTAINER) -> dict[str, TagState]:
    """Cached quiet states within their TTL; everything else re-read (keeping the trend's soft state)."""
    _states = c.states
    now, ttl = clock.now_ms(), get_settings().tag_state_ttl_s * 1000
    reload = [t for t in tag_ids if t not in _states or not _states[t][0].quiet or now - _states[t][1] > ttl]
    if reload:
        for tag_id, fresh in load_states(reload).items():
            old = _states.get(tag_id)
            if old is not None:
                fresh.keep_soft(old[0])
                fresh.last_ts = max(fresh.last_ts, old[0].last_ts) if old[0].version == fresh.version else fresh.last_ts
            _states[tag_id] = (fresh, now)
    return {t: _states[t][0] for t in tag_ids}


def reload(tag_id: str, c: Caches) -> TagState:
    c.states.pop(tag_id, None)
    return states([tag_id], c)[tag_id]
