"""Every use of moto's private internals, guarded: patches that make moto behave like AWS, and test read-outs.

* Lambda (runtime.py): moto runs functions in Docker; we replace its single runner
  (`LambdaFunction._invoke_lambda`) with a call of the real handler named by the function's `Handler` string
  (e.g. `chalicelib.telemetry.handlers.ingest_telemetry`), in this process, so Step Functions tasks,
  `lambda.invoke` and event sources all reach our code.
  moto's SNS ignores a subscribed function's failure; Lambda retries an asynchronous event twice, so failed SNS
  invocations are kept and `retry_async()` (the local scheduler, every minute; tests, explicitly) retries them.
* SQS (runtime.py): moto computes every queue attribute (a scan of all messages) on each send and each
  received message, which makes a busy queue O(depth) per call; we read the two attributes it needs directly.
* DynamoDB (dynamodb.py): moto's backend is not thread-safe, and a cancelled transaction restores a copy of
  every table taken when it began, wiping what other threads wrote meanwhile; we serialize item operations,
  which gives conditional writes and transactions the atomicity DynamoDB guarantees (and the alarm engine's
  optimistic locking relies on). That copy is also a deep copy of every table a transaction touches, so each
  transaction cost grew with the table (half a second per audited request once the audit table held a few
  thousand records); we keep an undo log of the touched items instead.
* Step Functions (waits.py): Wait states and Retry intervals really sleep; tests make them instant
  (`fast_waits`) or hold a Wait open until the test has acted (`held_waits`). Task timeouts stay real.
* Read-outs (readouts.py) for tests and the simulator: SMS that SNS sent, mobile pushes, iot-data publishes, every
  DynamoDB item (the tenancy walk's check that another enterprise's data is unchanged), moto's ASL parser.

`apply()` first checks every target (targets.py: it exists, with the parameters we rely on), then patches; a
moto upgrade that renames or reshapes one fails with "moto X.Y.Z changed <name>: check the moto pin" instead of
silently falling back to Docker or slow paths. tests/integration/test_moto_patches.py proves each patch takes
effect; tests/architecture/test_moto_harness.py keeps moto's internals out of every other module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from local.moto_patches import targets, waits
from local.moto_patches.dynamodb import dynamodb_held, patch_dynamodb
from local.moto_patches.guard import MotoChanged, Target, counters, version
from local.moto_patches.readouts import (
    dynamodb_items,
    iot_published,
    parse_asl,
    pushed,
    relay_iot_publishes,
    sms_messages,
)
from local.moto_patches.runtime import failed_async, invocations, patch_lambda, patch_sqs, retry_async
from local.moto_patches.targets import check

__all__ = [
    "MotoChanged",
    "Target",
    "apply",
    "check",
    "counters",
    "dynamodb_held",
    "dynamodb_items",
    "failed_async",
    "fast_waits",
    "held_waits",
    "invocations",
    "iot_published",
    "parse_asl",
    "pushed",
    "relay_iot_publishes",
    "retry_async",
    "sms_messages",
    "version",
]

_applied = False


def apply() -> None:
    """Check every target, then apply the Lambda, SQS, DynamoDB and wait patches, once per process (before moto
    serves a request). Waits stay real until `fast_waits()`."""
    global _applied
    if _applied:
        return
    targets.check()
    patch_lambda()
    patch_sqs()
    patch_dynamodb()
    waits.patch_waits()
    _applied = True


def fast_waits(on: bool = True) -> None:
    """Make Step Functions Wait states and Retry intervals take no time (tests compress time); off: real."""
    apply()
    waits.set_instant(on)


@contextlib.contextmanager
def held_waits() -> Iterator[None]:
    """Wait states that start inside the block last until it ends (with fast waits: then at once).

    For a test that must act inside a wait window, e.g. acknowledge before the ack check runs: no race
    against a real timer."""
    apply()
    with waits.held():
        yield
