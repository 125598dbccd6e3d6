"""Every use of moto's private internals, guarded: patches that make moto behave like AWS, and test read-outs.

* Lambda: moto runs functions in Docker; we replace its single runner (`LambdaFunction._invoke_lambda`) with a
  call of the real handler named by the function's `Handler` string (e.g.
  `chalicelib.telemetry.handlers.ingest_telemetry`), in this process, so Step Functions tasks, `lambda.invoke`
  and event sources all reach our code.
* SQS: moto computes every queue attribute (a scan of all messages) on each send and each received
  message, which makes a busy queue O(depth) per call; we read the two attributes it needs directly.
* DynamoDB: moto's backend is not thread-safe, and a cancelled transaction restores a copy of every
  table taken when it began, wiping what other threads wrote meanwhile; we serialize item operations,
  which gives conditional writes and transactions the atomicity DynamoDB guarantees (and the alarm
  engine's optimistic locking relies on). That copy is also a deep copy of every table a transaction
  touches, so each transaction cost grew with the table (half a second per audited request once the audit
  table held a few thousand records); we keep an undo log of the touched items instead.
* Step Functions: Wait states and Retry intervals really sleep; tests make them instant (`fast_waits`) or hold
  a Wait open until the test has acted (`held_waits`). Task timeouts stay real.
* Read-outs for tests and the simulator: SMS that SNS sent, iot-data publishes, moto's ASL parser.

`apply()` first checks that every target exists with the parameters this module relies on, then patches;
a moto upgrade that renames or reshapes one fails with "moto X.Y.Z changed <name>: check the moto pin" instead
of silently falling back to Docker or slow paths. tests/integration/test_moto_patches.py proves each patch
takes effect.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import importlib
import inspect
import json
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from types import SimpleNamespace
from typing import Any

ACCOUNT, REGION = "123456789012", "us-east-1"  # moto's default account; local/env.py sets the region

_applied = False
_fast = threading.local()  # SQS: set while a send runs, so Queue.attributes skips the scan
_dynamodb_lock = threading.RLock()  # re-entrant: a transaction calls put_item/update_item/delete_item
_waits = SimpleNamespace(mode="real", release=threading.Event())  # "real" | "instant" | "held"
invocations: list[tuple[str, float]] = []  # (function name, seconds): cheap counter the stack reports
# full_attribute_reads: moto computed every attribute of a queue (O(depth)); tables_not_copied: a transaction
# asked for a deep copy of a table and got the table itself (the undo log covers it).
counters = SimpleNamespace(full_attribute_reads=0, tables_not_copied=0)


class MotoChanged(RuntimeError):
    """A private moto name this module relies on is gone or has other parameters: check the moto pin."""


@dataclass(frozen=True)
class Target:
    """A private moto attribute (`path` may be dotted, e.g. `Class.method`) and the parameters we rely on."""

    module: str
    path: str
    params: tuple[str, ...] | None = None  # a function's parameters (or the first ones, when not `exact`)
    exact: bool = True  # we replace it: the replacement must take exactly these parameters

    @property
    def name(self) -> str:
        return f"{self.module}.{self.path}"

    def resolve(self) -> Any:
        """The attribute as stored (a property stays a property), checked; raises MotoChanged otherwise."""
        try:
            obj: Any = importlib.import_module(self.module)
            for part in self.path.split("."):
                obj = inspect.getattr_static(obj, part)
        except (ImportError, AttributeError) as exc:
            raise MotoChanged(f"moto {version()} changed {self.name} (gone: {exc}): check the moto pin") from None
        if self.params is not None:
            found = _parameters(obj.fget if isinstance(obj, property) else obj)
            wanted = found if found is None or self.exact else found[: len(self.params)]
            if wanted != self.params:
                raise MotoChanged(
                    f"moto {version()} changed {self.name} (parameters {found}, expected {self.params}): "
                    "check the moto pin"
                )
        return obj


def _parameters(fn: Any) -> tuple[str, ...] | None:
    try:
        return tuple(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None


def version() -> str:
    return metadata.version("moto")


_SFN = "moto.stepfunctions.parser.asl"
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
LAMBDA_RUNNER = Target("moto.awslambda.models", "LambdaFunction._invoke_lambda", ("self", "event"))
SQS_ATTRIBUTES = Target("moto.sqs.models", "Queue.attributes", ("self",))
SQS_SENDS = tuple(
    Target("moto.sqs.models", f"SQSBackend.{name}", ("self", "queue_name"), exact=False)
    for name in ("send_message", "send_message_batch")
)
SQS_RETENTION = Target(
    "moto.sqs.models", "SQSBackend.is_message_valid_based_on_retention_period", ("self", "queue_name", "message")
)
SQS_UNIX_TIME = Target("moto.core.utils", "unix_time")
DYNAMODB_TRANSACT = Target(
    "moto.dynamodb.models", "DynamoDBBackend.transact_write_items", ("self", "transact_items")
)
DYNAMODB_COPY = Target("moto.dynamodb.models", "copy")  # the `copy` module as moto's backend sees it
DYNAMODB_KEYS = Target("moto.dynamodb.models", "DynamoDBBackend.get_keys_value", ("self", "table", "keys"))
DYNAMODB_TABLE = Target("moto.dynamodb.models.table", "Table")
DYNAMODB_TABLE_GET = Target("moto.dynamodb.models.table", "Table.get_item", ("self", "hash_key", "range_key"), False)
DYNAMODB_OPERATIONS = tuple(
    Target("moto.dynamodb.models", f"DynamoDBBackend.{name}", ("self",), exact=False)
    for name in _DYNAMODB_ITEM_OPERATIONS
)
WAIT_INTERVAL = Target(
    f"{_SFN}.component.state.wait.wait_function.wait_function",
    "WaitFunction._wait_interval",
    ("self", "env", "wait_seconds"),
)
ENV_IS_RUNNING = Target(f"{_SFN}.eval.environment", "Environment.is_running", ("self",))
RETRIER = Target(f"{_SFN}.component.common.retry.retrier_decl", "RetrierDecl._eval_body", ("self", "env"))
RETRIER_CLOCK = Target(f"{_SFN}.component.common.retry.retrier_decl", "time")
SNS_BACKENDS = Target("moto.sns.models", "sns_backends")
IOT_DATA_BACKENDS = Target("moto.iotdata.models", "iotdata_backends")
IOT_DATA_PUBLISH = Target("moto.iotdata.models", "IoTDataPlaneBackend.publish", ("self", "topic", "payload"))
ASL_PARSER = Target(f"{_SFN}.parse.asl_parser", "AmazonStateLanguageParser.parse", ("definition",))

PATCHED = (
    LAMBDA_RUNNER,
    SQS_ATTRIBUTES,
    *SQS_SENDS,
    SQS_RETENTION,
    SQS_UNIX_TIME,
    DYNAMODB_TRANSACT,
    DYNAMODB_COPY,
    DYNAMODB_KEYS,
    DYNAMODB_TABLE,
    DYNAMODB_TABLE_GET,
    *DYNAMODB_OPERATIONS,
    WAIT_INTERVAL,
    ENV_IS_RUNNING,
    RETRIER,
    RETRIER_CLOCK,
)
READ = (SNS_BACKENDS, IOT_DATA_BACKENDS, IOT_DATA_PUBLISH, ASL_PARSER)


def check() -> None:
    """Every target exists with the expected parameters, or MotoChanged names the first one that does not."""
    for target in (*PATCHED, *READ):
        target.resolve()
    clock = RETRIER_CLOCK.resolve()
    sleeps = "time.sleep(" in inspect.getsource(RETRIER.resolve())
    if not sleeps or not (clock is time or isinstance(clock, _RetrierClock)):
        raise MotoChanged(f"moto {version()} changed {RETRIER.name} (no time.sleep to compress): check the moto pin")
    copier = DYNAMODB_COPY.resolve()
    copies = "copy.deepcopy(" in inspect.getsource(_original(DYNAMODB_TRANSACT.resolve()))
    items = "self.items[hash_key][range_key]" in inspect.getsource(DYNAMODB_TABLE_GET.resolve())
    if not (copies and items) or not (copier is copy or isinstance(copier, _TablesNotCopied)):
        raise MotoChanged(
            f"moto {version()} changed {DYNAMODB_TRANSACT.name} (no table copy to replace, or Table.items is "
            "shaped otherwise): check the moto pin"
        )


def _original(fn: Any) -> Any:
    """The function our wrappers and replacements stand in front of (itself when unpatched)."""
    while hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn


def _owner(target: Target) -> Any:
    """The class (or module) that holds `target`, to set a replacement on."""
    obj: Any = importlib.import_module(target.module)
    for part in target.path.split(".")[:-1]:
        obj = getattr(obj, part)
    return obj


def _replace(target: Target, value: Any) -> None:
    setattr(_owner(target), target.path.rsplit(".", 1)[-1], value)


# Lambda --------------------------------------------------------------------------------------------------------


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
    if isinstance(event, str | bytes):
        event = json.loads(event or "{}")
    started = time.perf_counter()
    try:
        result = _resolve(self.handler)(event, _context(self))
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


# SQS -----------------------------------------------------------------------------------------------------------


def _patch_sqs() -> None:
    original_attributes = SQS_ATTRIBUTES.resolve().fget

    def attributes(self: Any) -> dict[str, Any]:
        if getattr(_fast, "on", False):
            return {"ContentBasedDeduplication": str(bool(getattr(self, "content_based_deduplication", False))).lower()}
        counters.full_attribute_reads += 1
        return original_attributes(self)

    _replace(SQS_ATTRIBUTES, property(attributes))

    def fast(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _fast.on = True
            try:
                return method(*args, **kwargs)
            finally:
                _fast.on = False

        return wrapper

    for target in SQS_SENDS:
        _replace(target, fast(target.resolve()))
    unix_time = SQS_UNIX_TIME.resolve()

    def retained(self: Any, queue_name: str, message: Any) -> bool:
        period = int(self.get_queue(queue_name).message_retention_period)
        return period + message.sent_timestamp / 1000 > unix_time()

    _replace(SQS_RETENTION, retained)


# DynamoDB ------------------------------------------------------------------------------------------------------


def _patch_dynamodb() -> None:
    def serialized(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _dynamodb_lock:
                return method(*args, **kwargs)

        return wrapper

    for target in DYNAMODB_OPERATIONS:
        _replace(target, serialized(target.resolve()))


class _TablesNotCopied:
    """Stands in for the `copy` module inside moto's DynamoDB backend: tables are not deep-copied (the undo
    log of `transact_write_items` restores what a cancelled transaction wrote), anything else is."""

    def __init__(self, table_type: type) -> None:
        self._table_type = table_type

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if isinstance(value, self._table_type):
            counters.tables_not_copied += 1
            return value
        return copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _patch_dynamodb_transactions() -> None:
    """Before the lock wraps transact_write_items: the undo log runs inside it."""
    original = DYNAMODB_TRANSACT.resolve()
    _replace(DYNAMODB_COPY, _TablesNotCopied(DYNAMODB_TABLE.resolve()))

    @functools.wraps(original)
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

    _replace(DYNAMODB_TRANSACT, transact_with_undo_log)


@contextlib.contextmanager
def dynamodb_held() -> Iterator[None]:
    """Hold the lock every DynamoDB item operation takes (tests prove the serialization with it)."""
    with _dynamodb_lock:
        yield


# Step Functions waits ------------------------------------------------------------------------------------------


class _RetrierClock:
    """Stands in for the `time` module inside moto's retrier: a Retry interval follows the wait mode."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        if _waits.mode == "real":
            time.sleep(seconds)


