"""Trend regression (pure): exponentially weighted least squares of value over time, updated in O(1).

Soft state: it lives in the container's cached tag state and is rebuilt from new readings after a restart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TREND_TAU_S = 120.0  # memory of the trend regression: readings older than a few τ stop counting
TREND_MIN_WEIGHT = 3.0  # effective number of points before a trend is trusted
# The regression samples a tag when its value moved by TREND_MOVE of the span it watches, and at least
# every TREND_MAX_GAP_S: a flat signal costs almost nothing, a ramp is sampled at every reading.
TREND_MOVE = 0.02
TREND_MAX_GAP_MS = 60_000
_INV_TAU = 1.0 / TREND_TAU_S
_EXP = math.exp


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
