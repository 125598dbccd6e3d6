"""Ingest use case: decode each queued message, count what arrived, report the messages to retry."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson

from chalicelib.core import clock
from chalicelib.core.observability import logger, metrics
from chalicelib.telemetry.store import IngestCounterModel


@dataclass
class BatchResult:
    messages: int = 0
    readings: int = 0
    quarantined: int = 0
    retry: list[str] = field(default_factory=list)  # SQS message ids to hand back (batchItemFailures)


def ingest(records: list[tuple[str, bytes]]) -> BatchResult:
    """Process one SQS batch of `(message_id, body)`; malformed messages are counted, never retried."""
    result = BatchResult()
    per_enterprise: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for _message_id, body in records:
        result.messages += 1
        try:
            message = orjson.loads(body)
            enterprise_id = str(message["enterprise_id"])
            readings = message["readings"]
            if not isinstance(readings, list):
                raise TypeError("readings is not a list")
        except (orjson.JSONDecodeError, KeyError, TypeError):
            result.quarantined += 1
            per_enterprise["_unknown"][2] += 1
            continue
        counts = per_enterprise[enterprise_id]
        counts[0] += 1
        counts[1] += len(readings)
        result.readings += len(readings)
    _count(per_enterprise)
    metrics.add_metric(name="TelemetryMessages", unit="Count", value=result.messages)
    metrics.add_metric(name="TelemetryReadings", unit="Count", value=result.readings)
    logger.info("telemetry batch", extra={"messages": result.messages, "readings": result.readings,
                                          "quarantined": result.quarantined})
    return result


def _count(per_enterprise: dict[str, list[int]]) -> None:
    now = clock.now_ms()
    day = datetime.fromtimestamp(now / 1000, UTC).strftime("%Y-%m-%d")
    for enterprise_id, (messages, readings, quarantined) in per_enterprise.items():
        IngestCounterModel(enterprise_id, day).update(actions=[
            IngestCounterModel.messages.add(messages),
            IngestCounterModel.readings.add(readings),
            IngestCounterModel.quarantined.add(quarantined),
            IngestCounterModel.last_ms.set(now),
        ])