def _patch_waits() -> None:
    original = WAIT_INTERVAL.resolve()

    def wait_interval(self: Any, env: Any, wait_seconds: int) -> None:
        if _waits.mode == "real":
            return original(self, env, wait_seconds)
        release = _waits.release
        if _waits.mode == "held" and wait_seconds > 0:
            while not release.wait(0.05) and env.is_running():
                pass
        return None

    _replace(WAIT_INTERVAL, wait_interval)
    _replace(RETRIER_CLOCK, _RetrierClock())


def fast_waits(on: bool = True) -> None:
    """Make Step Functions Wait states and Retry intervals take no time (tests compress time); off: real."""
    apply()
    _waits.mode = "instant" if on else "real"


@contextlib.contextmanager
def held_waits() -> Iterator[None]:
    """Wait states that start inside the block last until it ends (with fast waits: then at once).

    For a test that must act inside a wait window, e.g. acknowledge before the ack check runs: no race
    against a real timer."""
    apply()
    previous, release = _waits.mode, threading.Event()
    _waits.mode, _waits.release = "held", release
    try:
        yield
    finally:
        _waits.mode = previous
        release.set()


# Read-outs -----------------------------------------------------------------------------------------------------


def sms_messages() -> list[tuple[str, str]]:
    """(number, text) of every SMS moto's SNS sent, oldest first."""
    backend = SNS_BACKENDS.resolve()[ACCOUNT][REGION]
    return list(backend.sms_messages.values())


