"""Fault injection for tests: AWS calls fail as AWS fails them, through botocore's event hooks.

A `before-call.<service>.<Operation>` handler registered on every client the code uses (the kernel's lazy
boto3 clients, each PynamoDB model's connection, the transaction connection) answers chosen calls with an
AWS error response instead of sending them: the code sees exactly the `ClientError` (PynamoDB: `PutError`,
`TransactWriteError` with its cancellation reasons...) that the SDK raises once its own retries are spent.
Nothing of ours is patched; clearing a fault lets the same clients through again.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse

# error code -> HTTP status, as the services answer
STATUS = {
    "ProvisionedThroughputExceededException": 400,
    "ThrottlingException": 400,
    "TransactionCanceledException": 400,
    "InternalError": 500,
    "Throttling": 400,
    "SlowDown": 503,
    "ServiceUnavailable": 503,
}
DYNAMODB_WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")
_ID = "tests.faults"


@dataclass
class Fault:
    """`service`/`operation` (botocore's hyphenated service id, operation name; "*" for any) fail with `code`,
    for `times` calls (None: until cleared), each with probability `rate` (drawn from a seeded generator), only
    the calls whose serialized request contains `match` when it is given (a table name, `PhoneNumber`)."""

    service: str
    operation: str
    code: str
    times: int | None = None
    rate: float = 1.0
    match: bytes | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(1))

    def matches(self, service: str, operation: str, body: bytes) -> bool:
        if self.service != service or self.operation not in ("*", operation):
            return False
        if self.match is not None and self.match not in body:
            return False
        if self.times is not None and self.times <= 0:
            return False
        if self.rate < 1.0 and self.rng.random() >= self.rate:
            return False
        if self.times is not None:
            self.times -= 1
        return True


class Faults:
    """`with Faults() as faults: faults.fail("sns", "Publish", "InternalError")`; `faults.injected` counts the
    calls answered with an error, by "service.Operation"; `faults.clear()` ends every fault."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.injected: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._emitters: list[Any] = []

    def fail(self, service: str, operation: str, code: str, **kw: Any) -> Fault:
        fault = Fault(service, operation, code, **kw)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()

    def __enter__(self) -> Faults:
        for client in _clients():
            events = client.meta.events
            events.register("before-call", self._before_call, unique_id=_ID)
            self._emitters.append(events)
        return self

    def __exit__(self, *exc: object) -> None:
        self.clear()
        for events in self._emitters:
            events.unregister("before-call", unique_id=_ID)
        self._emitters.clear()

    def _before_call(self, event_name: str, params: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        _, service, operation = event_name.split(".", 2)
        with self._lock:
            self.calls[f"{service}.{operation}"] += 1
            body = params.get("body") or b""
            body = body.encode() if isinstance(body, str) else body if isinstance(body, bytes) else repr(body).encode()
            fault = next((f for f in self.faults if f.matches(service, operation, body)), None)
            if fault is None:
                return None
            self.injected[f"{service}.{operation}"] += 1
        return _error(fault.code, params)


def _error(code: str, params: Any) -> tuple[AWSResponse, dict[str, Any]]:
    status = STATUS.get(code, 500)
    parsed: dict[str, Any] = {
        "Error": {"Code": code, "Message": f"injected fault: {code}"},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}, "RetryAttempts": 0},
    }
    if code == "TransactionCanceledException":  # a conflict with another transaction, on every item
        import orjson

        items = len(orjson.loads(params.get("body") or b"{}").get("TransactItems", [])) or 1
        parsed["CancellationReasons"] = [{"Code": "TransactionConflict", "Message": "conflict"}] * items
        parsed["Error"]["Message"] = "Transaction cancelled [TransactionConflict]"
    return AWSResponse("https://fault.invalid", status, {}, None), parsed


def _clients() -> Iterator[Any]:
    """Every botocore client the code under test can use: the kernel's, PynamoDB's per model, transactions'."""
    from chalicelib.core import aws, catalog, store
    from chalicelib.core.settings import get_settings

    for service in ("sns", "s3", "stepfunctions", "dynamodb", "sqs", "iot-data"):
        yield aws.client(service)
    seen: set[int] = set()
    connections: list[Callable[[], Any]] = [lambda: store._connection(get_settings().region)]
    connections += [lambda m=m: m._get_connection().connection for m in catalog.table_models()]
    for connection in connections:
        client = connection().client
        if id(client) not in seen:
            seen.add(id(client))
            yield client
