"""Per-tag condition evaluation (pure, the hot path: every reading goes through `evaluate`).

Per tag it keeps limits with deadband, on/off delays, rate of change, bad quality and a trend warning
from an exponentially weighted incremental regression, and returns only *changes* (a condition
activated or cleared, a delay timer started or stopped), so storage is written on change only.
A tag with nothing active or pending and a value inside its quiet band costs a few comparisons.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.telemetry.domain.wire import Reading

CONDITIONS = ("HH", "H", "L", "LL", "ROC", "TREND", "BAD", "STALE")
TREND_TAU_S = 120.0  # memory of the trend regression: readings older than a few τ stop counting
TREND_MIN_WEIGHT = 3.0  # effective number of points before a trend is trusted
# The regression samples a tag when its value moved by TREND_MOVE of the span it watches, and at least
# every TREND_MAX_GAP_S: a flat signal costs almost nothing, a ramp is sampled at every reading.
TREND_MOVE = 0.02
TREND_MAX_GAP_MS = 60_000
_INV_TAU = 1.0 / TREND_TAU_S
_EXP = math.exp
_BY_TS = attrgetter("ts")
_NEVER = 2**62  # a fast-path deadline that never comes (no trend to sample)


@dataclass(frozen=True, slots=True)
class TagConfig:
    """What the evaluator needs of a sensor (from the registry), with derived bands for the fast path."""

    tag_id: str
    enterprise_id: str
    hh: float | None = None
    h: float | None = None
    l: float | None = None  # noqa: E741 (ISA-18.2's name for the low limit)
    ll: float | None = None
    deadband: float = 0.0
    on_delay_ms: int = 0
    off_delay_ms: int = 0
    roc_per_min: float | None = None
    trend: bool = True
    trend_horizon_s: int = 900
    limits: tuple[tuple[str, float, bool], ...] = field(init=False)  # (condition, limit, is high) that are set
    quiet_lo: float = field(init=False)  # strictly inside (quiet_lo, quiet_hi) no limit can activate
    quiet_hi: float = field(init=False)
    trend_hi: float | None = field(init=False)  # the limits a trend is forecast against
    trend_lo: float | None = field(init=False)
    trend_delta: float = field(init=False)  # a move this large makes the next reading a trend sample

    def __post_init__(self) -> None:
        limits = tuple(
            (n, v, n in ("HH", "H"))
            for n, v in (("HH", self.hh), ("H", self.h), ("L", self.l), ("LL", self.ll))
            if v is not None
        )
        highs, lows = [v for _, v, high in limits if high], [v for _, v, high in limits if not high]
        object.__setattr__(self, "limits", limits)
        object.__setattr__(self, "quiet_hi", min(highs) if highs else math.inf)
        object.__setattr__(self, "quiet_lo", max(lows) if lows else -math.inf)
        hi = self.h if self.h is not None else self.hh
        lo = self.l if self.l is not None else self.ll
        span = (hi - lo) if hi is not None and lo is not None else abs(hi if hi is not None else lo or 1.0)
        object.__setattr__(self, "trend_hi", hi)
        object.__setattr__(self, "trend_lo", lo)
        object.__setattr__(self, "trend_delta", TREND_MOVE * (span or 1.0))


@dataclass(slots=True)
class Cond:
    """One condition of one tag that is active or has a delay running (quiet conditions are dropped)."""

    active: bool = False
    since: int = 0  # when it became active
    pending: int | None = None  # on-delay start (inactive) or off-delay start (active)
    value: float = 0.0  # value when it last changed
    detail: float | None = None  # TREND: predicted seconds to the limit; ROC: rate per minute

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.active, "s": self.since, "p": self.pending, "v": self.value, "d": self.detail}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Cond:
        return cls(bool(d.get("a")), int(d.get("s") or 0), d.get("p"), float(d.get("v") or 0.0), d.get("d"))


@dataclass(slots=True)
class Trend:
    """Exponentially weighted least squares of value over time (soft state, rebuilt after a restart)."""

    t0: float = 0.0  # reference time (s) keeping the sums well conditioned
    last_t: float = 0.0
    s0: float = 0.0
    st: float = 0.0
    sv: float = 0.0
    stt: float = 0.0
    stv: float = 0.0

    def sample(self, t: float, v: float) -> None:
        """Add a point (t in seconds)."""
        if self.s0 == 0.0:
            self.t0, self.last_t = t, t
            self.s0, self.st, self.sv, self.stt, self.stv = 1.0, 0.0, v, 0.0, 0.0
            return
        w = _EXP((self.last_t - t) * _INV_TAU)
        x = t - self.t0
        self.s0 = self.s0 * w + 1.0
        self.st = self.st * w + x
        self.sv = self.sv * w + v
        self.stt = self.stt * w + x * x
        self.stv = self.stv * w + x * v
        self.last_t = t

    def fit(self) -> tuple[float, float] | None:
        """(slope per second, fitted value at the last sample) once enough points carry weight."""
        s0, st = self.s0, self.st
        if s0 < TREND_MIN_WEIGHT:
            return None
        den = s0 * self.stt - st * st
        if den <= 1e-9:
            return None
        slope = (s0 * self.stv - st * self.sv) / den
        return slope, (self.sv + slope * ((self.last_t - self.t0) * s0 - st)) / s0


@dataclass(slots=True)
class TagState:
    """Persisted part (conditions, last_ts, open alarms) plus soft state (trend, previous reading) and
    the armed fast path: a reading of `fast_cfg`'s tag inside (fast_lo, fast_hi), before fast_due and
    within fast_roc changes nothing but the previous reading."""

    tag_id: str
    version: int = 0
    last_ts: int = 0
    conds: dict[str, Cond] = field(default_factory=dict)
    alarms: dict[str, str] = field(default_factory=dict)  # condition -> open alarm id
    trend: Trend = field(default_factory=Trend)
    trend_due: int = 0  # epoch ms by which the trend regression takes its next sample
    trend_band: tuple[float, float] = (math.inf, -math.inf)  # values that do not call for a new sample
    prev_ts: int = 0  # last good reading: rate of change, stale value
    prev_v: float = math.nan
    fast_cfg: TagConfig | None = None  # the configuration the fast path was armed with
    fast_lo: float = math.inf  # an unarmed state's empty band sends every reading the full way
    fast_hi: float = -math.inf
    fast_due: int = 0
    fast_roc: float = math.inf

    @property
    def last_value(self) -> float | None:
        return self.prev_v if self.prev_ts else None

    @property
    def quiet(self) -> bool:
        """Nothing active, nothing pending: a cached copy of this state is safe to use."""
        return not self.conds

    def persisted(self) -> dict[str, Any]:
        return {c: v.to_dict() for c, v in self.conds.items()}

    def keep_soft(self, old: TagState) -> None:
        """Carry the soft state of an older copy over a fresh read of the persisted part."""
        self.trend, self.trend_due, self.trend_band = old.trend, old.trend_due, old.trend_band
        self.prev_ts, self.prev_v = old.prev_ts, old.prev_v


@dataclass(frozen=True, slots=True)
class Change:
    """A condition transition the alarm engine must act on (`activated` / `cleared`)."""

    tag_id: str
    condition: str
    kind: str  # activated | cleared
    ts: int
    value: float
    limit: float | None
    detail: float | None = None


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
