"""Telemetry event Lambdas: the SQS ingest consumer (partial batch failures)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core import catalog
from chalicelib.telemetry import service

bp = Blueprint(__name__)


@bp.on_sqs_message(queue=catalog.queue("telemetry").name, batch_size=100, maximum_batching_window_in_seconds=1)
def ingest_telemetry(event: Any) -> dict[str, Any]:
    """IoT rule -> SQS -> here. Returns batchItemFailures so only failed messages are retried."""
    records = [(r.to_dict()["messageId"], r.body.encode()) for r in event]
    result = service.ingest(records)
    return {"batchItemFailures": [{"itemIdentifier": mid} for mid in result.retry]}
