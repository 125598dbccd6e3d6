"""Telemetry rules (pure): message validation (messages) and per-tag condition evaluation (evaluation)."""

from chalicelib.telemetry.domain.evaluation import (
    CONDITIONS,
    Change,
    Cond,
    TagConfig,
    TagState,
    Trend,
    evaluate,
    evaluate_batch,
    mark_stale,
)
from chalicelib.telemetry.domain.messages import Batch, Reading, Rejected, decode_batch

__all__ = [
    "CONDITIONS",
    "Batch",
    "Change",
    "Cond",
    "Reading",
    "Rejected",
    "TagConfig",
    "TagState",
    "Trend",
    "decode_batch",
    "evaluate",
    "evaluate_batch",
    "mark_stale",
    "parse_message",
]
