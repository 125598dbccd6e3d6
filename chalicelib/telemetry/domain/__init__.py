"""Telemetry rules (pure): message validation (messages, over the wire types), per-tag records (tags), the trend
regression (trend) and condition evaluation (evaluation). `wire.Reading` is imported from its own module,
which loads the typed decoder."""

from chalicelib.telemetry.domain.evaluation import evaluate, evaluate_batch, mark_stale
from chalicelib.telemetry.domain.messages import Batch, Rejected, decode_batch
from chalicelib.telemetry.domain.tags import CONDITIONS, Change, Cond, TagConfig, TagState
from chalicelib.telemetry.domain.trend import Trend

__all__ = [
    "CONDITIONS",
    "Batch",
    "Change",
    "Cond",
    "Rejected",
    "TagConfig",
    "TagState",
    "Trend",
    "decode_batch",
    "evaluate",
    "evaluate_batch",
    "mark_stale",
]
