"""Linkage event Lambdas: device command acknowledgements (SQS, partial failures) and the timeout sweep."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.core import catalog
from chalicelib.linkage import service

bp = Blueprint(__name__)


@bp.on_sqs_message(queue=catalog.queue("command-acks").name, batch_size=10, name="command_acks")
def command_acks(event: Any) -> dict[str, Any]:
    """IoT rule park/+/acks -> SQS -> here. Returns batchItemFailures so only failed acks are retried."""
    records = [(r.to_dict()["messageId"], r.body) for r in event]
    return {"batchItemFailures": [{"itemIdentifier": mid} for mid in service.handle_acks(records)]}


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="command_timeouts")
def command_timeouts(event: Any) -> dict[str, int]:
    """Every minute: commands not acknowledged within CHEMPARK_COMMAND_TIMEOUT_S become `timeout`."""
    return service.sweep_timeouts()
