"""Lambda and SQS as in AWS: functions run in this process, a failed asynchronous (SNS) invocation is retried, and
an SQS send or receive costs O(1), not O(depth)."""

from __future__ import annotations

import functools
import importlib
import json
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from local.moto_patches import targets as t
from local.moto_patches.guard import counters

invocations: list[tuple[str, float]] = []  # (function name, seconds): cheap counter the stack reports
# Asynchronous invocations (SNS -> Lambda) that failed, with the retries left: moto's SNS ignores the error,
# while Lambda retries such an event twice (a minute, then two, later) before discarding it.
ASYNC_RETRIES = 2
failed_async: list[tuple[Any, Any, int]] = []  # (function, event, retries left)
_fast = threading.local()  # set while an SQS send runs, so Queue.attributes skips the scan


def _handler(handler: str) -> Callable[[Any, Any], Any]:
    module_name, _, attr = handler.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def _context(fn: Any) -> SimpleNamespace:
    return SimpleNamespace(
        function_name=fn.function_name,
        function_version="$LATEST",
        invoked_function_arn=fn.function_arn,
        memory_limit_in_mb=int(getattr(fn, "memory_size", 512) or 512),
        aws_request_id=str(uuid.uuid4()),
        log_group_name=f"/aws/lambda/{fn.function_name}",
        log_stream_name="local",
        get_remaining_time_in_millis=lambda: 60_000,
    )


def _invoke_in_process(self: Any, event: Any = None) -> tuple[str, bool, str]:
    """moto's single runner, replaced: call the function's `Handler` (e.g. chalicelib.x.handlers.y) here."""
    if isinstance(event, str | bytes):
        event = json.loads(event or "{}")
    started = time.perf_counter()
    try:
        result = _handler(self.handler)(event, _context(self))
        return json.dumps(result, default=str), False, ""
    except Exception as exc:  # reported to the caller as a Lambda function error, as AWS does
        if _asynchronous(event):
            failed_async.append((self, event, getattr(_retrying, "left", ASYNC_RETRIES)))
        body = {
            "errorMessage": str(exc),
            "errorType": type(exc).__name__,
            "stackTrace": traceback.format_exc().splitlines()[-5:],
        }
        return json.dumps(body), True, traceback.format_exc()
    finally:
        invocations.append((self.function_name, time.perf_counter() - started))


_retrying = threading.local()  # the retries left of the event being retried on this thread


def _asynchronous(event: Any) -> bool:
    records = event.get("Records") if isinstance(event, dict) else None
    return isinstance(records, list) and bool(records) and (records[0] or {}).get("EventSource") == "aws:sns"


def retry_async() -> int:
    """Lambda's retry of failed asynchronous invocations, due now: each failed event is invoked once more (it
    comes back with one retry fewer if it fails again; none left: discarded, as AWS does without an on-failure
    destination). The local scheduler runs it every minute; tests call it. Returns the events retried."""
    due = [entry for entry in failed_async if entry[2] > 0]
    failed_async.clear()
    for fn, event, left in due:
        _retrying.left = left - 1
        try:
            fn._invoke_lambda(event=event)
        finally:
            del _retrying.left
    return len(due)


def patch_lambda() -> None:
    t.LAMBDA_RUNNER.replace(_invoke_in_process)


def patch_sqs() -> None:
    original_attributes = t.SQS_ATTRIBUTES.resolve().fget

    def attributes(self: Any) -> dict[str, Any]:
        if getattr(_fast, "on", False):
            return {"ContentBasedDeduplication": str(bool(getattr(self, "content_based_deduplication", False))).lower()}
        counters.full_attribute_reads += 1
        return original_attributes(self)

    t.SQS_ATTRIBUTES.replace(property(attributes))

    def fast(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _fast.on = True
            try:
                return method(*args, **kwargs)
            finally:
                _fast.on = False

        return wrapper

    for target in t.SQS_SENDS:
        target.replace(fast(target.resolve()))
    unix_time = t.SQS_UNIX_TIME.resolve()

    def retained(self: Any, queue_name: str, message: Any) -> bool:
        period = int(self.get_queue(queue_name).message_retention_period)
        return period + message.sent_timestamp / 1000 > unix_time()

    t.SQS_RETENTION.replace(retained)
