"""Per-tag condition evaluation (pure, the hot path: every reading goes through `evaluate`).

Per tag it keeps limits with deadband, on/off delays, rate of change, bad quality and a trend warning
from an exponentially weighted incremental regression, and returns only *changes* (a condition
activated or cleared, a delay timer started or stopped), so storage is written on change only.
A tag with nothing active or pending and a value inside its quiet band costs a few comparisons.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import attrgetter
from typing import TYPE_CHECKING

from chalicelib.telemetry.domain.tags import Change, Cond, TagConfig, TagState
from chalicelib.telemetry.domain.trend import TREND_MAX_GAP_MS

if TYPE_CHECKING:
    from chalicelib.telemetry.domain.wire import Reading

_BY_TS = attrgetter("ts")
_NEVER = 2**62  # a fast-path deadline that never comes (no trend to sample)


def _step(
    state: TagState,
    name: str,
    raw: bool,
    clear: bool,
    ts: int,
    value: float,
    cfg: TagConfig,
    limit: float | None,
    out: list[Change],
    detail: float | None = None,
) -> bool:
    """Advance one condition through its on/off delays; True if the persisted state changed."""
    conds = state.conds
    cond = conds.get(name)
    if cond is None:
        if not raw:
            return False
        cond = conds[name] = Cond(pending=ts)
        if cfg.on_delay_ms > 0:
            return True
    if not cond.active:
        if not raw:
            del conds[name]  # the excursion ended before the on-delay: nothing left to remember
            return True
        if cond.pending is None:
            cond.pending = ts
        if ts - cond.pending < cfg.on_delay_ms:
            return False
        cond.active, cond.since, cond.pending, cond.value, cond.detail = True, ts, None, value, detail
        out.append(Change(state.tag_id, name, "activated", ts, value, limit, detail))
        return True
    if detail is not None:
        cond.detail = detail
    if not clear:
        if cond.pending is None:
            return False
        cond.pending = None
        return True
    if cond.pending is None:
        cond.pending = ts
        if cfg.off_delay_ms > 0:
            return True
    if ts - cond.pending < cfg.off_delay_ms:
        return False
    del conds[name]
    out.append(Change(state.tag_id, name, "cleared", ts, value, limit, cond.detail))
    return True


def _sample(cfg: TagConfig, state: TagState, ts: int, value: float) -> tuple[bool, float | None, float | None]:
    state.trend.sample(ts / 1000.0, value)
    state.trend_due, state.trend_band = ts + TREND_MAX_GAP_MS, (value - cfg.trend_delta, value + cfg.trend_delta)
    return _forecast(cfg, state.trend.fit())


def _forecast(cfg: TagConfig, fit: tuple[float, float] | None) -> tuple[bool, float | None, float | None]:
    """(trend condition, seconds until the limit, the limit) from the regression's slope."""
    if fit is None:
        return False, None, None
    slope, fitted = fit
    limit = cfg.trend_hi if slope > 0 else cfg.trend_lo if slope < 0 else None
    if limit is None:
        return False, None, None
    gap = (limit - fitted) if slope > 0 else (fitted - limit)
    if gap <= 0:
        return False, 0.0, limit  # already beyond: the limit alarm itself speaks
    eta = gap / abs(slope)
    return eta <= cfg.trend_horizon_s, eta, limit


