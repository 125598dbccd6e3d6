"""Bounded quarantine (pure): one record per refused message, with a count per reason and a few samples.

A gateway that sends a thousand bad readings in one message costs one row, not a thousand, so a batch of
broken messages is written well within the Lambda's time and a retry cannot snowball (5.1.1-1).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from chalicelib.telemetry.domain.messages import Rejected

UNKNOWN_ENTERPRISE = "_unknown"  # partition of messages that named no (valid) enterprise
MAX_SAMPLES = 5  # refused readings kept verbatim per message
SAMPLE_CHARS = 500  # of each sample's JSON


@dataclass
class QuarantineRecord:
    """What was refused of one message: reasons with counts, how many readings, a few samples."""

    enterprise_id: str
    gateway_id: str
    message_id: str
    reasons: Counter[str] = field(default_factory=Counter)
    samples: list[dict[str, str]] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return sum(self.reasons.values())

    @property
    def reason(self) -> str:
        """The most frequent reason (ties: the first seen)."""
        return self.reasons.most_common(1)[0][0]


def _sample(item: Rejected) -> dict[str, str]:
    raw = item.raw if isinstance(item.raw, str) else orjson.dumps(_finite(item.raw), default=str).decode()
    return {"reason": item.reason, "tag_id": item.tag_id or "", "raw": raw[:SAMPLE_CHARS]}


def _finite(raw: Any) -> Any:
    # orjson writes nan as null anyway; a float value from a decoded reading is the only non-JSON input
    return None if isinstance(raw, float) and not math.isfinite(raw) else raw


def summarise(rejected: Iterable[tuple[str, str, str, Rejected]]) -> list[QuarantineRecord]:
    """Group `(enterprise, gateway, message id, what)` into one record per message."""
    records: dict[tuple[str, str], QuarantineRecord] = {}
    for enterprise_id, gateway_id, message_id, item in rejected:
        scope = enterprise_id or UNKNOWN_ENTERPRISE
        record = records.get((scope, message_id))
        if record is None:
            record = records[(scope, message_id)] = QuarantineRecord(scope, gateway_id, message_id)
        record.gateway_id = record.gateway_id or gateway_id
        record.reasons[item.reason] += item.count
        if len(record.samples) < MAX_SAMPLES:
            record.samples.append(_sample(item))
    return list(records.values())
