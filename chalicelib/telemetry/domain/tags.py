"""The evaluator's records (pure): tag configuration with its derived bands, conditions, tag state, changes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from chalicelib.telemetry.domain.trend import TREND_MOVE, Trend

CONDITIONS = ("HH", "H", "L", "LL", "ROC", "TREND", "BAD", "STALE")


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
class TagState:
    """Persisted part (conditions, last_ts, open alarms) plus soft state (trend, previous reading) and
    the armed fast path: a reading of `fast_cfg`'s tag inside (fast_lo, fast_hi), before fast_due and
    within fast_roc changes nothing but the previous reading."""

    tag_id: str
    version: int = 0
    last_ts: int = 0
    conds: dict[str, Cond] = field(default_factory=dict)
    alarms: dict[str, str] = field(default_factory=dict)  # condition -> open alarm id
    held: bool = False  # its alarms wait out of service for the first reading evaluated after the return
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
        """Nothing active, nothing pending, nothing held: a cached copy of this state is safe to use."""
        return not self.conds and not self.held

    def active(self, condition: str) -> bool:
        """The condition is active as last evaluated."""
        cond = self.conds.get(condition)
        return cond is not None and cond.active

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
