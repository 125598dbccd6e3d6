"""EventBridge schedules for the embedded stack: invokes each scheduled Lambda at its rate(), and once a minute
Lambda's retry of failed asynchronous (SNS) invocations (`moto_patches.retry_async`)."""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson

from chalicelib.core import aws
from local.provision import Schedule

_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
ASYNC_RETRY_S = 60  # Lambda retries a failed asynchronous invocation after about a minute
_UNIT = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


def period_s(expression: str) -> int:
    """Seconds between runs of a `rate(...)` expression; the project schedules only with rates."""
    match = _RATE.match(expression.strip())
    if not match:
        raise ValueError(f"local scheduler supports rate() expressions only, got {expression!r}")
    return int(match.group(1)) * _UNIT[match.group(2)]


def scheduled_event() -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [],
        "detail": {},
    }


class Scheduler(threading.Thread):
    def __init__(self, schedules: list[Schedule], scale: float = 1.0) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.jobs = [(s.function, period_s(s.expression) * scale) for s in schedules]
        self._halt = threading.Event()
        self.runs: dict[str, int] = {fn: 0 for fn, _ in self.jobs}

    def run(self) -> None:
        from local import moto_patches

        due = {fn: time.monotonic() + period for fn, period in self.jobs}
        retry_due = time.monotonic() + ASYNC_RETRY_S
        while not self._halt.wait(0.5):
            now = time.monotonic()
            if now >= retry_due:
                retry_due = now + ASYNC_RETRY_S
                moto_patches.retry_async()
            for fn, period in self.jobs:
                if now >= due[fn]:
                    due[fn] = now + period
                    try:
                        aws.client("lambda").invoke(FunctionName=fn, Payload=orjson.dumps(scheduled_event()))
                        self.runs[fn] += 1
                    except Exception:  # a failed run is retried at the next period, as EventBridge would
                        continue

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)
