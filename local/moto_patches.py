"""Patches that make moto behave like AWS for this project: in-process Lambdas and O(1) SQS sends.

* Lambda: moto runs functions in Docker; we replace its single runner
  (`LambdaFunction._invoke_lambda`) with a call of the real handler named by the function's
  `Handler` string (e.g. `chalicelib.telemetry.handlers.ingest_telemetry`), in this process, so Step
  Functions tasks, `lambda.invoke` and event sources all reach our code.
* SQS: moto computes every queue attribute (a scan of all messages) on each send and each received
  message, which makes a busy queue O(depth) per call; we read the two attributes it needs directly.
* DynamoDB: moto's backend is not thread-safe, and a cancelled transaction restores a copy of every
  table taken when it began, wiping what other threads wrote meanwhile; we serialize item operations,
  which gives conditional writes and transactions the atomicity DynamoDB guarantees (and the alarm
  engine's optimistic locking relies on). That copy is also a deep copy of every table a transaction
  touches, so each transaction cost grew with the table (half a second per audited request once the audit
  table held a few thousand records); we keep an undo log of the touched items instead.
* Step Functions: optionally make Wait states and retry intervals instant (`fast_waits`), for tests.
"""

from __future__ import annotations

import importlib
import json
import threading
import traceback
import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

_applied = False
_fast = threading.local()
invocations: list[tuple[str, float]] = []  # (function name, seconds): cheap counter the stack reports


def _resolve(handler: str) -> Callable[[Any, Any], Any]:
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
    import time

    if isinstance(event, str | bytes):
        event = json.loads(event or "{}")
    started = time.perf_counter()
    try:
        target = _resolve(self.handler)
        result = target(event, _context(self))
        return json.dumps(result, default=str), False, ""
    except Exception as exc:  # reported to the caller as a Lambda function error, as AWS does
        body = {
            "errorMessage": str(exc),
            "errorType": type(exc).__name__,
            "stackTrace": traceback.format_exc().splitlines()[-5:],
        }
        return json.dumps(body), True, traceback.format_exc()
    finally:
        invocations.append((self.function_name, time.perf_counter() - started))


def _patch_lambda() -> None:
    from moto.awslambda import models

    models.LambdaFunction._invoke_lambda = _invoke_in_process  # type: ignore[method-assign]


def _patch_sqs() -> None:
    from moto.sqs import models

    original_attributes = models.Queue.attributes

    def attributes(self: Any) -> dict[str, Any]:
        if getattr(_fast, "on", False):
            return {"ContentBasedDeduplication": str(bool(getattr(self, "content_based_deduplication", False))).lower()}
        return original_attributes.fget(self)  # type: ignore[attr-defined]

    models.Queue.attributes = property(attributes)  # type: ignore[method-assign, assignment]

    def fast(method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _fast.on = True
            try:
                return method(*args, **kwargs)
            finally:
                _fast.on = False

        return wrapper

    models.SQSBackend.send_message = fast(models.SQSBackend.send_message)  # type: ignore[method-assign]
    models.SQSBackend.send_message_batch = fast(models.SQSBackend.send_message_batch)  # type: ignore[method-assign]

    def retained(self: Any, queue_name: str, message: Any) -> bool:
        from moto.core.utils import unix_time

        period = int(self.get_queue(queue_name).message_retention_period)
        return period + message.sent_timestamp / 1000 > unix_time()

    models.SQSBackend.is_message_valid_based_on_retention_period = retained  # type: ignore[method-assign]


_DYNAMODB_ITEM_OPERATIONS = (
    "put_item",
    "get_item",
    "update_item",
    "delete_item",
    "query",
    "scan",
    "transact_write_items",
    "execute_statement",
    "execute_transaction",
    "batch_execute_statement",
)


def _patch_dynamodb() -> None:
    from moto.dynamodb import models

    lock = threading.RLock()  # re-entrant: a transaction calls put_item/update_item/delete_item

    def serialized(method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with lock:
                return method(*args, **kwargs)

        return wrapper

    for name in _DYNAMODB_ITEM_OPERATIONS:
        setattr(models.DynamoDBBackend, name, serialized(getattr(models.DynamoDBBackend, name)))


class _TablesNotCopied:
    """Stands in for the `copy` module inside moto's DynamoDB backend: tables are not deep-copied (the undo
    log in `_transact_with_undo_log` restores what a cancelled transaction wrote), anything else is."""

    def __init__(self, real: Any, table_type: type) -> None:
        self._real, self._table_type = real, table_type

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, self._table_type) else self._real.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _patch_dynamodb_transactions() -> None:
    import copy

    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    original = models.DynamoDBBackend.transact_write_items
    models.copy = _TablesNotCopied(copy, Table)  # type: ignore[assignment]

    def transact_with_undo_log(self: Any, transact_items: list[dict[str, Any]]) -> None:
        undo: list[tuple[Any, Any, Any, Any]] = []
        whole: dict[str, Any] = {}
        for item in transact_items:
            op = next(iter(item.values())) if item else {}
            table = self.tables.get(op.get("TableName")) if isinstance(op, dict) else None
            if table is None:
                continue
            try:
                key = op["Item"] if "Item" in op else op["Key"]
                hash_key, range_key = self.get_keys_value(table, key)
            except Exception:  # a malformed operation: fall back to a copy of its table, as moto does
                whole.setdefault(table.name, copy.deepcopy(table))
                continue
            undo.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, before in reversed(undo):
                bucket = table.items[hash_key] if range_key is not None else table.items
                slot = range_key if range_key is not None else hash_key
                if before is None:
                    bucket.pop(slot, None)
                else:
                    bucket[slot] = before
            self.tables.update(whole)
            raise

    models.DynamoDBBackend.transact_write_items = transact_with_undo_log  # type: ignore[method-assign]


def fast_waits() -> None:
    """Make Step Functions Wait states and Retry intervals return at once (tests compress time)."""
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function import wait_function

    wait_function.WaitFunction._wait_interval = lambda self, env, wait_seconds: None  # type: ignore[method-assign]


def apply() -> None:
    """Apply the Lambda, SQS and DynamoDB patches once per process (before moto serves a request)."""
    global _applied
    if _applied:
        return
    _patch_lambda()
    _patch_sqs()
    _patch_dynamodb_transactions()  # before the lock wraps transact_write_items
    _patch_dynamodb()
    _applied = True
