"""Warning Lambdas: the workflow's task function and the intake of alarm events (SNS subscription)."""

from __future__ import annotations

from typing import Any

import orjson
from chalice import Blueprint

from chalicelib.core import catalog
from chalicelib.core.observability import logger

bp = Blueprint(__name__)


@bp.lambda_function(name="warning_task")
def warning_task(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every Task state of stepfunctions/warning_verification.asl.json."""
    from chalicelib.warnings import tasks

    return tasks.run(event)


@bp.on_sns_message(topic=catalog.topic("alarm-events").name, name="warning_intake")
def warning_intake(event: Any) -> None:
    """Alarm events at or above the configured priority start (or join) a warning verification."""
    from chalicelib.warnings import service

    try:
        message = orjson.loads(event.message)
    except orjson.JSONDecodeError:
        logger.warning("alarm event is not JSON")
        return
    if "alarm" in message:
        service.from_alarm(message)
