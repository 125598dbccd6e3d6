"""Powertools Logger (JSON, correlation id), Metrics (EMF) and Tracer, wired as one Chalice middleware."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics

from chalicelib.core.settings import get_settings

SERVICE = "chempark"
logger = Logger(service=SERVICE)
metrics = Metrics(namespace="ChemPark", service=SERVICE)


@lru_cache(maxsize=1)
def tracer() -> Any:
    """The X-Ray tracer, created on first use inside Lambda only.

    Creating a Powertools Tracer imports the X-Ray SDK (about 120 ms of its own); doing it lazily keeps
    `import app` near the floor of `import boto3` and costs nothing locally, where tracing is off.
    """
    settings = get_settings()
    if not settings.lambda_function_name or settings.trace_disabled:
        return None
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


def _correlation_id(event: Any) -> str | None:
    context = getattr(event, "context", None)
    if isinstance(context, dict):  # HTTP: API Gateway request id
        return context.get("requestId")
    return getattr(context, "aws_request_id", None)


def lambda_middleware(event: Any, get_response: Any) -> Any:
    """Every Lambda (HTTP, SQS, schedules, workflow tasks): correlation id, trace segment, metrics flush."""
    logger.set_correlation_id(_correlation_id(event))
    active = tracer()
    try:
        if active is None:
            return get_response(event)
        with active.provider.in_subsegment("## handler"):
            return get_response(event)
    finally:
        if metrics.metric_set:  # an empty flush only warns
            metrics.flush_metrics()