def iot_published() -> list[tuple[str, bytes]]:
    """(topic, payload) of every iot-data publish moto received, oldest first."""
    backend = IOT_DATA_BACKENDS.resolve()[ACCOUNT][REGION]
    return list(backend.published_payloads)


def relay_iot_publishes(relay: Callable[[str, bytes], None]) -> Callable[[], None]:
    """Also hand every iot-data publish to `relay` (IoT Core would deliver it over MQTT); returns the undo."""
    original = IOT_DATA_PUBLISH.resolve()

    def publish(self: Any, topic: str, payload: bytes) -> None:
        original(self, topic, payload)
        relay(topic, payload)

    _replace(IOT_DATA_PUBLISH, publish)
    return lambda: _replace(IOT_DATA_PUBLISH, original)


def parse_asl(definition: str) -> Any:
    """Parse an ASL text with moto's own parser (the one that will execute it); raises on grammar errors."""
    return ASL_PARSER.resolve()(definition)


def apply() -> None:
    """Check every target, then apply the Lambda, SQS, DynamoDB and wait patches, once per process (before moto
    serves a request). Waits stay real until `fast_waits()`."""
    global _applied
    if _applied:
        return
    check()
    _replace(LAMBDA_RUNNER, _invoke_in_process)
    _patch_sqs()
    _patch_dynamodb_transactions()  # before the lock wraps transact_write_items
    _patch_dynamodb()
    _patch_waits()
    _applied = True
