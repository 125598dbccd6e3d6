"""Telemetry rules (pure): message validation and per-tag condition evaluation (5.1.1-2).

The evaluator is the hot path (every reading). It keeps per-tag state: limits with deadband, on/off
delays, rate of change, bad quality and a trend warning from an exponentially weighted incremental
regression; it returns only *changes* (condition activated or cleared, pending timers started or
stopped) so that storage is written on change and nothing else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

CONDITIONS = ("HH", "H", "L", "LL", "ROC", "TREND", "BAD", "STALE")
QUALITIES = frozenset({"good", "bad", "uncertain"})
MAX_FUTURE_MS = 5 * 60 * 1000  # a reading more than 5 min in the future means a broken device clock
TREND_TAU_S = 120.0  # memory of the trend regression: readings older than a few τ stop counting
TREND_MIN_WEIGHT = 4.0  # effective number of points before a trend is trusted


@dataclass(frozen=True, slots=True)
class Reading:
    tag_id: str
    ts: int  # epoch ms
    value: float
    quality: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """A reading or message that goes to quarantine, with the reason code."""

    reason: str
    tag_id: str | None = None
    raw: Any = None


def parse_message(doc: Any, topic_enterprise: str | None, now_ms: int, max_age_ms: int) -> tuple[str, str, list[Reading], list[Rejected]]:
    """Validate one decoded message. Returns (enterprise_id, gateway_id, good readings, rejected parts).

    A message-level problem rejects everything in it; a bad reading rejects only itself.
    """
    if type(doc) is not dict:
        return "", "", [], [Rejected("message_not_object", raw=doc)]
    enterprise_id = topic_enterprise if topic_enterprise is not None else doc.get("enterprise_id")
    gateway_id, readings = doc.get("gateway_id"), doc.get("readings")
    if type(enterprise_id) is not str or not enterprise_id:
        return "", "", [], [Rejected("missing_enterprise", raw=doc)]
    if type(gateway_id) is not str or not gateway_id:
        return enterprise_id, "", [], [Rejected("missing_gateway_id", raw=doc)]
    if type(readings) is not list:
        return enterprise_id, gateway_id, [], [Rejected("readings_not_list", raw=doc)]
    good: list[Reading] = []
    bad: list[Rejected] = []
    oldest, newest = now_ms - max_age_ms, now_ms + MAX_FUTURE_MS
    for r in readings:
        if type(r) is not dict:
            bad.append(Rejected("reading_not_object", raw=r))
            continue
        tag, ts, value, quality = r.get("tag_id"), r.get("ts"), r.get("value"), r.get("quality", "good")
        if type(tag) is not str or not tag:
            bad.append(Rejected("missing_tag_id", raw=r))
        elif type(ts) is not int:
            bad.append(Rejected("ts_not_epoch_ms", tag, r))
        elif ts < oldest or ts > newest:
            bad.append(Rejected("ts_out_of_range", tag, r))
        elif quality not in QUALITIES:
            bad.append(Rejected("invalid_quality", tag, r))
        elif type(value) is float or type(value) is int:
            if value != value or value in (math.inf, -math.inf):
                bad.append(Rejected("value_not_finite", tag, r))
            else:
                good.append(Reading(tag, ts, float(value), quality))
        elif value is None and quality == "bad":
            good.append(Reading(tag, ts, math.nan, quality))  # a bad-quality reading may carry no value
        else:
            bad.append(Rejected("value_not_number", tag, r))
    return enterprise_id, gateway_id, good, bad


@dataclass(frozen=True, slots=True)
class TagConfig:
    """What the evaluator needs of a sensor (from the registry), precomputed for the hot path."""

    tag_id: str
    enterprise_id: str
    hh: float | None = None
    h: float | None = None
    l: float | None = None  # noqa: E741
    ll: float | None = None
    deadband: float = 0.0
    on_delay_ms: int = 0
    off_delay_ms: int = 0
    roc_per_min: float | None = None
    trend: bool = True
    trend_horizon_s: int = 900


@dataclass(slots=True)
class Cond:
    """One condition of one tag: active or not, and the on/off-delay timer that is running, if any."""

    active: bool = False
    since: int = 0  # when it became active (or cleared)
    pending: int | None = None  # on-delay start (inactive) or off-delay start (active)
    value: float = 0.0  # value when it last changed
    detail: float | None = None  # TREND: predicted seconds to the limit; ROC: rate per min

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

    def add(self, t: float, v: float) -> None:
        if self.s0 == 0.0:
            self.t0 = t
        else:
            w = math.exp(-(t - self.last_t) / TREND_TAU_S)
            self.s0 *= w
            self.st *= w
            self.sv *= w
            self.stt *= w
            self.stv *= w
        x = t - self.t0
        self.s0 += 1.0
        self.st += x
        self.sv += v
        self.stt += x * x
        self.stv += x * v
        self.last_t = t

    def fit(self) -> tuple[float, float] | None:
        """(slope per second, fitted value at the last time), or None until enough points."""
        if self.s0 < TREND_MIN_WEIGHT:
            return None
        den = self.s0 * self.stt - self.st * self.st
        if den <= 1e-9:
            return None
        slope = (self.s0 * self.stv - self.st * self.sv) / den
        mean_t, mean_v = self.st / self.s0, self.sv / self.s0
        return slope, mean_v + slope * ((self.last_t - self.t0) - mean_t)


@dataclass(slots=True)
class TagState:
    """Persisted part (conditions, last_ts, open alarms) plus soft state (trend, previous reading)."""

    tag_id: str
    version: int = 0
    last_ts: int = 0
    conds: dict[str, Cond] = field(default_factory=dict)
    alarms: dict[str, str] = field(default_factory=dict)  # condition -> open alarm id
    trend: Trend = field(default_factory=Trend)
    prev: tuple[int, float] | None = None  # previous good reading (ts, value) for ROC
    last_value: float | None = None
    last_quality: str = "good"

    @property
    def quiet(self) -> bool:
        """Nothing active, nothing pending: a cached copy of this state is safe to use."""
        return all(not c.active and c.pending is None for c in self.conds.values())

    def persisted(self) -> dict[str, Any]:
        return {c: v.to_dict() for c, v in self.conds.items() if v.active or v.pending is not None}


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


def _step(state: TagState, name: str, raw: bool, clear: bool, ts: int, value: float, cfg: TagConfig,
          limit: float | None, out: list[Change], detail: float | None = None) -> bool:
    """Advance one condition with on/off delays; returns True if persisted state changed."""
    cond = state.conds.get(name)
    if cond is None:
        if not raw:
            return False
        cond = state.conds[name] = Cond()
    if not cond.active:
        if not raw:
            if cond.pending is None:
                return False
            cond.pending = None
            return True
        changed = cond.pending is None
        if cond.pending is None:
            cond.pending = ts
        if ts - cond.pending >= cfg.on_delay_ms:
            cond.active, cond.since, cond.pending, cond.value, cond.detail = True, ts, None, value, detail
            out.append(Change(state.tag_id, name, "activated", ts, value, limit, detail))
            return True
        return changed
    if not clear:
        if cond.pending is None:
            return False
        cond.pending = None
        return True
    changed = cond.pending is None
    if cond.pending is None:
        cond.pending = ts
    if ts - cond.pending >= cfg.off_delay_ms:
        cond.active, cond.since, cond.pending, cond.value = False, ts, None, value
        out.append(Change(state.tag_id, name, "cleared", ts, value, limit, cond.detail))
        return True
    return changed


def _trend(state: TagState, cfg: TagConfig, ts: int, value: float) -> tuple[bool, bool, float | None, float | None]:
    """(raw TREND, may clear, seconds to the limit, the limit) from the regression's forecast."""
    state.trend.add(ts / 1000.0, value)
    fit = state.trend.fit()
    if fit is None:
        return False, True, None, None
    slope, fitted = fit
    for limit, rising in ((cfg.h if cfg.h is not None else cfg.hh, True), (cfg.l if cfg.l is not None else cfg.ll, False)):
        if limit is None or (slope > 0) != rising or slope == 0:
            continue
        gap = (limit - fitted) if rising else (fitted - limit)
        if gap <= 0:
            return False, True, 0.0, limit  # already beyond: the limit alarm itself speaks
        eta = gap / abs(slope)
        if eta <= cfg.trend_horizon_s:
            return True, False, eta, limit
    return False, True, None, None


