"""Telemetry rules (pure): message validation (messages, over the wire types) and per-tag condition evaluation
(evaluation). `wire.Reading` is imported from its module, which loads the typed decoder."""

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
from chalicelib.telemetry.domain.messages import Batch, Rejected, decode_batch

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
