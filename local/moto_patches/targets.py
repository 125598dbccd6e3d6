"""Every private moto name this package patches or reads, with the parameters it relies on; `check()` proves
them all on the installed moto before anything is patched."""

from __future__ import annotations

import copy
import time
from typing import Any

from local.moto_patches.guard import Target, changed, source_has

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
DYNAMODB_TRANSACT = Target("moto.dynamodb.models", "DynamoDBBackend.transact_write_items", ("self", "transact_items"))
DYNAMODB_COPY = Target("moto.dynamodb.models", "copy")  # the `copy` module as moto's backend sees it
DYNAMODB_KEYS = Target("moto.dynamodb.models", "DynamoDBBackend.get_keys_value", ("self", "table", "keys"))
DYNAMODB_TABLE = Target("moto.dynamodb.models.table", "Table")
DYNAMODB_TABLE_GET = Target("moto.dynamodb.models.table", "Table.get_item", ("self", "hash_key", "range_key"), False)
DYNAMODB_OPERATIONS = tuple(
    Target("moto.dynamodb.models", f"DynamoDBBackend.{name}", ("self",), exact=False)
    for name in _DYNAMODB_ITEM_OPERATIONS
)
JSON_STRUCTURE = Target(  # every structure of a JSON-protocol response, DynamoDB's AttributeValue among them
    "moto.core.serialize",
    "BaseJSONSerializer._serialize_type_structure",
    ("self", "serialized", "value", "shape", "key"),
)
WAIT_INTERVAL = Target(
    f"{_SFN}.component.state.wait.wait_function.wait_function",
    "WaitFunction._wait_interval",
    ("self", "env", "wait_seconds"),
)
ENV_IS_RUNNING = Target(f"{_SFN}.eval.environment", "Environment.is_running", ("self",))
RETRIER = Target(f"{_SFN}.component.common.retry.retrier_decl", "RetrierDecl._eval_body", ("self", "env"))
RETRIER_CLOCK = Target(f"{_SFN}.component.common.retry.retrier_decl", "time")  # the `time` module it sleeps with
DYNAMODB_BACKENDS = Target("moto.dynamodb.models", "dynamodb_backends")
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
    JSON_STRUCTURE,
    WAIT_INTERVAL,
    ENV_IS_RUNNING,
    RETRIER,
    RETRIER_CLOCK,
)
READ = (DYNAMODB_BACKENDS, SNS_BACKENDS, IOT_DATA_BACKENDS, IOT_DATA_PUBLISH, ASL_PARSER)


def _is(module: Any, real: Any) -> bool:
    """`module` is the real one, or our stand-in for it (after apply())."""
    return module is real or getattr(module, "stands_in_for", None) is real


def check() -> None:
    """Every target exists with the expected parameters, or MotoChanged names the first one that does not."""
    for target in (*PATCHED, *READ):
        target.resolve()
    if not (source_has(RETRIER, "time.sleep(") and _is(RETRIER_CLOCK.resolve(), time)):
        raise changed(RETRIER.name, "no time.sleep to compress")
    if not (source_has(DYNAMODB_TRANSACT, "copy.deepcopy(") and _is(DYNAMODB_COPY.resolve(), copy)):
        raise changed(DYNAMODB_TRANSACT.name, "no table copy to replace")
    if not source_has(DYNAMODB_TABLE_GET, "self.items[hash_key][range_key]"):
        raise changed(DYNAMODB_TABLE_GET.name, "items are no longer kept as Table.items[hash][range]")