def evaluate(cfg: TagConfig, state: TagState, readings: list[Reading]) -> tuple[list[Change], bool]:
    """Evaluate a tag's readings (any order; older than the state are ignored as replays).

    Returns the condition changes and whether the persisted state changed.
    """
    out: list[Change] = []
    dirty = False
    if len(readings) > 1:
        readings = sorted(readings, key=lambda r: r.ts)
    for r in readings:
        if r.ts <= state.last_ts:
            continue  # duplicate or late: already reflected in the state
        ts, value = r.ts, r.value
        state.last_ts = ts
        state.last_quality = r.quality
        stale = state.conds.get("STALE")
        if stale is not None and stale.active:  # any reading ends staleness at once
            stale.active, stale.since, stale.pending = False, ts, None
            out.append(Change(state.tag_id, "STALE", "cleared", ts, value, None))
            dirty = True
        bad = r.quality == "bad"
        dirty |= _step(state, "BAD", bad, not bad, ts, value, cfg, None, out)
        if bad:
            continue
        state.last_value = value
        db = cfg.deadband
        for name, limit, high in (("HH", cfg.hh, True), ("H", cfg.h, True), ("L", cfg.l, False), ("LL", cfg.ll, False)):
            if limit is None:
                continue
            if high:
                dirty |= _step(state, name, value >= limit, value < limit - db, ts, value, cfg, limit, out)
            else:
                dirty |= _step(state, name, value <= limit, value > limit + db, ts, value, cfg, limit, out)
        if cfg.roc_per_min is not None and state.prev is not None and ts > state.prev[0]:
            rate = abs(value - state.prev[1]) * 60000.0 / (ts - state.prev[0])
            dirty |= _step(state, "ROC", rate > cfg.roc_per_min, rate <= cfg.roc_per_min * 0.8, ts, value, cfg,
                           cfg.roc_per_min, out, rate)
        state.prev = (ts, value)
        if cfg.trend:
            raw, clear, eta, limit = _trend(state, cfg, ts, value)
            dirty |= _step(state, "TREND", raw, clear, ts, value, cfg, limit, out, eta)
    return out, dirty


def mark_stale(state: TagState, now_ms: int, stale_after_ms: int, last_seen_ms: int) -> Change | None:
    """The sweep's rule: no reading for `stale_after` makes the tag STALE (once)."""
    cond = state.conds.get("STALE")
    if last_seen_ms and now_ms - last_seen_ms < stale_after_ms:
        return None
    if cond is not None and cond.active:
        return None
    state.conds["STALE"] = Cond(active=True, since=now_ms)
    return Change(state.tag_id, "STALE", "activated", now_ms, state.last_value or 0.0, None, (now_ms - last_seen_ms) / 1000)
