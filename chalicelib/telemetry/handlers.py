"""Telemetry event Lambdas: the SQS ingest consumer (partial batch failures) and the stale sweep."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.core import catalog
from chalicelib.telemetry import service, sweeps

bp = Blueprint(__name__)


@bp.on_sqs_message(queue=catalog.queue("telemetry").name, batch_size=100, maximum_batching_window_in_seconds=1)
def ingest_telemetry(event: Any) -> dict[str, Any]:
    """IoT rule -> SQS -> here. Returns batchItemFailures so only failed messages are retried."""
    records = [(r.to_dict()["messageId"], r.body.encode()) for r in event]
    result = service.ingest(records)
    return {"batchItemFailures": [{"itemIdentifier": mid} for mid in result.retry]}


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="stale_sweep")
def stale_sweep(event: Any) -> dict[str, Any]:
    """Every minute: sensors silent past their stale_after_s raise STALE; online rate per enterprise."""
    return sweeps.sweep()