def _reading(
    cfg: TagConfig,
    state: TagState,
    ts: int,
    value: float,
    quality: str,
    out: list[Change],
    forecast: tuple[bool, float | None, float | None] | None = None,
) -> bool:
    """Evaluate one reading newer than the state; True if the persisted state changed.

    `forecast` is the trend verdict when the caller already added this point to the regression.
    """
    dirty = False
    conds = state.conds
    state.last_ts = ts
    if conds:
        if "STALE" in conds:  # any reading ends staleness at once
            stale = conds.pop("STALE")
            out.append(Change(state.tag_id, "STALE", "cleared", ts, value, None, stale.detail))
            dirty = True
        if "BAD" in conds or quality == "bad":
            dirty |= _step(state, "BAD", quality == "bad", quality != "bad", ts, value, cfg, None, out)
    elif quality == "bad":
        dirty |= _step(state, "BAD", True, False, ts, value, cfg, None, out)
    if quality == "bad":
        return dirty
    if conds or not cfg.quiet_lo < value < cfg.quiet_hi:
        db = cfg.deadband
        for name, limit, high in cfg.limits:
            if high:
                raw, clear = value >= limit, value < limit - db
            else:
                raw, clear = value <= limit, value > limit + db
            if raw or name in conds:
                dirty |= _step(state, name, raw, clear, ts, value, cfg, limit, out)
    roc = cfg.roc_per_min
    if roc is not None and state.prev_ts and ts > state.prev_ts:
        rate = abs(value - state.prev_v) * 60000.0 / (ts - state.prev_ts)
        if rate > roc or "ROC" in conds:
            dirty |= _step(state, "ROC", rate > roc, rate <= roc * 0.8, ts, value, cfg, roc, out, rate)
    state.prev_ts, state.prev_v = ts, value
    if cfg.trend:
        band = state.trend_band
        if forecast is None and (ts >= state.trend_due or not band[0] < value < band[1]):
            forecast = _sample(cfg, state, ts, value)
        if forecast is not None:
            raw, eta, trend_limit = forecast
            if raw or "TREND" in conds:
                dirty |= _step(state, "TREND", raw, not raw, ts, value, cfg, trend_limit, out, eta)
    _arm(cfg, state)
    return dirty


def _arm(cfg: TagConfig, state: TagState) -> None:
    """Set the fast path's band: inside the quiet band and the trend band, no limit or sample is due."""
    state.fast_cfg = cfg
    state.fast_roc = cfg.roc_per_min if cfg.roc_per_min is not None else math.inf
    if cfg.trend:
        band = state.trend_band
        state.fast_lo, state.fast_hi = max(cfg.quiet_lo, band[0]), min(cfg.quiet_hi, band[1])
        state.fast_due = state.trend_due
    else:
        state.fast_lo, state.fast_hi, state.fast_due = cfg.quiet_lo, cfg.quiet_hi, _NEVER


def evaluate(cfg: TagConfig, state: TagState, readings: Sequence[Reading]) -> tuple[list[Change], bool]:
    """Evaluate a tag's readings (any order; those not newer than the state are replays and ignored).

    Returns the condition changes and whether the persisted state changed.
    """
    out: list[Change] = []
    dirty = False
    if len(readings) > 1:
        readings = sorted(readings, key=_BY_TS)
    for r in readings:
        if r.ts > state.last_ts:
            dirty |= _reading(cfg, state, r.ts, r.value, r.quality, out)
    return out, dirty


def evaluate_batch(
    by_tag: dict[str, Sequence[Reading]], tags: dict[str, tuple[TagConfig, TagState]]
) -> dict[str, list[Change]]:
    """Evaluate every tag of a batch (`tags`: each one's configuration and state); returns the tags whose
    persisted state changed, with their changes.

    The common case (one reading, quiet state, value inside the armed band, rate of change within its
    limit, no trend sample due) is decided inline from fields `_arm` prepared: at a thousand readings
    per message, every attribute read and function call shows in the cost per reading (bench/telemetry.py).
    """
    dirty: dict[str, list[Change]] = {}
    for tag, readings in by_tag.items():
        cfg, state = tags[tag]
        if len(readings) == 1:
            (r,) = readings
            ts, value = r.ts, r.value
            if (
                state.fast_lo < value < state.fast_hi
                and state.last_ts < ts < state.fast_due
                and r.quality != "bad"
                and not state.conds
                and state.fast_cfg is cfg
                and abs(value - state.prev_v) * 60000.0 <= state.fast_roc * (ts - state.prev_ts)
            ):
                state.last_ts = state.prev_ts = ts
                state.prev_v = value
                continue
        changes, changed = evaluate(cfg, state, readings)
        if changed:
            dirty[tag] = changes
    return dirty


def mark_stale(state: TagState, now_ms: int, stale_after_ms: int, last_seen_ms: int) -> Change | None:
    """The sweep's rule: no reading for `stale_after` makes the tag STALE (once)."""
    if last_seen_ms and now_ms - last_seen_ms < stale_after_ms:
        return None
    if "STALE" in state.conds:
        return None
    silent_s = (now_ms - last_seen_ms) / 1000
    state.conds["STALE"] = Cond(active=True, since=now_ms, detail=silent_s)
    return Change(state.tag_id, "STALE", "activated", now_ms, state.last_value or 0.0, None, silent_s)
