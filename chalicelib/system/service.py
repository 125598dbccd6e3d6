"""Health checks: one cheap call to each backing service, timed, never raising."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.core import aws, catalog
from chalicelib.system.schemas import Check, HealthOut

_PROBES: dict[str, Callable[[], Any]] = {
    "dynamodb": lambda: aws.client("dynamodb").describe_table(TableName=catalog.resource_name("audit")),
    "sns": lambda: aws.client("sns").get_topic_attributes(TopicArn=catalog.topic_arn("alarm-events")),
    "sqs": lambda: aws.client("sqs").get_queue_attributes(
        QueueUrl=catalog.queue_url("telemetry"), AttributeNames=["QueueArn"]
    ),
    "stepfunctions": lambda: aws.client("stepfunctions").list_state_machines(maxResults=1),
}


def _probe(name: str) -> tuple[str, Check]:
    started = time.perf_counter()
    try:
        _PROBES[name]()
        return name, Check(ok=True, ms=round((time.perf_counter() - started) * 1000, 1))
    except Exception as exc:  # a health check reports failures; it never raises them
        error = getattr(exc, "code", None) or type(exc).__name__
        return name, Check(ok=False, ms=round((time.perf_counter() - started) * 1000, 1), error=str(error))


def health(version: str, stage: str) -> HealthOut:
    with ThreadPoolExecutor(max_workers=len(_PROBES)) as pool:
        checks = dict(pool.map(_probe, _PROBES))
    status = "ok" if all(c.ok for c in checks.values()) else "degraded"
    return HealthOut(status=status, version=version, stage=stage, checks=checks)
